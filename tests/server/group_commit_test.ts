// Group commit of nonces and grouped session reads (server/group_commit.ts), directly and
// through signed requests on the app.

import assert from "node:assert/strict";
import { createGroupReader, createNonceCommitter } from "../../server/group_commit.ts";
import { signRequest } from "../../shared/sign_request.ts";
import { initSession, signedGet, withTestServer } from "./_harness.ts";

async function withKv(fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

Deno.test("concurrent nonces go to KV in one atomic commit", async () => {
  await withKv(async (kv) => {
    const commits: number[] = [];
    const write = createNonceCommitter(kv, { onCommit: (n) => commits.push(n) });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => write({ key: ["nonce", `n${i}`], expireIn: 60_000 })),
    );
    assert.deepEqual(results, Array(50).fill(true));
    assert.deepEqual(commits, [50]);
    for (let i = 0; i < 50; i++) assert.equal((await kv.get(["nonce", `n${i}`])).value, 1);
  });
});

Deno.test("more than 100 concurrent nonces split into commits of at most 100", async () => {
  await withKv(async (kv) => {
    const commits: number[] = [];
    const write = createNonceCommitter(kv, { onCommit: (n) => commits.push(n) });
    const results = await Promise.all(
      Array.from({ length: 250 }, (_, i) => write({ key: ["nonce", i], expireIn: 60_000 })),
    );
    assert.equal(results.filter(Boolean).length, 250);
    assert.ok(commits.every((n) => n <= 100), JSON.stringify(commits));
    assert.equal(commits.reduce((a, b) => a + b, 0), 250);
  });
});

Deno.test("a nonce twice in one batch fails only the second request", async () => {
  await withKv(async (kv) => {
    const commits: number[] = [];
    const write = createNonceCommitter(kv, { onCommit: (n) => commits.push(n) });
    const results = await Promise.all([
      write({ key: ["nonce", "a"], expireIn: 60_000 }),
      write({ key: ["nonce", "dup"], expireIn: 60_000 }),
      write({ key: ["nonce", "dup"], expireIn: 60_000 }),
      write({ key: ["nonce", "b"], expireIn: 60_000 }),
    ]);
    assert.deepEqual(results, [true, true, false, true]);
    assert.deepEqual(commits, [3], "one commit of the three distinct nonces");
  });
});

Deno.test("a nonce already in KV fails only its own request; the batch falls back to one commit each", async () => {
  await withKv(async (kv) => {
    await kv.set(["nonce", "seen"], 1);
    const commits: number[] = [];
    const write = createNonceCommitter(kv, { onCommit: (n) => commits.push(n) });
    const results = await Promise.all(
      ["x", "seen", "y", "z"].map((n) => write({ key: ["nonce", n], expireIn: 60_000 })),
    );
    assert.deepEqual(results, [true, false, true, true]);
    assert.deepEqual(commits, [4, 1, 1, 1, 1], "failed batch, then one commit per nonce");
    for (const n of ["x", "y", "z"]) assert.equal((await kv.get(["nonce", n])).value, 1);
  });
});

Deno.test("a nonce written in an earlier batch is refused in a later one (durable check)", async () => {
  await withKv(async (kv) => {
    const write = createNonceCommitter(kv);
    assert.equal(await write({ key: ["nonce", "once"], expireIn: 60_000 }), true);
    // A second committer stands for another process on the same KV: no shared memory.
    const other = createNonceCommitter(kv);
    assert.equal(await other({ key: ["nonce", "once"], expireIn: 60_000 }), false);
  });
});

Deno.test("concurrent session reads go together through getMany", async () => {
  await withKv(async (kv) => {
    for (let i = 0; i < 25; i++) await kv.set(["session", `s${i}`], { i });
    const calls: string[] = [];
    const counting = {
      get: (key: Deno.KvKey) => {
        calls.push("get");
        return kv.get(key);
      },
      getMany: (keys: Deno.KvKey[]) => {
        calls.push(`getMany:${keys.length}`);
        return kv.getMany(keys);
      },
    } as unknown as Deno.Kv;
    const read = createGroupReader<{ i: number }>(counting);
    const entries = await Promise.all(
      Array.from({ length: 25 }, (_, i) => read(["session", `s${i}`])),
    );
    assert.deepEqual(entries.map((e) => e.value?.i), Array.from({ length: 25 }, (_, i) => i));
    // The first read goes alone (nothing in flight); the 24 that queued behind it go in
    // getMany calls of at most 10 keys.
    assert.deepEqual(calls, ["get", "getMany:10", "getMany:10", "getMany:4"]);
  });
});

Deno.test("the same signed request sent 10 times at once succeeds once; the others are replays", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const path = `/status/${init.sessionId}`;
    const headers = await signRequest(keys.signSecretKey, {
      sessionId: init.sessionId,
      path,
      timestamp: Math.floor(server.clock.now() / 1000),
    });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => server.request(path, { headers })),
    );
    const statuses = responses.map((r) => r.status).sort();
    const bodies = await Promise.all(responses.map((r) => r.json()));
    assert.deepEqual(statuses, [200, ...Array(9).fill(401)], JSON.stringify(bodies));
    assert.equal(bodies.filter((b) => b.code === "replay_detected").length, 9);
    // A fresh nonce still works.
    const fresh = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.equal(fresh.status, 200);
  }, { env: { CLAWAUTH_POLL_RATE_LIMIT: "0" } });
});

Deno.test("concurrent polls of different sessions all succeed with their nonces grouped", async () => {
  await withTestServer(async (server) => {
    const sessions = await Promise.all(Array.from({ length: 20 }, () => initSession(server)));
    const responses = await Promise.all(
      sessions.map(({ init, keys }) =>
        signedGet(server, { action: "status", sessionId: init.sessionId, keys })
      ),
    );
    assert.deepEqual(responses.map((r) => r.status), Array(20).fill(200));
    for (const r of responses) assert.equal((await r.json()).status, "pending");
  });
});
