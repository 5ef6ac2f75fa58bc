// `clawauth login wait`: polls, then claims; fails at once on 401/404, honours 429 Retry-After,
// backs off (exponential, capped) on network and 5xx failures and keeps trying until its timeout.

import assert from "node:assert/strict";
import { join } from "node:path";
import nacl from "tweetnacl";
import { MemoryKeychain } from "../../cli/keychain/memory.ts";
import { encodeBase64 } from "../../shared/base64.ts";
import { decodeBase64 } from "../../shared/base64.ts";
import { signRequest } from "../../shared/sign_request.ts";
import { startCli } from "../fixtures/run_cli.ts";
import {
  approveOverHttp,
  cliEnv,
  PROVIDER,
  runMain,
  startDelegated,
  userinfo,
} from "./_delegated.ts";

const SESSIONS_SERVICE = "clawauth:sessions";

Deno.test("login wait (subprocess) returns once the user approved, with the claim's fields", async () => {
  const setup = await startDelegated();
  const { dir, env } = await cliEnv(setup.url);
  try {
    const start = await startCli(["login", "start", PROVIDER, "--json"], { env });
    const started = JSON.parse((await start.wait()).stdout);
    const waiting = await startCli(
      ["login", "wait", started.sessionId, "--interval", "250", "--json"],
      { env },
    );
    await approveOverHttp(started.shortAuthUrl);
    const result = await waiting.wait();
    assert.equal(result.code, 0, result.stderr);
    const body = result.json() as Record<string, unknown>;
    assert.equal(body.action, "wait");
    assert.equal(body.status, "completed");
    assert.equal(body.storedInKeychain, true);
    assert.equal(body.keychainAccount, "demo:default");
    assert.match(String((body.tokenData as Record<string, unknown>).access_token), /…/);
    assert.equal(
      result.stderr.includes("Waiting"),
      false,
      "no progress when stderr is not a terminal",
    );
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login wait fails at once when the server refuses the signature (401)", async () => {
  const setup = await startDelegated();
  const { dir, env } = await cliEnv(setup.url);
  const keychain = new MemoryKeychain();
  try {
    const start = await runMain(["login", "start", PROVIDER, "--json"], { env, keychain });
    const { sessionId } = start.body;
    // Replace the session's signing key with another valid one: the server's verify fails.
    const material = JSON.parse((await keychain.get(SESSIONS_SERVICE, sessionId))!);
    material.signSecretKey = encodeBase64(nacl.sign.keyPair().secretKey);
    await keychain.store(SESSIONS_SERVICE, sessionId, JSON.stringify(material));

    const sleeps: number[] = [];
    const wait = await runMain(["login", "wait", sessionId, "--timeout", "600000", "--json"], {
      env,
      keychain,
      sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    });
    assert.equal(wait.code, 1);
    assert.equal(wait.body.error.code, "invalid_signature");
    assert.match(wait.body.error.message, /^the server refused the signed \/status request/);
    assert.deepEqual(sleeps, [], "no waiting after a 401");
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login wait fails at once when the server no longer knows the session (404)", async () => {
  const setup = await startDelegated();
  const { dir, env } = await cliEnv(setup.url);
  const keychain = new MemoryKeychain();
  try {
    const start = await runMain(["login", "start", PROVIDER, "--json"], { env, keychain });
    const { sessionId, shortAuthUrl } = start.body;
    await approveOverHttp(shortAuthUrl);
    // Someone else with the keys claims it first; the server forgets the session.
    const material = JSON.parse((await keychain.get(SESSIONS_SERVICE, sessionId))!);
    const path = `/claim/${sessionId}`;
    const headers = await signRequest(decodeBase64(material.signSecretKey), { sessionId, path });
    const claimed = await fetch(`${setup.url}${path}`, { headers });
    assert.equal(claimed.status, 200);
    await claimed.body?.cancel();

    const sleeps: number[] = [];
    const wait = await runMain(["login", "wait", sessionId, "--json"], {
      env,
      keychain,
      sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    });
    assert.equal(wait.code, 1);
    assert.equal(wait.body.error.code, "session_not_found");
    assert.match(wait.body.error.message, /expired, was already claimed/);
    assert.deepEqual(sleeps, []);
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login wait honours 429 Retry-After and times out as wait_timeout while pending", async () => {
  const setup = await startDelegated({ env: { CLAWAUTH_POLL_RATE_LIMIT: "4" } });
  const { dir, env } = await cliEnv(setup.url);
  const keychain = new MemoryKeychain();
  try {
    const start = await runMain(["login", "start", PROVIDER, "--json"], { env, keychain });
    const { sessionId } = start.body;
    const sleeps: number[] = [];
    const started = Date.now();
    const wait = await runMain(
      ["login", "wait", sessionId, "--interval", "250", "--timeout", "2500", "--json"],
      {
        env,
        keychain,
        isTerminal: true,
        // Poll intervals pass at once (so polls hit the limit); any other wait (Retry-After,
        // or what is left until the deadline) is real.
        sleep: async (ms) => {
          sleeps.push(ms);
          if (ms !== 250) await new Promise((resolve) => setTimeout(resolve, ms));
        },
      },
    );
    assert.ok(Date.now() - started >= 2000, "waited until the timeout");
    assert.equal(wait.code, 3);
    assert.equal(wait.body.error.code, "wait_timeout");
    assert.equal(wait.body.error.status, "pending");
    assert.match(wait.body.error.message, /^timed out after 2500ms/);
    assert.ok(sleeps.filter((ms) => ms === 1000).length >= 1, `Retry-After honoured: ${sleeps}`);
    assert.ok(
      sleeps.slice(0, -1).every((ms) => ms === 250 || ms === 1000),
      `only interval or Retry-After, then what is left until the deadline: ${sleeps}`,
    );
    assert.ok(sleeps.at(-1)! <= 1000);
    assert.ok(
      wait.stderr.includes("\r\x1b[2KWaiting for the user to approve the demo login ("),
      wait.stderr,
    );
    assert.match(wait.stderr, /the server rate-limited \/status; retry after 1 s; retrying in 1s/);
    assert.ok(setup.logs().includes('"status":429'), "the log format the no-429 tests look for");
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login wait backs off on network and 5xx failures and claims once the server is back", async () => {
  const kvDir = await Deno.makeTempDir({ prefix: "clawauth-wait-kv-" });
  const kvPath = join(kvDir, "kv.sqlite");
  const setup = await startDelegated({ env: { CLAWAUTH_KV_PATH: kvPath } });
  const { dir, env } = await cliEnv(setup.url);
  const keychain = new MemoryKeychain();
  try {
    const port = new URL(setup.url).port;
    const start = await runMain(["login", "start", PROVIDER, "--json"], { env, keychain });
    const { sessionId, shortAuthUrl } = start.body;
    await approveOverHttp(shortAuthUrl);
    await setup.stopServer();

    const sleeps: number[] = [];
    const wait = await runMain(
      ["login", "wait", sessionId, "--interval", "250", "--timeout", "120000", "--json"],
      {
        env,
        keychain,
        sleep: async (ms) => {
          sleeps.push(ms);
          // After two network failures the server comes back misconfigured (500 on every
          // route), after two more it comes back healthy, on the same port and KV file.
          if (sleeps.length === 2) {
            await setup.restartServer({ PORT: port, STATE_SIGNING_SECRET: "" });
          } else if (sleeps.length === 4) {
            await setup.restartServer({ PORT: port });
          }
        },
      },
    );
    assert.equal(wait.code, 0, wait.stdout);
    assert.deepEqual(sleeps, [500, 1000, 2000, 4000], "exponential back-off from the interval");
    assert.match(setup.logs(), /"status":500/, "the 5xx phase was hit");
    assert.equal(wait.body.status, "completed");
    assert.equal(wait.body.storedInKeychain, true);
    const get = await runMain(["token", "get", PROVIDER, "--json"], { env, keychain });
    assert.equal((await userinfo(setup.upstream, get.body.token.access_token)).status, 200);
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(kvDir, { recursive: true });
  }
});

Deno.test("login wait keeps the interval on every poll, the last one too, and times out as wait_timeout (exit 3)", async () => {
  const setup = await startDelegated({ env: { CLAWAUTH_POLL_RATE_LIMIT: "4" } });
  const { dir, env } = await cliEnv(setup.url);
  const keychain = new MemoryKeychain();
  try {
    const start = await runMain(["login", "start", PROVIDER, "--json"], { env, keychain });
    const { sessionId, shortAuthUrl } = start.body;
    // An injected clock that only the CLI's sleeps move: polls happen at known times.
    let clock = Date.now();
    const polls: number[] = [];
    const sleeps: number[] = [];
    const wait = await runMain(
      ["login", "wait", sessionId, "--interval", "2s", "--timeout", "5s", "--json"],
      {
        env,
        keychain,
        now: () => clock,
        sleep: (ms) => {
          sleeps.push(ms);
          clock += ms;
          return Promise.resolve();
        },
        fetch: (input, init) => {
          if (String(input).includes("/status/")) polls.push(clock);
          return fetch(input, init);
        },
      },
    );
    assert.equal(wait.code, 3, wait.stdout);
    assert.deepEqual(Object.keys(wait.body), ["error"]);
    assert.equal(wait.body.error.code, "wait_timeout");
    assert.equal(wait.body.error.status, "pending");
    assert.equal(wait.body.error.transient, true);
    assert.equal(wait.body.error.fix, `clawauth login wait ${sessionId} --timeout 5s`);
    assert.equal(wait.body.error.shortAuthUrl, shortAuthUrl);
    // Polls at 0, 2 s and 4 s; the last second is waited out, with no early poll at 5 s.
    assert.deepEqual(polls.map((t) => t - polls[0]), [0, 2000, 4000]);
    assert.deepEqual(sleeps, [2000, 2000, 1000]);
    assert.ok(!setup.logs().includes('"status":429'), "never rate-limited");
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login wait (subprocess, real time) on a pending session: link once, wait_timeout, exit 3, no 429", async () => {
  const setup = await startDelegated({ env: { CLAWAUTH_POLL_RATE_LIMIT: "4" } });
  const { dir, env } = await cliEnv(setup.url);
  try {
    const start = await startCli(["login", "start", PROVIDER, "--json"], { env });
    const started = JSON.parse((await start.wait()).stdout);
    const waiting = await startCli(
      ["login", "wait", started.sessionId, "--interval", "300ms", "--timeout", "1500"],
      { env },
    );
    const result = await waiting.wait();
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.stdout, "");
    // Human mode, not a terminal: the link once, no progress line, then the error and its fix.
    assert.equal(result.stderr.split(started.shortAuthUrl).length - 1, 1, result.stderr);
    assert.ok(!result.stderr.includes("\r"), "no updating line when stderr is not a terminal");
    assert.match(
      result.stderr,
      /timed out after 1500ms: the login is still pending .*\(wait_timeout\)/,
    );
    assert.match(
      result.stderr,
      new RegExp(`keep waiting with: clawauth login wait ${started.sessionId}`),
    );
    assert.ok(!setup.logs().includes('"status":429'), setup.logs());
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login wait on a terminal: the link once, then one updating status line", async () => {
  const setup = await startDelegated();
  const { dir, env } = await cliEnv(setup.url);
  const keychain = new MemoryKeychain();
  try {
    const start = await runMain(["login", "start", PROVIDER, "--json"], { env, keychain });
    let clock = Date.now();
    const wait = await runMain(
      ["login", "wait", start.body.sessionId, "--interval", "1s", "--timeout", "3s"],
      {
        env,
        keychain,
        isTerminal: true,
        now: () => clock,
        sleep: (ms) => (clock += ms, Promise.resolve()),
      },
    );
    assert.equal(wait.code, 3);
    assert.equal(wait.stdout, "");
    assert.equal(wait.stderr.split(start.body.shortAuthUrl).length - 1, 1, "link printed once");
    assert.ok(wait.stderr.startsWith(`Waiting for the user to approve the demo login.\nLink: `));
    // Every status update rewrites the same line (\r + clear), and nothing else is printed.
    const updates = wait.stderr.split("\r\x1b[2K").slice(1, -1);
    assert.ok(updates.length >= 3, wait.stderr);
    assert.ok(
      updates.every((line) =>
        /^Waiting for the user to approve the demo login \(\d+s\)$/.test(line)
      ),
    );
    assert.ok(wait.stderr.includes("\r\x1b[2Kclawauth: timed out after 3s"), wait.stderr);
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
