// `GET /status/{id}?wait=<seconds>`: answers as soon as the session changes (KV watch), or
// `pending` at the deadline. The deadline timer is injected: tests fire it by hand.

import assert from "node:assert/strict";
import { signRequest } from "../../shared/sign_request.ts";
import {
  assertJsonError,
  authorize,
  type ClientKeys,
  initSession,
  sendCallback,
  signedGet,
  type TestServer,
  withTestServer,
} from "./_harness.ts";

interface Deadline {
  ms: number;
  fire(): void;
}

/** A sleep that ends only when the test fires it (or the request stops waiting). */
function manualDeadlines() {
  const deadlines: Deadline[] = [];
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      deadlines.push({ ms, fire: resolve });
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
  return { deadlines, sleep };
}

/** Lets the event loop run until `condition` holds (bounded by turns, not by time). */
async function turnsUntil(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 0));
  assert.ok(condition(), `never happened: ${what}`);
}

async function waitingStatus(
  server: TestServer,
  sessionId: string,
  keys: ClientKeys,
  wait: string,
) {
  const path = `/status/${sessionId}`;
  const headers = await signRequest(keys.signSecretKey, {
    sessionId,
    path, // the signature covers the path only, as for a 0.4 client
    timestamp: Math.floor(server.clock.now() / 1000),
  });
  const state = { answered: false };
  const answer = server.request(`${path}?wait=${wait}`, { headers }).then(async (response) => {
    state.answered = true;
    return {
      status: response.status,
      body: await response.json(),
      held: response.headers.get("x-clawauth-wait"),
    };
  });
  return { state, answer };
}

Deno.test("status?wait= answers completed as soon as the callback completes the session", async () => {
  const { deadlines, sleep } = manualDeadlines();
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const { callbackUrl, cookies } = await authorize(server, init);
    const waiting = await waitingStatus(server, init.sessionId, keys, "30");
    await turnsUntil(() => deadlines.length === 1, "the request waits");
    assert.equal(deadlines[0].ms, 30_000);
    assert.equal(waiting.state.answered, false, "pending: it waits instead of answering");

    const callback = await sendCallback(server, callbackUrl, cookies);
    assert.equal(callback.status, 200);
    await callback.body?.cancel();
    // The deadline never fires in this test: only the session's change can answer it.
    assert.deepEqual(await waiting.answer, {
      status: 200,
      body: { status: "completed", provider: "demo" },
      held: "30",
    });
  }, { upstream: true, sleep });
});

Deno.test("status?wait= answers pending at the deadline", async () => {
  const { deadlines, sleep } = manualDeadlines();
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const waiting = await waitingStatus(server, init.sessionId, keys, "5");
    await turnsUntil(() => deadlines.length === 1, "the request waits");
    assert.equal(deadlines[0].ms, 5_000);
    assert.equal(waiting.state.answered, false);
    deadlines[0].fire();
    assert.deepEqual(await waiting.answer, {
      status: 200,
      body: { status: "pending", provider: "demo" },
      held: "5",
    });
  }, { sleep });
});

Deno.test("status?wait= is cut to 30 s", async () => {
  const { deadlines, sleep } = manualDeadlines();
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const waiting = await waitingStatus(server, init.sessionId, keys, "3600");
    await turnsUntil(() => deadlines.length === 1, "the request waits");
    assert.equal(deadlines[0].ms, 30_000);
    deadlines[0].fire();
    assert.equal((await waiting.answer).body.status, "pending");
  }, { sleep });
});

Deno.test("status?wait= refuses a value that is not whole seconds", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const headers = await signRequest(keys.signSecretKey, {
      sessionId: init.sessionId,
      path: `/status/${init.sessionId}`,
      timestamp: Math.floor(server.clock.now() / 1000),
    });
    await assertJsonError(await server.request(`/status/${init.sessionId}?wait=1e3`, { headers }), {
      status: 400,
      code: "invalid_request",
      error: `'wait' must be whole seconds from 0 to 30: got "1e3"`,
    });
  });
});

Deno.test("status?wait= answers at once past the bound of waiting requests", async () => {
  const { deadlines, sleep } = manualDeadlines();
  await withTestServer(async (server) => {
    const first = await initSession(server);
    const second = await initSession(server);
    const waiting = await waitingStatus(server, first.init.sessionId, first.keys, "30");
    await turnsUntil(() => deadlines.length === 1, "the first request waits");
    // The bound is 1: the second answers its current status without waiting.
    const over = await waitingStatus(server, second.init.sessionId, second.keys, "30");
    assert.deepEqual(await over.answer, {
      status: 200,
      body: { status: "pending", provider: "demo" },
      held: null,
    });
    assert.equal(deadlines.length, 1, "the second never waited");
    assert.equal(waiting.state.answered, false);
    deadlines[0].fire();
    assert.equal((await waiting.answer).body.status, "pending");
    // The slot is free again.
    const again = await waitingStatus(server, second.init.sessionId, second.keys, "30");
    await turnsUntil(() => deadlines.length === 2, "a new request waits");
    deadlines[1].fire();
    assert.equal((await again.answer).body.status, "pending");
  }, { sleep, env: { CLAWAUTH_STATUS_WAITERS: "1" } });
});

Deno.test("status?wait= answers 404 when the session is removed while it waits", async () => {
  const { deadlines, sleep } = manualDeadlines();
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const waiting = await waitingStatus(server, init.sessionId, keys, "30");
    await turnsUntil(() => deadlines.length === 1, "the request waits");
    const path = `/session/${init.sessionId}`;
    const headers = await signRequest(keys.signSecretKey, {
      sessionId: init.sessionId,
      path,
      method: "DELETE",
      timestamp: Math.floor(server.clock.now() / 1000),
    });
    const removed = await server.request(path, { method: "DELETE", headers });
    assert.equal(removed.status, 200);
    await removed.body?.cancel();
    const answer = await waiting.answer;
    assert.deepEqual([answer.status, answer.body.code], [404, "session_not_found"]);
  }, { sleep });
});

Deno.test("status without wait answers at once, as for 0.4 clients", async () => {
  const { deadlines, sleep } = manualDeadlines();
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const response = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.deepEqual(await response.json(), { status: "pending", provider: "demo" });
    const zero = await waitingStatus(server, init.sessionId, keys, "0");
    assert.equal((await zero.answer).body.status, "pending");
    assert.equal(deadlines.length, 0);
  }, { sleep });
});
