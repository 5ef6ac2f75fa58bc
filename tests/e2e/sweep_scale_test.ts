// 100 000 expired sessions leave KV after the sweep, and the server process's memory stays flat
// while it serves around them.
//
// The sessions are written through the server's own store module, from this process, into the
// KV file a real server process has open, with a clock two hours in the past (so they are already
// expired by the real clock without anything sleeping). The sweep is server/sweep.ts (what
// `Deno.cron` runs every 5 minutes in the server), run here against the same file with a clock
// two days ahead so every session the test made is due.

import assert from "node:assert/strict";
import { readRssKib } from "../bench/processes.ts";
import { startServerProcess } from "../fixtures/server_process.ts";
import { createSessionStore, type SessionRecord } from "../../server/store.ts";
import { sweepExpired } from "../../server/sweep.ts";
import {
  type ClientKeys,
  countKeys,
  createClientKeys,
  initSession,
  PROVIDER,
  signedGet,
  startUpstreamAndSettings,
} from "./_server_flow.ts";

const SESSIONS = 100_000;
const HTTP_SESSIONS = 1_000;
const WRITE_BATCH = 500;
const SWEEP_CHUNK = 10_000;
const CONCURRENCY = 16;
// The server holds no per-session state (its verify-key cache is bounded): a leak of even 400
// bytes a session would add 40 MB here.
const MAX_RSS_GROWTH_KIB = 40 * 1024;

function kvDirectory(): string | undefined {
  // KV commits fsync: on tmpfs 100 000 of them take seconds instead of minutes.
  try {
    return Deno.statSync("/dev/shm").isDirectory ? "/dev/shm" : undefined;
  } catch {
    return undefined;
  }
}

async function inPool<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** Retries while SQLite reports the file locked by the other process (no data was written). */
async function retryLocked<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 100 || !String(error).includes("database is locked")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 10));
    }
  }
}

/** Traffic through the server: logins started, polled and answered. */
async function serve(serverUrl: string, expiredIds: string[]): Promise<void> {
  const keys: ClientKeys[] = [];
  for (let i = 0; i < HTTP_SESSIONS; i++) keys.push(await createClientKeys());
  const sessions: { id: string; keys: ClientKeys }[] = [];
  await inPool(keys, async (k) => {
    const init = await initSession(serverUrl, k, { ttlSeconds: 60 });
    sessions.push({ id: init.sessionId, keys: k });
  });
  await inPool(sessions, async (session) => {
    const answer = await signedGet(serverUrl, {
      action: "status",
      sessionId: session.id,
      keys: session.keys,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  });
  // Expired sessions are invisible at once, whether or not the sweep ran.
  await inPool(expiredIds, async (id) => {
    const answer = await signedGet(serverUrl, { action: "status", sessionId: id, keys: keys[0] });
    assert.equal(answer.status, 404, JSON.stringify(answer.body));
  });
}

Deno.test("100 000 expired sessions: KV returns to its baseline after the sweep, server memory stays flat", async () => {
  const dir = await Deno.makeTempDir({ dir: kvDirectory(), prefix: "clawauth-sweep-" });
  const kvPath = `${dir}/kv.sqlite`;
  const { upstream, env } = await startUpstreamAndSettings();
  const server = await startServerProcess({
    // The test runs the sweep itself: a cron sweep firing at a 5-minute wall-clock mark would
    // remove the back-dated sessions while they are still being written.
    env: {
      ...env,
      CLAWAUTH_INIT_RATE_LIMIT: "0",
      CLAWAUTH_LOG: "off",
      CLAWAUTH_SWEEP_SCHEDULE: "off",
    },
    kvPath,
  });
  const kv = await Deno.openKv(kvPath);
  try {
    upstream.addRedirectUri(`${server.url}/callback/demo`);
    const pid = server.child.pid;
    const baseline = await countKeys(kv);

    await serve(server.url, []); // warm the server up before its memory counts
    const rssWarm = await readRssKib(pid);

    const past = Date.now() - 2 * 3600_000;
    const store = createSessionStore(kv, { now: () => past });
    const keys = await createClientKeys();
    const ids = Array.from({ length: SESSIONS }, () => crypto.randomUUID());
    for (let i = 0; i < ids.length; i += WRITE_BATCH) {
      await Promise.all(
        ids.slice(i, i + WRITE_BATCH).map((id) => {
          const record: SessionRecord = {
            id,
            provider: PROVIDER,
            status: "pending",
            verifyKey: keys.verifyKey,
            boxPublicKey: keys.boxPublicKey,
            redirectUri: `${server.url}/callback`,
            codeVerifier: "sweep-test-verifier-".padEnd(43, "x"),
            createdAt: past,
            expiresAt: past + 60_000,
          };
          return retryLocked(() => store.createSession(record));
        }),
      );
    }
    const filled = await countKeys(kv);
    const indexed = await countKeys(kv, ["expiry"]);
    // Each session has its record and an expiry-index entry; KV's own expiry may already have
    // dropped some records (their `expireIn` runs on the real clock), never the index entries.
    assert.ok(
      indexed >= SESSIONS && filled >= baseline + SESSIONS,
      `after writing ${SESSIONS} sessions: ${filled} keys, ${indexed} in the expiry index, ${await countKeys(
        kv,
        ["session"],
      )} session records`,
    );

    await serve(server.url, ids.slice(0, HTTP_SESSIONS));
    const rssFull = await readRssKib(pid);

    // In chunks, as successive cron runs would; a chunk that hits the other process's write lock
    // is simply run again.
    const sweepClock = () => Date.now() + 2 * 86_400_000;
    let swept = 0;
    for (;;) {
      const result = await retryLocked(() =>
        sweepExpired(kv, { now: sweepClock, limit: SWEEP_CHUNK })
      );
      swept += result.sessions;
      if (result.sessions === 0) break;
    }
    assert.ok(swept > 0);
    assert.equal(await countKeys(kv, ["expiry"]), 0, "the expiry index is empty");
    assert.equal(await countKeys(kv), baseline, "KV is back to its baseline key count");

    await serve(server.url, ids.slice(-HTTP_SESSIONS));
    const rssAfter = await readRssKib(pid);
    const growth = Math.max(rssFull, rssAfter) - rssWarm;
    assert.ok(
      growth < MAX_RSS_GROWTH_KIB,
      `server RSS grew by ${growth} KiB (warm ${rssWarm}, full ${rssFull}, after ${rssAfter})`,
    );
    const ready = await fetch(`${server.url}/readyz`);
    await ready.body?.cancel();
    assert.equal(ready.status, 200);
    console.log(
      `RSS KiB: warm ${rssWarm}, with ${SESSIONS} sessions ${rssFull}, after sweep ${rssAfter}`,
    );
  } finally {
    kv.close();
    await server.stop();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});
