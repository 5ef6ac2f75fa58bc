import assert from "node:assert/strict";
import { signRequest } from "../../shared/sign_request.ts";
import { openSealedJson } from "../../shared/seal.ts";
import {
  assertJsonError,
  callbackUrlFor,
  completeFlow,
  initSession,
  newClientKeys,
  openShortLink,
  sendCallback,
  signedGet,
  UPSTREAM_PROVIDER,
  withTestServer,
} from "./_harness.ts";

Deno.test("status() reports a pending session with the 0.4 body", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const response = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: "pending", provider: UPSTREAM_PROVIDER });
  });
});

for (const offset of [-61, 61]) {
  Deno.test(`status() refuses a timestamp ${offset} s from the server clock`, async () => {
    await withTestServer(async (server) => {
      const { init, keys } = await initSession(server);
      await assertJsonError(
        await signedGet(server, {
          action: "status",
          sessionId: init.sessionId,
          keys,
          timestamp: Math.floor(server.clock.now() / 1000) + offset,
        }),
        {
          status: 401,
          code: "invalid_timestamp",
          error: "'x-timestamp' is 61 s away from the server clock: the limit is 60 s",
        },
      );
    });
  });
}

Deno.test("status() refuses a timestamp that is not unix seconds", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const headers = await signRequest(keys.signSecretKey, {
      sessionId: init.sessionId,
      path: `/status/${init.sessionId}`,
    });
    headers["x-timestamp"] = "2026-01-01T00:00:00Z";
    await assertJsonError(await server.request(`/status/${init.sessionId}`, { headers }), {
      status: 401,
      code: "invalid_timestamp",
      error: `'x-timestamp' must be unix time in seconds: got "2026-01-01T00:00:00Z"`,
    });
  });
});

for (
  const [nonce, error] of [
    ["short", "current length is 5"],
    ["has spaces in it!!", "it has characters outside base64url"],
    ["x".repeat(121), "current length is 121"],
  ]
) {
  Deno.test(`status() refuses a malformed nonce (${error})`, async () => {
    await withTestServer(async (server) => {
      const { init, keys } = await initSession(server);
      await assertJsonError(
        await signedGet(server, { action: "status", sessionId: init.sessionId, keys, nonce }),
        {
          status: 401,
          code: "invalid_nonce",
          error: `'x-request-nonce' must be 12 to 120 base64url characters: ${error}`,
        },
      );
    });
  });
}

Deno.test("status() refuses a replayed nonce", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const path = `/status/${init.sessionId}`;
    const headers = await signRequest(keys.signSecretKey, {
      sessionId: init.sessionId,
      path,
      timestamp: Math.floor(server.clock.now() / 1000),
    });
    assert.equal((await server.request(path, { headers })).status, 200);
    server.clock.advance(30_000);
    await assertJsonError(await server.request(path, { headers }), {
      status: 401,
      code: "replay_detected",
      error: "'x-request-nonce' was used before: sign every request with a fresh nonce",
    });
  });
});

Deno.test("status() refuses a signature made with another key", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    await assertJsonError(
      await signedGet(server, {
        action: "status",
        sessionId: init.sessionId,
        keys: newClientKeys(),
      }),
      {
        status: 401,
        code: "invalid_signature",
        error: `'x-signature' does not verify for GET /status/${init.sessionId} with this ` +
          "session's key",
      },
    );
  });
});

Deno.test("claim() refuses a signature made for another path", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    await assertJsonError(
      await signedGet(server, {
        action: "claim",
        sessionId: init.sessionId,
        keys,
        signedPath: `/status/${init.sessionId}`,
      }),
      {
        status: 401,
        code: "invalid_signature",
        error: `'x-signature' does not verify for GET /claim/${init.sessionId} with this ` +
          "session's key",
      },
    );
  });
});

Deno.test("status() refuses a missing signature", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const headers = await signRequest(keys.signSecretKey, {
      sessionId: init.sessionId,
      path: `/status/${init.sessionId}`,
      timestamp: Math.floor(server.clock.now() / 1000),
    });
    delete headers["x-signature"];
    await assertJsonError(await server.request(`/status/${init.sessionId}`, { headers }), {
      status: 401,
      code: "invalid_signature",
      error: "'x-signature' must be a base64 Ed25519 signature (64 bytes)",
    });
  });
});

