import assert from "node:assert/strict";
import { openSealedJson } from "../../shared/seal.ts";
import type { SealedTokenPayload } from "../../shared/wire.ts";
import {
  allEntries,
  completeFlow,
  newClientKeys,
  postJson,
  signedGet,
  type TestServer,
  UPSTREAM_PROVIDER,
  withTestServer,
} from "./_harness.ts";

/** A completed, claimed login: the tokens the CLI would hold. */
async function loggedIn(server: TestServer): Promise<Record<string, unknown>> {
  const { init, keys } = await completeFlow(server);
  const claim = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
  const payload = openSealedJson((await claim.json()).blob, keys.boxSecretKey);
  return (payload as SealedTokenPayload).tokenData;
}

// These tests cover the legacy unbound path (CLAWAUTH_ALLOW_UNBOUND_REFRESH=1); the bound path
// (proof + binding, the default) is in refresh_binding_test.ts.
const LEGACY = { CLAWAUTH_ALLOW_UNBOUND_REFRESH: "1" };
const UPSTREAM = { upstream: true, env: LEGACY };

function refresh(server: TestServer, refreshToken: unknown, boxPublicKey: string) {
  return postJson(server, "/refresh", { provider: UPSTREAM_PROVIDER, refreshToken, boxPublicKey });
}

Deno.test("refresh() returns the rotated token response sealed to the caller's key", async () => {
  await withTestServer(async (server) => {
    const tokens = await loggedIn(server);
    const caller = newClientKeys();
    const response = await refresh(server, tokens.refresh_token, caller.boxPublicKey);
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.deepEqual(Object.keys(body).sort(), ["blob", "provider"]);
    assert.equal(body.provider, UPSTREAM_PROVIDER);
    const payload = openSealedJson(body.blob, caller.boxSecretKey) as SealedTokenPayload;
    assert.equal(payload.provider, UPSTREAM_PROVIDER);
    assert.equal(payload.issuedAt, new Date(server.clock.now()).toISOString());
    assert.equal(typeof payload.tokenData.access_token, "string");
    assert.notEqual(payload.tokenData.access_token, tokens.access_token);
    assert.equal(typeof payload.tokenData.refresh_token, "string");
    assert.notEqual(payload.tokenData.refresh_token, tokens.refresh_token, "rotated");
    assert.equal(server.upstream!.counts.refreshGrants, 1);
    const last = server.upstream!.tokenRequestBodies.at(-1)!;
    assert.equal(last.get("grant_type"), "refresh_token");
    assert.equal(last.get("refresh_token"), tokens.refresh_token);
  }, UPSTREAM);
});

Deno.test("refresh() answers 400 invalid_grant for a revoked refresh token", async () => {
  await withTestServer(async (server) => {
    const tokens = await loggedIn(server);
    assert.ok(server.upstream!.revokeRefreshTokens() >= 1);
    const response = await refresh(server, tokens.refresh_token, newClientKeys().boxPublicKey);
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: "Demo IdP refused the refresh token (revoked, expired or already used): log in again",
      code: "invalid_grant",
      upstreamError: "invalid_grant",
      transient: false,
    });
  }, UPSTREAM);
});

Deno.test("refresh() answers 502 upstream_unavailable with transient: true while the provider is down", async () => {
  await withTestServer(async (server) => {
    const tokens = await loggedIn(server);
    server.upstream!.setTokenEndpointDown(true);
    const response = await refresh(server, tokens.refresh_token, newClientKeys().boxPublicKey);
    const body = await response.json();
    assert.equal(response.status, 502);
    assert.equal(body.code, "upstream_unavailable");
    assert.equal(body.transient, true);
    assert.match(body.error, /^Demo IdP is unavailable, retry later: /);
    server.upstream!.setTokenEndpointDown(false);
    const retried = await refresh(server, tokens.refresh_token, newClientKeys().boxPublicKey);
    assert.equal(retried.status, 200, "the refresh token was not spent by the failed attempt");
    await retried.body?.cancel();
  }, UPSTREAM);
});

Deno.test("refresh() stores nothing in KV", async () => {
  await withTestServer(async (server) => {
    const tokens = await loggedIn(server);
    const before = (await allEntries(server.kv)).map((e) => [e.key, e.versionstamp]);
    const response = await refresh(server, tokens.refresh_token, newClientKeys().boxPublicKey);
    const payloadText = JSON.stringify(await response.json());
    assert.equal(response.status, 200);
    const after = await allEntries(server.kv);
    assert.deepEqual(after.map((e) => [e.key, e.versionstamp]), before);
    const stored = JSON.stringify(after.map((e) => e.value));
    assert.ok(!stored.includes(String(tokens.refresh_token)));
    assert.ok(!payloadText.includes(String(tokens.refresh_token)), "the answer is sealed");
  }, UPSTREAM);
});

Deno.test("refresh() refuses a provider that issues no refresh tokens", async () => {
  await withTestServer(async (server) => {
    const response = await postJson(server, "/refresh", {
      provider: "norefresh",
      refreshToken: "whatever",
      boxPublicKey: newClientKeys().boxPublicKey,
    });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: "provider 'norefresh' does not issue refresh tokens: log in again instead",
      code: "invalid_request",
    });
  }, {
    env: LEGACY,
    customProviders: [{
      name: "norefresh",
      type: "oauth2",
      authorizeUrl: "http://127.0.0.1:9/authorize",
      tokenUrl: "http://127.0.0.1:9/token",
      clientId: "id",
      clientSecret: "secret",
      refresh: false,
    }],
  });
});

Deno.test("refresh() refuses an empty refresh token without calling the provider", async () => {
  await withTestServer(async (server) => {
    const response = await refresh(server, "", newClientKeys().boxPublicKey);
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: "'refreshToken' must be a non-empty string: got an empty string",
      code: "invalid_request",
    });
  });
});

Deno.test("refresh() answers 501 with the supported list for an unknown provider", async () => {
  await withTestServer(async (server) => {
    const response = await postJson(server, "/refresh", {
      provider: "nosuch",
      refreshToken: "r",
      boxPublicKey: newClientKeys().boxPublicKey,
    });
    const body = await response.json();
    assert.equal(response.status, 501);
    assert.equal(body.code, "provider_not_implemented");
    assert.ok(body.supportedProviders.includes(UPSTREAM_PROVIDER));
  }, { env: LEGACY });
});

Deno.test("refresh() rate-limits a client address with 429", async () => {
  await withTestServer(async (server) => {
    const key = newClientKeys().boxPublicKey;
    const first = await refresh(server, "r1", key);
    assert.equal(first.status, 502, "the offline provider is unreachable");
    await first.body?.cancel();
    const second = await refresh(server, "r2", key);
    assert.equal(second.status, 429);
    assert.ok(Number(second.headers.get("retry-after")) >= 1);
    assert.equal((await second.json()).code, "rate_limited");
  }, { env: { ...LEGACY, CLAWAUTH_REFRESH_RATE_LIMIT: "1" } });
});
