// 20 agent processes ask for the same expiring token at once: exactly one refresh grant reaches
// the provider (counted there) and all 20 print the same, valid, new access token.

import assert from "node:assert/strict";
import { startKeyring } from "../fixtures/keyring.ts";
import { startOidcUpstream } from "../fixtures/oidc_provider.ts";
import {
  FIXTURE_PROVIDER,
  loginLocalCli,
  makeExpiring,
  sinkEnv,
  storeFor,
  tokenGet,
  userinfoSub,
} from "./_token_sink_e2e.ts";

const PROCESSES = 20;

Deno.test("20 concurrent `token get` processes on an expiring token: one refresh grant, one token", async () => {
  const upstream = await startOidcUpstream({
    redirectUris: [],
    accessTokenTtlSeconds: 3600,
    rotateRefreshTokens: true,
  });
  const keyring = await startKeyring();
  const { env, cleanup } = await sinkEnv(upstream, { ...keyring.env, CLAWAUTH_KEYCHAIN: "linux" });
  const id = `${FIXTURE_PROVIDER}:work`;
  try {
    await loginLocalCli(env, { profile: "work" });
    const before = await makeExpiring(env, id);
    const grantsBefore = upstream.counts.refreshGrants;

    const results = await Promise.all(
      Array.from({ length: PROCESSES }, () => tokenGet(env, id)),
    );

    for (const { result } of results) {
      assert.equal(result.code, 0, `token get failed\n${result.stdout}\n${result.stderr}`);
    }
    assert.equal(upstream.counts.refreshGrants - grantsBefore, 1, "exactly one refresh grant");
    const tokens = new Set(results.map((r) => r.accessToken));
    assert.equal(tokens.size, 1, "all processes print the same token");
    const [token] = tokens;
    assert.ok(token);
    assert.notEqual(token, before.secret.access_token, "it is the refreshed token");
    assert.equal(await userinfoSub(upstream, token), "alice", "the provider accepts it");

    const stored = (await (await storeFor(env)).load(id))!;
    assert.equal(stored.secret.access_token, token);
    assert.notEqual(stored.secret.refresh_token, before.secret.refresh_token, "rotated and saved");
    assert.equal(stored.secret.generation, before.secret.generation + 1);
    assert.equal(stored.meta.refresh.state, "idle");
  } finally {
    await cleanup();
    await keyring.stop();
    await upstream.close();
  }
});