for (const [name, sessionId] of [["an unknown", crypto.randomUUID()], ["a malformed", "nope"]]) {
  Deno.test(`status() and claim() answer 404 for ${name} session id`, async () => {
    await withTestServer(async (server) => {
      for (const action of ["status", "claim"] as const) {
        await assertJsonError(
          await signedGet(server, { action, sessionId, keys: newClientKeys() }),
          {
            status: 404,
            code: "session_not_found",
            error: "session not found: it expired, was claimed already, or never existed",
          },
        );
      }
    });
  });
}

Deno.test("status() answers 429 with Retry-After past the per-session poll limit", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const poll = () => signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    for (let i = 0; i < 10; i++) assert.equal((await poll()).status, 200, `poll ${i + 1}`);
    const limited = await poll();
    assert.equal(limited.headers.get("retry-after"), "1");
    await assertJsonError(limited, {
      status: 429,
      code: "rate_limited",
      error: "too many requests for this session: the limit is 10 a second",
    });
    server.clock.advance(1000);
    assert.equal((await poll()).status, 200);
  });
});

Deno.test("status() allows 4 polls a second, every second", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    for (let i = 0; i < 40; i++) {
      const response = await signedGet(server, {
        action: "status",
        sessionId: init.sessionId,
        keys,
      });
      assert.equal(response.status, 200, `poll ${i + 1}`);
      await response.body?.cancel();
      server.clock.advance(250);
    }
  }, { env: { CLAWAUTH_POLL_RATE_LIMIT: "4" } });
});

Deno.test("status() polls never rewrite the session record", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const before = await server.kv.get(["session", init.sessionId]);
    for (let i = 0; i < 3; i++) {
      await (await signedGet(server, { action: "status", sessionId: init.sessionId, keys })).body
        ?.cancel();
    }
    const after = await server.kv.get(["session", init.sessionId]);
    assert.equal(after.versionstamp, before.versionstamp);
  });
});

Deno.test("claim() of a pending session answers pending and keeps it", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const response = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: "pending", provider: UPSTREAM_PROVIDER });
    assert.notEqual((await server.kv.get(["session", init.sessionId])).value, null);
  });
});

Deno.test("claim() hands the blob over once, then the session is gone", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await completeFlow(server);
    const first = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
    const body = await first.json();
    assert.equal(first.status, 200);
    assert.deepEqual(Object.keys(body).sort(), ["blob", "provider", "status"]);
    assert.ok(openSealedJson(body.blob, keys.boxSecretKey));
    assert.equal(
      (await server.kv.get<{ status: string }>(["session", init.sessionId])).value?.status,
      "claimed",
      "a tombstone without the blob is all that is left",
    );
    await assertJsonError(
      await signedGet(server, { action: "claim", sessionId: init.sessionId, keys }),
      {
        status: 404,
        code: "session_not_found",
        error: "session not found: it expired, was claimed already, or never existed",
      },
    );
  }, { upstream: true });
});

Deno.test("claim() of a failed session reports the error once and deletes it", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const opened = await openShortLink(server, init);
    const { cookies } = opened;
    await (await sendCallback(server, callbackUrlFor(opened, { error: "access_denied" }), cookies))
      .body?.cancel();
    const first = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal(first.status, 400);
    assert.deepEqual(await first.json(), {
      status: "error",
      provider: UPSTREAM_PROVIDER,
      error: "access_denied: the user declined the sign-in at the provider",
      code: "session_failed",
    });
    const second = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal(second.status, 404);
    await second.body?.cancel();
  });
});

Deno.test("claim() gives the blob to exactly one of 50 concurrent claims", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await completeFlow(server);
    const responses = await Promise.all(
      Array.from(
        { length: 50 },
        () => signedGet(server, { action: "claim", sessionId: init.sessionId, keys }),
      ),
    );
    const bodies = await Promise.all(responses.map((r) => r.json()));
    const winners = bodies.filter((body) => body.blob !== undefined);
    assert.equal(winners.length, 1);
    assert.ok(openSealedJson(winners[0].blob, keys.boxSecretKey));
    const losers = responses.filter((r) => r.status === 404);
    assert.equal(losers.length, 49, JSON.stringify(bodies.map((b) => b.code)));
  }, { upstream: true, env: { CLAWAUTH_POLL_RATE_LIMIT: "0" } });
});
