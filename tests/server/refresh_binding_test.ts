// Bound refresh and revoke: the refresh token alone is never enough; every part of the proof is
// attacked on its own (replay, another URL, another body, an old iat, another key).

import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { decodeBase64 } from "../../shared/base64.ts";
import { createProofHeaders, PROOF_HEADERS } from "../../shared/refresh_proof.ts";
import { openSealedJson } from "../../shared/seal.ts";
import type { SealedTokenPayload } from "../../shared/wire.ts";
import {
  BASE_URL,
  type ClientKeys,
  completeFlow,
  newClientKeys,
  postJson,
  signedGet,
  type TestServer,
  UPSTREAM_PROVIDER,
  withTestServer,
} from "./_harness.ts";

interface Bound {
  keys: ClientKeys;
  tokens: Record<string, unknown>;
  binding: string;
}

/** A completed login with a refresh key: what the CLI holds after the claim. */
async function boundLogin(server: TestServer): Promise<Bound> {
  const { init, keys } = await completeFlow(server, { bindRefresh: true });
  const claim = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
  const payload = openSealedJson(
    (await claim.json()).blob,
    keys.boxSecretKey,
  ) as SealedTokenPayload;
  assert.match(payload.refreshBinding ?? "", /^v1\.state\.[A-Za-z0-9_-]{43}$/);
  return { keys, tokens: payload.tokenData, binding: payload.refreshBinding! };
}

interface ProofOptions {
  path?: string;
  /** Sign this body but send `body`. */
  signedBody?: string;
  signedUrl?: string;
  now?: number;
  signer?: Uint8Array;
  headers?: Record<string, string>;
  /** Sent as `x-forwarded-for` (with CLAWAUTH_TRUST_PROXY=1: the client address). */
  address?: string;
}

async function bound(
  server: TestServer,
  bodyFields: Record<string, unknown>,
  secretKey: Uint8Array,
  options: ProofOptions = {},
): Promise<{ response: Response; headers: Record<string, string>; body: string }> {
  const path = options.path ?? "/refresh";
  const body = JSON.stringify(bodyFields);
  const headers = options.headers ?? await createProofHeaders(options.signer ?? secretKey, {
    method: "POST",
    url: options.signedUrl ?? `${BASE_URL}${path}`,
    body: options.signedBody ?? body,
    now: options.now ?? server.clock.now(),
  });
  const response = await server.request(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.address ? { "x-forwarded-for": options.address } : {}),
      ...headers,
    },
    body,
  });
  return { response, headers, body };
}

function refreshBody(state: Bound, boxPublicKey = state.keys.boxPublicKey) {
  return {
    provider: UPSTREAM_PROVIDER,
    refreshToken: state.tokens.refresh_token,
    refreshBinding: state.binding,
    boxPublicKey,
  };
}

async function assertRefused(response: Response, status: number, code: string, grants: number) {
  const body = await response.json();
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.code, code);
  return { body, grants };
}

const UPSTREAM = { upstream: true };

Deno.test("bound refresh: the owner's proof refreshes and gets a binding for the rotated token", async () => {
  await withTestServer(async (server) => {
    const state = await boundLogin(server);
    const { response } = await bound(server, refreshBody(state), state.keys.refreshSecretKey);
    const answer = await response.json();
    assert.equal(response.status, 200, JSON.stringify(answer));
    const payload = openSealedJson(answer.blob, state.keys.boxSecretKey) as SealedTokenPayload;
    assert.notEqual(payload.tokenData.refresh_token, state.tokens.refresh_token, "rotated");
    assert.notEqual(payload.refreshBinding, state.binding);
    // The new binding works for the rotated token; a second round proves it.
    const next: Bound = { ...state, tokens: payload.tokenData, binding: payload.refreshBinding! };
    const again = await bound(server, refreshBody(next), state.keys.refreshSecretKey);
    assert.equal(again.response.status, 200);
    await again.response.body?.cancel();
    assert.equal(server.upstream!.counts.refreshGrants, 2);
  }, UPSTREAM);
});

