// Anti-replay and long-poll across two server processes on one KV SQLite file: nonces are
// group-committed per process, so only KV's durable "must not exist" check can stop a request
// replayed on the other process; and a KV watch sees only its own process's writes.

import assert from "node:assert/strict";
import { signRequest } from "../../shared/sign_request.ts";
import { startServerProcess } from "../fixtures/server_process.ts";
import {
  approve,
  createClientKeys,
  deliverCallback,
  initSession,
  startUpstreamAndSettings,
} from "./_server_flow.ts";

Deno.test("two servers on one KV: a signed request replayed on the other process is refused, at once or later", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-replay-" });
  const kvPath = `${dir}/kv.sqlite`;
  const { upstream, env } = await startUpstreamAndSettings();
  const settings = { ...env, CLAWAUTH_POLL_RATE_LIMIT: "0" };
  const a = await startServerProcess({ env: settings, kvPath });
  const b = await startServerProcess({ env: settings, kvPath });
  try {
    const keys = await createClientKeys();
    const init = await initSession(a.url, keys);
    const path = `/status/${init.sessionId}`;
    const send = async (url: string, headers: Record<string, string>) => {
      const response = await fetch(`${url}${path}`, { headers });
      return { status: response.status, body: await response.json() };
    };

    // Same request on both processes at once, several times each.
    for (let round = 0; round < 5; round++) {
      const headers = await signRequest(keys.signKey, { sessionId: init.sessionId, path });
      const answers = await Promise.all(
        [a, b, a, b].map((server) => send(server.url, headers)),
      );
      const ok = answers.filter((x) => x.status === 200);
      assert.equal(
        ok.length,
        1,
        `round ${round}: exactly one accepted: ${JSON.stringify(answers)}`,
      );
      for (const x of answers.filter((x) => x.status !== 200)) {
        assert.deepEqual([x.status, x.body.code], [401, "replay_detected"]);
      }
    }

    // Accepted on A, replayed later on B.
    const headers = await signRequest(keys.signKey, { sessionId: init.sessionId, path });
    assert.equal((await send(a.url, headers)).status, 200);
    const replay = await send(b.url, headers);
    assert.deepEqual([replay.status, replay.body.code], [401, "replay_detected"]);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await upstream.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("two servers on one KV: a status waiting on A answers completed when the callback lands on B", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-wait-" });
  const kvPath = `${dir}/kv.sqlite`;
  const { upstream, env } = await startUpstreamAndSettings();
  const a = await startServerProcess({ env, kvPath });
  const b = await startServerProcess({ env, kvPath });
  try {
    upstream.addRedirectUri(`${a.url}/callback/demo`);
    const keys = await createClientKeys();
    const init = await initSession(a.url, keys);
    const path = `/status/${init.sessionId}`;
    const headers = await signRequest(keys.signKey, { sessionId: init.sessionId, path });
    const waiting = fetch(`${a.url}${path}?wait=30`, { headers }).then(async (response) => ({
      status: response.status,
      body: await response.json(),
    }));
    // Awaited below; a failure before then must not surface as an unhandled rejection.
    waiting.catch(() => {});
    const callback = await approve(init.shortAuthUrl);
    const onB = await deliverCallback(callback, b.url);
    assert.equal(onB.status, 200, onB.body);
    const answer = await waiting;
    // Answered with the change, long before the 30 s deadline would have said pending.
    assert.deepEqual(answer, { status: 200, body: { status: "completed", provider: "demo" } });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await upstream.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
