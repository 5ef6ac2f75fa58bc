import assert from "node:assert/strict";
import { createSessionStore, type SessionRecord } from "../../server/store.ts";
import { sweepExpired } from "../../server/sweep.ts";
import {
  allEntries,
  createClock,
  initSession,
  openShortLink,
  signedGet,
  withTestServer,
} from "./_harness.ts";

function keysOf(entries: Deno.KvEntry<unknown>[]): string[] {
  return entries.map((e) => JSON.stringify(e.key));
}

Deno.test("an expired session is invisible at once to status and claim", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server, { ttlSeconds: 60 });
    server.clock.advance(59_999);
    const live = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.equal(live.status, 200);
    await live.body?.cancel();
    server.clock.advance(1);
    assert.notEqual((await server.kv.get(["session", init.sessionId])).value, null, "still in KV");
    for (const action of ["status", "claim"] as const) {
      const response = await signedGet(server, { action, sessionId: init.sessionId, keys });
      assert.equal(response.status, 404);
      assert.equal((await response.json()).code, "session_not_found");
    }
  });
});

Deno.test("sweepExpired() removes expired sessions with all their keys and keeps live ones", async () => {
  await withTestServer(async (server) => {
    const expiring = await initSession(server, { ttlSeconds: 60 });
    await openShortLink(server, expiring.init);
    const poll = await signedGet(server, {
      action: "status",
      sessionId: expiring.init.sessionId,
      keys: expiring.keys,
    });
    await poll.body?.cancel();
    const live = await initSession(server, { ttlSeconds: 3600 });
    await openShortLink(server, live.init);
    const liveKeys = keysOf(await allEntries(server.kv)).filter((key) =>
      key.includes(live.init.sessionId)
    );
    assert.equal(liveKeys.length, 2, "session, expiry index (a continue adds no key)");
    const expiringKeys = keysOf(await allEntries(server.kv)).filter((key) =>
      key.includes(expiring.init.sessionId)
    );
    // A signed poll writes its nonce only: the poll limit is counted in memory.
    assert.equal(expiringKeys.length, 3, "session, expiry index, nonce");

    server.clock.advance(60_000);
    const logs: Record<string, unknown>[] = [];
    const result = await sweepExpired(server.kv, {
      now: server.clock.now,
      log: (line) => logs.push(line),
    });
    assert.deepEqual(result, { sessions: 1, keys: 3 });
    assert.deepEqual(keysOf(await allEntries(server.kv)).sort(), liveKeys.sort());
    assert.equal(logs[0].msg, "sweep");
    assert.equal(logs[0].sessions, 1);
  });
});

Deno.test("sweepExpired() clears a claimed session's leftover keys at its expiry", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server, { ttlSeconds: 120 });
    const store = createSessionStore(server.kv, { now: server.clock.now });
    const entry = (await store.getSession(init.sessionId))!;
    await store.updateSession(entry, { ...entry.record, status: "error", error: "x" });
    const claim = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal(claim.status, 400);
    await claim.body?.cancel();
    assert.equal(
      (await server.kv.get<{ status: string }>(["session", init.sessionId])).value?.status,
      "claimed",
    );
    assert.ok((await allEntries(server.kv)).length > 0, "nonce, poll counter, expiry index left");
    server.clock.advance(120_000);
    await sweepExpired(server.kv, { now: server.clock.now });
    assert.deepEqual(await allEntries(server.kv), []);
  });
});

Deno.test("sweepExpired() removes spent rate-limit windows", async () => {
  await withTestServer(async (server) => {
    await initSession(server);
    assert.equal((await allEntries(server.kv)).filter((e) => e.key[0] === "rate").length, 1);
    server.clock.advance(3600_000 + 1);
    await sweepExpired(server.kv, { now: server.clock.now });
    assert.deepEqual(await allEntries(server.kv), []);
  }, { env: { CLAWAUTH_INIT_RATE_LIMIT: "30" } });
});

Deno.test("sweepExpired() clears 20 000 expired sessions in a few seconds", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const clock = createClock();
    const store = createSessionStore(kv, { now: clock.now });
    const base: Omit<SessionRecord, "id"> = {
      provider: "demo",
      status: "pending",
      verifyKey: "k",
      boxPublicKey: "k",
      redirectUri: "http://x/callback",
      createdAt: clock.now(),
      expiresAt: clock.now() + 60_000,
    };
    const count = 20_000;
    for (let i = 0; i < count; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) =>
          store.createSession({
            ...base,
            id: crypto.randomUUID(),
            expiresAt: base.expiresAt + i + j,
          })),
      );
    }
    clock.advance(3600_000);
    const started = performance.now();
    const result = await sweepExpired(kv, { now: clock.now });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(result.sessions, count);
    assert.deepEqual(await allEntries(kv), []);
    assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
  } finally {
    kv.close();
  }
});