Deno.test("bound refresh: a refresh token read from the keychain, sent without the key, is refused", async () => {
  await withTestServer(async (server) => {
    const state = await boundLogin(server);
    // No binding, no proof: the pre-0.5 request shape.
    const plain = await postJson(server, "/refresh", {
      provider: UPSTREAM_PROVIDER,
      refreshToken: state.tokens.refresh_token,
      boxPublicKey: newClientKeys().boxPublicKey,
    });
    const body = await plain.json();
    assert.equal(plain.status, 403);
    assert.equal(body.code, "unbound_refresh_refused");
    assert.match(body.error, /clawauth login start demo/);
    // With the binding (copied from anywhere) but no proof.
    const noProof = await postJson(server, "/refresh", refreshBody(state));
    await assertRefused(noProof, 401, "invalid_proof", 0);
    assert.equal(server.upstream!.counts.refreshGrants, 0, "the provider never saw it");
  }, UPSTREAM);
});

Deno.test("bound refresh: a replayed proof is refused and causes no second grant", async () => {
  await withTestServer(async (server) => {
    const state = await boundLogin(server);
    const first = await bound(server, refreshBody(state), state.keys.refreshSecretKey);
    assert.equal(first.response.status, 200);
    await first.response.body?.cancel();
    const replay = await server.request("/refresh", {
      method: "POST",
      headers: { "content-type": "application/json", ...first.headers },
      body: first.body,
    });
    await assertRefused(replay, 401, "replay_detected", 1);
    assert.equal(server.upstream!.counts.refreshGrants, 1);
  }, UPSTREAM);
});

Deno.test("bound refresh: a proof for another URL, another body, an old iat or another key is refused", async () => {
  await withTestServer(async (server) => {
    const state = await boundLogin(server);
    const key = state.keys.refreshSecretKey;
    const body = refreshBody(state);

    const otherUrl = await bound(server, body, key, { signedUrl: `${BASE_URL}/revoke` });
    await assertRefused(otherUrl.response, 401, "invalid_proof", 0);
    const otherHost = await bound(server, body, key, { signedUrl: "https://evil.test/refresh" });
    await assertRefused(otherHost.response, 401, "invalid_proof", 0);

    const otherBody = await bound(server, body, key, {
      signedBody: JSON.stringify({ ...body, boxPublicKey: newClientKeys().boxPublicKey }),
    });
    const refusedBody = await otherBody.response.json();
    assert.equal(otherBody.response.status, 401);
    assert.match(refusedBody.error, /another request body/);

    const old = await bound(server, body, key, { now: server.clock.now() - 61_000 });
    await assertRefused(old.response, 401, "invalid_timestamp", 0);
    const future = await bound(server, body, key, { now: server.clock.now() + 61_000 });
    await assertRefused(future.response, 401, "invalid_timestamp", 0);

    // An attacker's own key with the victim's token and binding.
    const attacker = nacl.sign.keyPair().secretKey;
    const otherKey = await bound(server, body, key, { signer: attacker });
    await assertRefused(otherKey.response, 401, "invalid_binding", 0);

    // The victim's public key in the header, signed by someone else.
    const forged = await createProofHeaders(attacker, {
      method: "POST",
      url: `${BASE_URL}/refresh`,
      body: JSON.stringify(body),
      now: server.clock.now(),
    });
    forged[PROOF_HEADERS.KEY] = state.keys.refreshKey;
    const wrongSigner = await bound(server, body, key, { headers: forged });
    const refusedSigner = await wrongSigner.response.json();
    assert.equal(wrongSigner.response.status, 401);
    assert.match(refusedSigner.error, /signature does not verify/);

    // The binding of another provider name does not carry over.
    const otherProvider = await bound(server, { ...body, provider: "other" }, key);
    assert.notEqual(otherProvider.response.status, 200);
    await otherProvider.response.body?.cancel();

    assert.equal(server.upstream!.counts.refreshGrants, 0, "none of them reached the provider");
    // And the honest request still works afterwards.
    const honest = await bound(server, body, key);
    assert.equal(honest.response.status, 200);
    await honest.response.body?.cancel();
  }, UPSTREAM);
});

Deno.test("bound refresh: a binding under a key the server no longer has is binding_key_unknown", async () => {
  await withTestServer(async (server) => {
    const state = await boundLogin(server);
    const forged = { ...state, binding: state.binding.replace("v1.state.", "v1.gone.") };
    const { response } = await bound(server, refreshBody(forged), state.keys.refreshSecretKey);
    await assertRefused(response, 401, "binding_key_unknown", 0);
  }, UPSTREAM);
});

