// `clawauth login wait` asks the server to hold each status request (`?wait=`): a waiting agent
// sees the approval at once and sends about one request per 30 s; against a server that does
// not hold requests (0.4) it polls at its interval as before.

import assert from "node:assert/strict";
import { MemoryKeychain } from "../../cli/keychain/memory.ts";
import { main } from "../../cli/main.ts";
import { approveOverHttp, cliEnv, type Json, PROVIDER, startDelegated } from "./_delegated.ts";

interface Recorded {
  url: string;
}

/** Runs `main` with an injected clock, sleep and fetch. */
async function runWait(
  argv: string[],
  options: {
    env: Record<string, string>;
    keychain: MemoryKeychain;
    fetch: typeof fetch;
    clock?: { now: number };
    sleeps?: number[];
  },
): Promise<{ code: number; body: Json }> {
  let stdout = "";
  const clock = options.clock;
  const code = await main(argv, {
    env: options.env,
    stdout: (text) => void (stdout += text),
    stderr: () => {},
    stdin: new ReadableStream({ start: (controller) => controller.close() }),
    isTerminal: false,
    now: clock ? () => clock.now : Date.now,
    sleep: (ms) => {
      options.sleeps?.push(ms);
      if (clock) clock.now += ms;
      return Promise.resolve();
    },
    fetch: options.fetch,
    keychain: () => Promise.resolve(options.keychain),
  });
  return { code, body: JSON.parse(stdout) };
}

/** `login wait` gave up while the login was still pending (exit 1 or 3 by CLI version). */
function assertTimedOut(result: { code: number; body: Json }): void {
  assert.notEqual(result.code, 0);
  assert.ok(
    ["transient_error", "wait_timeout"].includes(result.body.error?.code),
    JSON.stringify(result.body),
  );
}

/** A fetch that records every request to the server and forwards it. */
function recording(requests: Recorded[]): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    requests.push({ url });
    return fetch(input, init);
  };
}

Deno.test("login wait holds one status request until the approval, then claims", async () => {
  const setup = await startDelegated();
  const { dir, env } = await cliEnv(setup.url);
  const keychain = new MemoryKeychain();
  try {
    const requests: Recorded[] = [];
    const start = await runWait(["login", "start", PROVIDER, "--json"], {
      env,
      keychain,
      fetch,
    });
    const { sessionId, shortAuthUrl } = start.body;
    const waiting = runWait(["login", "wait", sessionId, "--json"], {
      env,
      keychain,
      fetch: recording(requests),
    });
    // Approve only once the status request is out (and held by the server).
    for (let i = 0; i < 2000 && !requests.some((r) => r.url.includes("/status/")); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal((await approveOverHttp(shortAuthUrl)).status, 200);
    const result = await waiting;
    assert.equal(result.code, 0, JSON.stringify(result.body));
    assert.equal(result.body.status, "completed");
    const paths = requests.map((r) => new URL(r.url)).map((u) => `${u.pathname}${u.search}`);
    // Without the long-poll, the (instant) injected sleep would have sent status after status.
    assert.deepEqual(paths, [
      `/status/${sessionId}?wait=30`,
      `/claim/${sessionId}`,
    ]);
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

/** A stand-in server for status: pending, held for `wait` seconds of the injected clock. */
function pendingServer(
  clock: { now: number },
  requests: Recorded[],
  options: { holds: boolean },
): typeof fetch {
  return (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push({ url: url.href });
    const wait = Number(url.searchParams.get("wait") ?? 0);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.holds && wait > 0) {
      clock.now += wait * 1000;
      headers["x-clawauth-wait"] = String(wait);
    }
    return Promise.resolve(
      new Response(JSON.stringify({ status: "pending", provider: PROVIDER }), { headers }),
    );
  };
}

async function startedSession(env: Record<string, string>, keychain: MemoryKeychain) {
  const setup = await startDelegated();
  try {
    const start = await runWait(["login", "start", PROVIDER, "--json"], {
      env: { ...env, CLAWAUTH_SERVER_URL: setup.url },
      keychain,
      fetch,
    });
    return start.body.sessionId as string;
  } finally {
    await setup.stop();
  }
}

Deno.test("a five-minute login wait sends at most a dozen requests to a server that holds them", async () => {
  const { dir, env } = await cliEnv("http://127.0.0.1:1");
  const keychain = new MemoryKeychain();
  try {
    const sessionId = await startedSession(env, keychain);
    const clock = { now: Date.now() };
    const requests: Recorded[] = [];
    const sleeps: number[] = [];
    const result = await runWait(["login", "wait", sessionId, "--timeout", "300000", "--json"], {
      env,
      keychain,
      clock,
      sleeps,
      fetch: pendingServer(clock, requests, { holds: true }),
    });
    assertTimedOut(result);
    assert.ok(requests.length <= 12, `${requests.length} requests`);
    assert.equal(requests.length, 10, "one per 30 s");
    assert.deepEqual(sleeps, [], "a held request needs no sleep before the next");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login wait against a server that does not hold requests (0.4) polls at its interval", async () => {
  const { dir, env } = await cliEnv("http://127.0.0.1:1");
  const keychain = new MemoryKeychain();
  try {
    const sessionId = await startedSession(env, keychain);
    const clock = { now: Date.now() };
    const requests: Recorded[] = [];
    const sleeps: number[] = [];
    const result = await runWait(["login", "wait", sessionId, "--timeout", "10000", "--json"], {
      env,
      keychain,
      clock,
      sleeps,
      fetch: pendingServer(clock, requests, { holds: false }),
    });
    assertTimedOut(result);
    assert.deepEqual(sleeps, [2000, 2000, 2000, 2000, 2000]);
    assert.equal(requests.length, 6, "at 0, 2, 4, 6, 8 and 10 s");
    // The last poll, at the deadline, has no time left to ask for.
    assert.ok(requests.slice(0, -1).every((r) => r.url.includes("?wait=")), "it asked; ignored");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login wait --interval polls plainly, without asking the server to hold", async () => {
  const { dir, env } = await cliEnv("http://127.0.0.1:1");
  const keychain = new MemoryKeychain();
  try {
    const sessionId = await startedSession(env, keychain);
    const clock = { now: Date.now() };
    const requests: Recorded[] = [];
    const result = await runWait(
      ["login", "wait", sessionId, "--timeout", "3000", "--interval", "1000", "--json"],
      { env, keychain, clock, fetch: pendingServer(clock, requests, { holds: true }) },
    );
    assertTimedOut(result);
    assert.equal(requests.length, 4, "at 0, 1, 2 and 3 s");
    assert.ok(requests.every((r) => !r.url.includes("wait=")), JSON.stringify(requests));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
