// `clawauth login local openai-codex` end to end, out of the box: the CLI as a subprocess with
// no provider configuration, only its endpoints moved by the environment onto a loopback
// oidc-provider configured like auth.openai.com for the Codex CLI: a public client whose id is
// the Codex CLI's, PKCE required, redirect `http://localhost:<port>/auth/callback`, JWT access
// tokens carrying `https://api.openai.com/auth` → `chatgpt_account_id`.

import assert from "node:assert/strict";
import { OPENAI_CODEX_CLIENT_ID } from "../../providers/local_clients.ts";
import { launchBrowser } from "../fixtures/browser.ts";
import { completeLoginInBrowser } from "../fixtures/browser.ts";
import {
  authorizeOverHttp,
  type OidcUpstream,
  startOidcUpstream,
} from "../fixtures/oidc_provider.ts";
import { startCli } from "../fixtures/run_cli.ts";
import { makeExpiring, storeFor, tokenGet } from "./_token_sink_e2e.ts";

const AUTHORIZE_URL_LINE = /Open this URL to log in to [^\n]*:\n\n {2}(\S+)/;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function codexUpstream(port: number): Promise<OidcUpstream> {
  return await startOidcUpstream({
    redirectUris: [],
    publicClientId: OPENAI_CODEX_CLIENT_ID,
    publicRedirectUris: [`http://localhost:${port}/auth/callback`],
    jwtAccessTokens: {
      resource: "https://api.openai.test",
      claims: (accountId) => ({
        "https://api.openai.com/auth": { chatgpt_account_id: `acct-${accountId}` },
      }),
    },
  });
}

async function codexEnv(upstream: OidcUpstream, port: number) {
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-e2e-codex-" });
  return {
    env: {
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_KEYCHAIN: "file",
      CLAWAUTH_KEYCHAIN_SERVICE: "clawauth-e2e",
      CLAWAUTH_SERVER_URL: "http://127.0.0.1:9",
      OPENAI_CODEX_AUTH_URL: upstream.authorizeUrl,
      OPENAI_CODEX_TOKEN_URL: upstream.tokenUrl,
      OPENAI_CODEX_REDIRECT_PORT: String(port),
    },
    cleanup: () => Deno.remove(stateDir, { recursive: true }).catch(() => {}),
  };
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(Uint8Array.fromBase64(jwt.split(".")[1], {
    alphabet: "base64url",
  })));
}