Deno.test("bound refresh: the per-key rate limit applies across client addresses (429 + Retry-After)", async () => {
  await withTestServer(async (server) => {
    let state = await boundLogin(server);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const body = JSON.stringify(refreshBody(state));
      const headers = await createProofHeaders(state.keys.refreshSecretKey, {
        method: "POST",
        url: `${BASE_URL}/refresh`,
        body,
        now: server.clock.now(),
      });
      const response = await server.request("/refresh", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-forwarded-for": `192.0.2.${i + 1}`,
          ...headers,
        },
        body,
      });
      statuses.push(response.status);
      const answer = await response.json();
      if (response.status === 200) {
        const payload = openSealedJson(answer.blob, state.keys.boxSecretKey) as SealedTokenPayload;
        state = { ...state, tokens: payload.tokenData, binding: payload.refreshBinding! };
      } else {
        assert.equal(answer.code, "rate_limited");
        retryAfter = response.headers.get("retry-after");
      }
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.ok(Number(retryAfter) >= 1);
  }, { ...UPSTREAM, env: { CLAWAUTH_REFRESH_RATE_LIMIT: "2", CLAWAUTH_TRUST_PROXY: "1" } });
});

Deno.test("bound revoke: the owner's proof revokes at the provider; the token alone is refused", async () => {
  await withTestServer(async (server) => {
    const state = await boundLogin(server);
    const upstream = server.upstream!;
    const me = () =>
      fetch(upstream.userinfoUrl, {
        headers: { authorization: `Bearer ${state.tokens.access_token}` },
      }).then(async (r) => {
        await r.body?.cancel();
        return r.status;
      });
    assert.equal(await me(), 200);

    const plain = await postJson(server, "/revoke", {
      provider: UPSTREAM_PROVIDER,
      refreshToken: state.tokens.refresh_token,
    });
    await assertRefused(plain, 403, "unbound_refresh_refused", 0);
    assert.equal(await me(), 200, "still valid after the refused attempt");

    const { response } = await bound(
      server,
      {
        provider: UPSTREAM_PROVIDER,
        refreshToken: state.tokens.refresh_token,
        refreshBinding: state.binding,
      },
      state.keys.refreshSecretKey,
      { path: "/revoke" },
    );
    const answer = await response.json();
    assert.equal(response.status, 200, JSON.stringify(answer));
    assert.deepEqual(answer, { provider: UPSTREAM_PROVIDER, revoked: true });
    assert.equal(await me(), 401, "the provider rejects the access token of the revoked grant");
  }, UPSTREAM);
});

Deno.test("bound refresh: /init refuses a refreshKey that is not an Ed25519 key", async () => {
  await withTestServer(async (server) => {
    const keys = newClientKeys();
    const response = await postJson(server, "/init", {
      provider: UPSTREAM_PROVIDER,
      verifyKey: keys.verifyKey,
      boxPublicKey: keys.boxPublicKey,
      refreshKey: "AAAA",
    });
    const body = await response.json();
    assert.equal(response.status, 400);
    assert.match(body.error, /'refreshKey' must be a 32-byte key/);
    assert.equal(decodeBase64(keys.refreshKey).length, 32);
  });
});

Deno.test("bound revoke: a replayed proof and a proof signed for /refresh are refused; per-key limit", async () => {
  await withTestServer(async (server) => {
    const state = await boundLogin(server);
    const body = {
      provider: UPSTREAM_PROVIDER,
      refreshToken: state.tokens.refresh_token,
      refreshBinding: state.binding,
    };
    const key = state.keys.refreshSecretKey;
    const forRefresh = await bound(server, body, key, {
      path: "/revoke",
      signedUrl: `${BASE_URL}/refresh`,
      address: "192.0.2.1",
    });
    await assertRefused(forRefresh.response, 401, "invalid_proof", 0);

    const first = await bound(server, body, key, { path: "/revoke", address: "192.0.2.2" });
    assert.equal(first.response.status, 200);
    await first.response.body?.cancel();
    const replay = await server.request("/revoke", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-forwarded-for": "192.0.2.3",
        ...first.headers,
      },
      body: first.body,
    });
    await assertRefused(replay, 401, "replay_detected", 0);

    // CLAWAUTH_REVOKE_RATE_LIMIT=2 per key, whatever the address: the third is 429.
    const third = await bound(server, body, key, { path: "/revoke", address: "192.0.2.4" });
    assert.equal(third.response.status, 429);
    assert.ok(Number(third.response.headers.get("retry-after")) >= 1);
    await third.response.body?.cancel();
  }, { ...UPSTREAM, env: { CLAWAUTH_REVOKE_RATE_LIMIT: "2", CLAWAUTH_TRUST_PROXY: "1" } });
});
