// Delegated tokens (the client secret lives on the clawauth server) refresh through the server's
// `POST /refresh`: a real server process, the real oidc-provider upstream, the CLI as subprocesses.

import assert from "node:assert/strict";
import { authorizeOverHttp, startOidcUpstream } from "../fixtures/oidc_provider.ts";
import { runCli } from "../fixtures/run_cli.ts";
import { startServerProcess } from "../fixtures/server_process.ts";
import { makeExpiring, storeFor, tokenGet, userinfoSub } from "./_token_sink_e2e.ts";

const PROVIDER = "demo";

async function withServer(
  fn: (t: {
    upstream: Awaited<ReturnType<typeof startOidcUpstream>>;
    server: Awaited<ReturnType<typeof startServerProcess>>;
    env: Record<string, string>;
  }) => Promise<void>,
): Promise<void> {
  const upstream = await startOidcUpstream({
    redirectUris: [],
    accessTokenTtlSeconds: 3600,
    rotateRefreshTokens: true,
  });
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-e2e-delegated-" });
  let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  try {
    server = await startServerProcess({
      env: {
        STATE_SIGNING_SECRET: "token-sink-test-state-secret-0123456789abcdef",
        CLAWAUTH_KV_PATH: ":memory:",
        CLAWAUTH_INIT_RATE_LIMIT: "0",
        CLAWAUTH_REFRESH_RATE_LIMIT: "0",
        CLAWAUTH_PROVIDERS: JSON.stringify([{
          name: PROVIDER,
          type: "oidc",
          issuer: upstream.issuer,
          clientId: upstream.client.clientId,
          clientSecret: upstream.client.clientSecret,
          scopes: ["openid", "offline_access"],
        }]),
      },
    });
    upstream.addRedirectUri(`${server.url}/callback/demo`);
    const env = {
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_KEYCHAIN: "file",
      CLAWAUTH_SERVER_URL: server.url,
    };
    await fn({ upstream, server, env });
  } finally {
    await server?.stop();
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
    await upstream.close();
  }
}

/** `login start` → the human approves over HTTP → `login claim`, stored as demo:<profile>. */
async function loginDelegated(env: Record<string, string>, profile: string): Promise<void> {
  const start = await runCli(["login", "start", PROVIDER, "--profile", profile, "--json"], { env });
  assert.equal(start.code, 0, start.stderr);
  const { sessionId, shortAuthUrl } = start.json() as { sessionId: string; shortAuthUrl: string };
  const { callbackUrl, cookies } = await authorizeOverHttp(shortAuthUrl);
  const callback = await cookies.fetch(callbackUrl, { method: "GET" });
  await callback.body?.cancel();
  assert.equal(callback.status, 200);
  const claim = await runCli(["login", "claim", sessionId, "--json"], { env });
  assert.equal(claim.code, 0, claim.stdout + claim.stderr);
  assert.equal((claim.json() as { status: string }).status, "completed");
}

Deno.test("a delegated token refreshes through the server's POST /refresh and stays valid", async () => {
  await withServer(async ({ upstream, env }) => {
    await loginDelegated(env, "work");
    const id = `${PROVIDER}:work`;
    const stored = (await (await storeFor(env)).load(id))!;
    assert.equal(stored.meta.origin, "delegated");

    const before = await makeExpiring(env, id);
    const grants = upstream.counts.refreshGrants;
    const got = await tokenGet(env, id);
    assert.equal(got.result.code, 0, got.result.stdout + got.result.stderr);
    assert.equal(upstream.counts.refreshGrants - grants, 1);
    assert.notEqual(got.accessToken, before.secret.access_token);
    assert.equal(await userinfoSub(upstream, got.accessToken!), "alice");
    const body = upstream.tokenRequestBodies.at(-1)!;
    assert.equal(body.get("grant_type"), "refresh_token");

    const after = (await (await storeFor(env)).load(id))!;
    assert.notEqual(after.secret.refresh_token, before.secret.refresh_token, "rotated token saved");
    assert.equal(after.meta.origin, "delegated");
    assert.equal(after.meta.refresh.state, "idle");

    // `token refresh` forces another round through the server.
    const forced = await runCli(["token", "refresh", PROVIDER, "--profile", "work", "--json"], {
      env,
    });
    assert.equal(forced.code, 0, forced.stdout + forced.stderr);
    assert.equal((forced.json() as { refresh: string }).refresh, "refreshed");
    assert.equal(upstream.counts.refreshGrants - grants, 2);
  });
});

Deno.test("delegated refresh: revoked → needs-login naming `login start`; upstream or server down → transient, record kept", async () => {
  await withServer(async ({ upstream, server, env }) => {
    await loginDelegated(env, "default");
    const id = `${PROVIDER}:default`;
    const before = await makeExpiring(env, id, -1000);

    upstream.setTokenEndpointDown(true);
    let got = await tokenGet(env, id);
    assert.equal(got.result.code, 1);
    assert.equal(got.error?.code, "transient_error", got.error?.message);
    assert.deepEqual((await (await storeFor(env)).load(id))!.secret, before.secret);
    upstream.setTokenEndpointDown(false);

    upstream.revokeRefreshTokens();
    got = await tokenGet(env, id);
    assert.equal(got.result.code, 1);
    assert.equal(got.error?.code, "needs_login");
    assert.match(got.error!.message, /Run: clawauth login start demo$/);
    assert.deepEqual((await (await storeFor(env)).load(id))!.secret, before.secret);

    // The server itself unreachable: transient too.
    await loginDelegated(env, "other");
    await makeExpiring(env, `${PROVIDER}:other`, -1000);
    await server.stop();
    got = await tokenGet(env, `${PROVIDER}:other`);
    assert.equal(got.result.code, 1);
    assert.equal(got.error?.code, "transient_error", got.error?.message);
  });
});
