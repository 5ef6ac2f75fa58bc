// `token rm` revokes at the provider: the provider's userinfo endpoint then rejects the token.
// `--keep-remote` does not; a transient failure keeps the record unless --force.

import assert from "node:assert/strict";
import { runCli } from "../fixtures/run_cli.ts";
import { startOidcUpstream } from "../fixtures/oidc_provider.ts";
import { loginDelegated, meStatus, PROVIDER, withBoundServer } from "./_bound_server.ts";
import { FIXTURE_PROVIDER, loginLocalCli, sinkEnv, storeFor } from "./_token_sink_e2e.ts";

Deno.test("token rm revokes a delegated token through the server; --keep-remote does not", async () => {
  await withBoundServer(async ({ upstream, env }) => {
    await loginDelegated(env, "work");
    await loginDelegated(env, "keep");
    const store = await storeFor(env);
    const work = (await store.load(`${PROVIDER}:work`))!.secret.access_token!;
    const keep = (await store.load(`${PROVIDER}:keep`))!.secret.access_token!;
    assert.equal(await meStatus(upstream, work), 200);

    const rm = await runCli(["token", "rm", PROVIDER, "--profile", "work", "--json"], { env });
    assert.equal(rm.code, 0, rm.stdout + rm.stderr);
    const body = rm.json() as Record<string, unknown>;
    assert.equal(body.revoked, true);
    assert.equal(body.revocation, "revoked");
    assert.equal(body.removed, true);
    assert.equal(await meStatus(upstream, work), 401, "the provider rejects the revoked token");
    assert.equal(await store.load(`${PROVIDER}:work`), null);

    const kept = await runCli(["token", "rm", PROVIDER, "--profile", "keep", "--keep-remote"], {
      env,
    });
    assert.equal(kept.code, 0, kept.stdout + kept.stderr);
    assert.match(kept.stdout, /not revoked \(--keep-remote\)/);
    assert.equal(await meStatus(upstream, keep), 200, "still valid at the provider");
    assert.equal(await store.load(`${PROVIDER}:keep`), null, "but forgotten locally");
  });
});

Deno.test("token rm keeps the record when revocation fails transiently, unless --force", async () => {
  await withBoundServer(async ({ upstream, server, env }) => {
    await loginDelegated(env, "work");
    const store = await storeFor(env);
    const access = (await store.load(`${PROVIDER}:work`))!.secret.access_token!;
    await server.stop();
    const failed = await runCli(["token", "rm", PROVIDER, "--profile", "work", "--json"], { env });
    assert.equal(failed.code, 1);
    const error = (failed.json() as { error: { code: string; message: string; fix: string } })
      .error;
    assert.equal(error.code, "revoke_failed");
    assert.equal(error.fix, "clawauth token rm demo --profile work");
    assert.match(error.message, /KEPT.*retry with `clawauth token rm demo --profile work`/);
    assert.ok(await store.load(`${PROVIDER}:work`), "the record is still there");

    const forced = await runCli(["token", "rm", PROVIDER, "--profile", "work", "--force"], { env });
    assert.equal(forced.code, 0, forced.stdout + forced.stderr);
    assert.match(forced.stdout, /Removed demo:work.*not revoked/);
    assert.equal(await store.load(`${PROVIDER}:work`), null);
    assert.equal(await meStatus(upstream, access), 200, "as the output says: not revoked");
  });
});

Deno.test("token rm revokes a `login local` token directly at the provider (RFC 7009)", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [], accessTokenTtlSeconds: 3600 });
  const providers = JSON.stringify([{
    name: FIXTURE_PROVIDER,
    type: "oauth2",
    authorizeUrl: upstream.authorizeUrl,
    tokenUrl: upstream.tokenUrl,
    clientId: upstream.publicClient.clientId,
    clientAuth: "none",
    pkce: "required",
    redirectUri: "http://127.0.0.1/callback",
    scopes: ["openid", "profile", "email", "offline_access"],
    refresh: { supported: true, rotates: true },
    revoke: { url: upstream.revocationUrl, style: "rfc7009", clientAuth: "none" },
  }]);
  const { env, cleanup } = await sinkEnv(upstream, { CLAWAUTH_PROVIDERS: providers });
  try {
    await loginLocalCli(env, { profile: "work" });
    const id = `${FIXTURE_PROVIDER}:work`;
    const access = (await (await storeFor(env)).load(id))!.secret.access_token!;
    assert.equal(await meStatus(upstream, access), 200);
    const rm = await runCli(["token", "rm", id, "--json"], { env });
    assert.equal(rm.code, 0, rm.stdout + rm.stderr);
    assert.equal((rm.json() as { revoked: boolean }).revoked, true);
    assert.equal(await meStatus(upstream, access), 401);
  } finally {
    await cleanup();
    await upstream.close();
  }
});