Deno.test("login local openai-codex: the Codex CLI's authorize request, chromium on the loopback callback, account id kept, refresh at the provider", async () => {
  const port = freePort();
  const upstream = await codexUpstream(port);
  const { env, cleanup } = await codexEnv(upstream, port);
  const browser = await launchBrowser();
  try {
    const cli = await startCli(["login", "local", "openai-codex", "--no-browser", "--json"], {
      env,
    });
    let data: Record<string, unknown>;
    try {
      const url = new URL((await cli.waitFor(AUTHORIZE_URL_LINE, { stream: "stderr" }))[1]);
      // The parameters the Codex CLI sends (codex-rs/login/src/server.rs build_authorize_url).
      const q = url.searchParams;
      assert.equal(url.origin + url.pathname, upstream.authorizeUrl);
      assert.equal(q.get("client_id"), "app_EMoamEEZ73f0CkXaXp7hrann");
      assert.equal(q.get("redirect_uri"), `http://localhost:${port}/auth/callback`);
      assert.equal(q.get("scope"), "openid profile email offline_access");
      assert.equal(q.get("response_type"), "code");
      assert.equal(q.get("code_challenge_method"), "S256");
      assert.equal(q.get("id_token_add_organizations"), "true");
      assert.equal(q.get("codex_cli_simplified_flow"), "true");
      assert.equal(q.get("originator"), "codex_cli_rs");
      assert.ok((q.get("state") ?? "").length >= 32);
      const done = await completeLoginInBrowser(browser, url, { account: "bob" });
      assert.match(done.bodyText, /login complete/);
      const result = await cli.wait();
      assert.equal(result.code, 0, result.stderr);
      data = result.json() as Record<string, unknown>;
    } finally {
      cli.kill("SIGKILL");
      await cli.wait().catch(() => {});
    }
    assert.equal(data.via, "callback");
    assert.equal(data.profile, "openai-codex:default");
    assert.deepEqual((data.account as { id?: string }).id, "acct-bob");

    const store = await storeFor(env);
    const record = (await store.load("openai-codex:default"))!;
    assert.equal(record.meta.origin, "local");
    assert.equal(record.meta.account?.id, "acct-bob");
    assert.ok(record.secret.refresh_token);
    const body = upstream.tokenRequestBodies.at(-1)!;
    assert.equal(body.get("grant_type"), "authorization_code");
    assert.equal(body.get("client_id"), OPENAI_CODEX_CLIENT_ID);
    assert.equal(body.has("client_secret"), false);
    assert.ok(body.get("code_verifier"));

    // Refresh directly at the provider (no clawauth server: CLAWAUTH_SERVER_URL is dead).
    const first = await tokenGet(env, "openai-codex");
    assert.equal(first.result.code, 0, first.result.stderr);
    await makeExpiring(env, "openai-codex:default");
    const grants = upstream.counts.refreshGrants;
    const second = await tokenGet(env, "openai-codex");
    assert.equal(second.result.code, 0, second.result.stderr);
    assert.equal(upstream.counts.refreshGrants - grants, 1);
    assert.notEqual(second.accessToken, first.accessToken);
    const refreshBody = upstream.tokenRequestBodies.at(-1)!;
    assert.equal(refreshBody.get("grant_type"), "refresh_token");
    assert.equal(refreshBody.get("client_id"), OPENAI_CODEX_CLIENT_ID);
    assert.deepEqual(claimsOf(second.accessToken!)["https://api.openai.com/auth"], {
      chatgpt_account_id: "acct-bob",
    });
    const after = (await store.load("openai-codex:default"))!;
    assert.equal(after.meta.account?.id, "acct-bob");
  } finally {
    await browser.close();
    await cleanup();
    await upstream.close();
  }
});

Deno.test("login local openai-codex: port busy → says so, and the pasted redirect URL completes the login", async () => {
  const port = freePort();
  const upstream = await codexUpstream(port);
  const { env, cleanup } = await codexEnv(upstream, port);
  const squatter = Deno.listen({ hostname: "127.0.0.1", port });
  try {
    const cli = await startCli(["login", "local", "openai-codex", "--no-browser", "--json"], {
      env,
    });
    let data: Record<string, unknown>;
    try {
      const url = (await cli.waitFor(AUTHORIZE_URL_LINE, { stream: "stderr" }))[1];
      assert.match(cli.stderr(), new RegExp(`listen on 127\\.0\\.0\\.1:${port}`, "i"));
      assert.match(cli.stderr(), new RegExp(`Port ${port} is in use`));
      assert.match(cli.stderr(), /copy that whole address from the address bar and paste it here/);
      const { callbackUrl } = await authorizeOverHttp(url, { account: "alice" });
      await cli.write(`${callbackUrl.href}\n`);
      const result = await cli.wait();
      assert.equal(result.code, 0, result.stderr);
      data = result.json() as Record<string, unknown>;
    } finally {
      cli.kill("SIGKILL");
      await cli.wait().catch(() => {});
    }
    assert.equal(data.via, "paste");
    const record = (await (await storeFor(env)).load("openai-codex:default"))!;
    assert.equal(record.meta.account?.id, "acct-alice");
    assert.equal(claimsOf(record.secret.access_token!).sub, "alice");
  } finally {
    squatter.close();
    await cleanup();
    await upstream.close();
  }
});
