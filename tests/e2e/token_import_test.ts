// `clawauth token import` end to end: the CLI as a subprocess, secrets into the real Secret
// Service (gnome-keyring on a private D-Bus), and an imported Codex CLI login that then
// refreshes at a loopback oidc-provider configured like auth.openai.com for the Codex CLI.

import assert from "node:assert/strict";
import { OPENAI_CODEX_CLIENT_ID } from "../../providers/local_clients.ts";
import { createPkcePair } from "../../providers/pkce.ts";
import { startKeyring } from "../fixtures/keyring.ts";
import { authorizeOverHttp, startOidcUpstream } from "../fixtures/oidc_provider.ts";
import { REPO_ROOT, runCli } from "../fixtures/run_cli.ts";
import { makeExpiring, storeFor, tokenGet } from "./_token_sink_e2e.ts";

Deno.test("token import codex: a real Codex login goes into the Secret Service, then refreshes at the provider; re-import changes nothing", async () => {
  const redirectUri = "http://localhost:1455/auth/callback";
  const upstream = await startOidcUpstream({
    redirectUris: [],
    publicClientId: OPENAI_CODEX_CLIENT_ID,
    publicRedirectUris: [redirectUri],
    jwtAccessTokens: {
      resource: "https://api.openai.test",
      claims: (id) => ({ "https://api.openai.com/auth": { chatgpt_account_id: `acct-${id}` } }),
    },
  });
  const keyring = await startKeyring();
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-e2e-import-" });
  const codexHome = await Deno.makeTempDir({ prefix: "clawauth-e2e-codex-home-" });
  try {
    // The Codex CLI's login, done against the fixture, saved the way the Codex CLI saves it.
    const pkce = await createPkcePair();
    const { callbackUrl } = await authorizeOverHttp(
      upstream.authorizeUrlFor({
        clientId: OPENAI_CODEX_CLIENT_ID,
        redirectUri,
        state: "codex-state",
        codeChallenge: pkce.challenge,
        scope: "openid profile email offline_access",
      }),
      { account: "bob" },
    );
    const response = await fetch(upstream.tokenUrl, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: callbackUrl.searchParams.get("code")!,
        redirect_uri: redirectUri,
        client_id: OPENAI_CODEX_CLIENT_ID,
        code_verifier: pkce.verifier,
      }),
    });
    const tokens = await response.json();
    assert.equal(response.status, 200, JSON.stringify(tokens));
    await Deno.writeTextFile(
      `${codexHome}/auth.json`,
      JSON.stringify({
        OPENAI_API_KEY: null,
        tokens: {
          id_token: tokens.id_token,
          access_token: tokens.access_token,
          refresh_token: tokens.refresh_token,
          account_id: null,
        },
        last_refresh: new Date().toISOString(),
      }),
    );

    const env = {
      ...keyring.env,
      CLAWAUTH_KEYCHAIN: "linux",
      CLAWAUTH_KEYCHAIN_SERVICE: "clawauth-e2e",
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_SERVER_URL: "http://127.0.0.1:9",
      CODEX_HOME: codexHome,
      OPENAI_CODEX_TOKEN_URL: upstream.tokenUrl,
    };
    const first = await runCli(["token", "import", "codex", "--json"], { env });
    assert.equal(first.code, 0, first.stderr);
    const data = first.json() as {
      changed: boolean;
      profiles: { profile: string; status: string; account?: { id?: string } }[];
    };
    assert.equal(data.changed, true);
    assert.deepEqual(data.profiles.map((p) => [p.profile, p.status]), [
      ["openai-codex:default", "imported"],
    ]);
    assert.equal(data.profiles[0].account?.id, "acct-bob");
    for (const secret of [tokens.access_token, tokens.refresh_token, tokens.id_token]) {
      assert.ok(!first.stdout.includes(secret) && !first.stderr.includes(secret));
    }

    // In the Secret Service, not in a file.
    const lookup = await new Deno.Command("secret-tool", {
      args: ["search", "--all", "service", "clawauth-e2e"],
      env: keyring.env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    assert.match(
      decoder.decode(lookup.stdout) + decoder.decode(lookup.stderr),
      /openai-codex:default/,
    );
    const stored = (await (await storeFor(env)).load("openai-codex:default"))!;
    assert.equal(stored.secret.refresh_token, tokens.refresh_token);

    await makeExpiring(env, "openai-codex:default");
    const grants = upstream.counts.refreshGrants;
    const got = await tokenGet(env, "openai-codex");
    assert.equal(got.result.code, 0, got.result.stderr);
    assert.equal(upstream.counts.refreshGrants - grants, 1);
    assert.notEqual(got.accessToken, tokens.access_token);
    assert.equal(upstream.tokenRequestBodies.at(-1)!.get("client_id"), OPENAI_CODEX_CLIENT_ID);
    const after = (await (await storeFor(env)).load("openai-codex:default"))!;
    assert.equal(after.meta.account?.id, "acct-bob");

    // The Codex CLI's file still holds the older token: importing again keeps the refreshed one.
    const second = await runCli(["token", "import", "codex"], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Nothing changed/);
    assert.match(second.stdout, /unchanged\s+openai-codex:default/);
    const kept = (await (await storeFor(env)).load("openai-codex:default"))!;
    assert.equal(kept.secret.access_token, got.accessToken);
  } finally {
    await keyring.stop();
    await upstream.close();
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
    await Deno.remove(codexHome, { recursive: true }).catch(() => {});
  }
});

Deno.test("token import openclaw (subprocess): human report without secrets, order set, second run says nothing changed", async () => {
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-e2e-import-oc-" });
  const env = {
    CLAWAUTH_KEYCHAIN: "file",
    CLAWAUTH_KEYCHAIN_SERVICE: "clawauth-e2e",
    CLAWAUTH_STATE_DIR: stateDir,
    OPENCLAW_STATE_DIR: `${REPO_ROOT}/tests/fixtures/import/openclaw`,
  };
  try {
    const first = await runCli(["token", "import", "openclaw"], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /imported\s+anthropic:default \(token\)/);
    assert.match(first.stdout, /skipped\s+google:env/);
    assert.match(first.stdout, /order set anthropic: anthropic:work, anthropic:default/);
    for (const secret of ["sk-ant-oat01-FIXTURE", "rt-FIXTURE-openclaw-alice", "sk-proj-FIXTURE"]) {
      assert.ok(!first.stdout.includes(secret) && !first.stderr.includes(secret), secret);
    }
    const order = await runCli(["token", "get", "anthropic", "--json"], { env });
    assert.equal(
      (order.json() as { profile: string }).profile,
      "anthropic:work",
      "the imported order picks the profile",
    );
    const second = await runCli(["token", "import", "openclaw", "--json"], { env });
    const data = second.json() as { changed: boolean; imported: number; updated: number };
    assert.deepEqual([data.changed, data.imported, data.updated], [false, 0, 0]);
  } finally {
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
  }
});
