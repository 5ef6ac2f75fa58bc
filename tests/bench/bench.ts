/**
 * `deno task bench`: measures the clawauth server under load and the CLI's wall time, and prints
 * one table with the targets of issue 14.
 *
 * The server runs as its own process (`deno run server/main.ts`, as in production; request logs
 * go to a file), with the demo OpenID provider (server/demo/oidc_upstream.ts) as provider `demo`.
 * The load generator (./load.ts) runs in this process and drives:
 *
 * | scenario | what |
 * |---|---|
 * | hello-world | a bare `Deno.serve` process (./hello_server.ts) |
 * | POST /init | `CLAWAUTH_INIT_RATE_LIMIT=0` |
 * | verify floor + GET /status signed | the verify floor (./floor_server.ts: headers, Web Crypto Ed25519 verify with the key cached, nonce in a Map) and then the server, 200 sessions, one connection each, closed loop, `--repeat` times; each server run is reported as a ratio of the floor run just before it, with the server's CPU µs and KV nonce commits per request |
 * | GET /status paced | 200 sessions each polling 4 times a second (the rate the server must allow), then every 2 s (the 0.4 CLI's default) |
 * | GET /claim | completed sessions written ahead through the server's store, one claim each |
 * | approve | approval-to-claim latency of 10 waiting agents, polling every 2 s vs long-polling; then the server CPU and requests of 200 agents whose human never comes (./approval.ts) |
 * | cli | `token get demo --json` and `login start demo --json` beside an empty module, interleaved |
 *
 * CPU per request is the server process's user + system time (all threads, `/proc/<pid>/stat`)
 * over the measured run; commits per request come from the server's SIGUSR1 stats line.
 *
 * The server scenarios run twice: with the KV SQLite file on disk (a self-hosted server's
 * default; every KV commit is an fsync) and on tmpfs (`/dev/shm`, where the server's own CPU
 * cost shows).
 *
 * Flags: `--duration <s>` per measured run (default 5; each has a 1 s warm-up),
 * `--connections <n>` of the init and claim runs (default 200), `--repeat <n>` floor/server
 * pairs (default 3), `--only <a,b>` (hello,init,status,paced,claim,approve,cli),
 * `--kv disk|tmpfs|both` (default both), `--profile <dir>` (servers run with `--cpu-prof` into
 * `<dir>`, one file per server; summarise with
 * `deno run -A tests/bench/profile_summary.ts <dir>/<file>.cpuprofile`). Example:
 * `deno task bench --only status --kv disk --profile /tmp/prof`.
 */

import { parseArgs } from "node:util";
import nacl from "tweetnacl";
import { encodeBase64 } from "../../shared/base64.ts";
import { sealJson } from "../../shared/seal.ts";
import { createSessionStore, type SessionRecord } from "../../server/store.ts";
import { type OidcUpstream, startOidcUpstream } from "../../server/demo/oidc_upstream.ts";
import { authorizeOverHttp } from "../fixtures/oidc_provider.ts";
import { REPO_ROOT, runCli } from "../fixtures/run_cli.ts";
import { encodeRequest, type LoadResult, runLoad } from "./load.ts";
import {
  type ApprovalResult,
  benchApproval,
  benchWaitingCost,
  type WaitingCost,
} from "./approval.ts";
import { type BenchProcess, startBenchProcess } from "./processes.ts";
import { createSigningKeys, signedGets } from "./signed_requests.ts";

const SCENARIOS = ["hello", "init", "status", "paced", "claim", "approve", "cli"] as const;
type Scenario = typeof SCENARIOS[number];
type KvPlace = "disk" | "tmpfs";

const WARMUP_MS = 1_000;
/** Sessions polling at once, one connection each. */
const POLLING_SESSIONS = 200;
/** Polls a second the server must allow a session: the paced scenario polls at that rate. */
const POLL_INTERVAL_MS = 250;
/** Paced polling: at the rate the server must allow, and at the 0.4 CLI's default (every 2 s). */
const PACED_INTERVALS_MS = [POLL_INTERVAL_MS, 2_000];
/** Requests prepared for a measured run: the warm-up's rate times this, times the duration. */
const PREPARE_FACTOR = 1.5;
/** Signed status requests prepared for the warm-up, per second (more than the server does). */
const WARMUP_STATUS_RATE = 8_000;
const WARMUP_CLAIMS = 600;
const CLI_RUNS = 15;
const PROVIDER = "demo";
const TMPFS_DIR = "/dev/shm";

interface Flags {
  durationMs: number;
  connections: number;
  only: Set<Scenario>;
  kv: KvPlace[];
  profileDir?: string;
  /** Server-vs-floor status pairs (the spread of the ratio). */
  repeat: number;
}

interface Row {
  scenario: string;
  connections: number;
  result: LoadResult;
  /** A ratio to the ceiling means something for closed-loop runs only. */
  closedLoop: boolean;
  /** Server process CPU (all threads) per answered request, µs. */
  cpuUsPerRequest?: number;
  /** Nonce group commits per answered request (the server's SIGUSR1 stats). */
  commitsPerRequest?: number;
  /** Signed status rows: the verify floor's rate in the same run. */
  floorRps?: number;
}

interface CliTiming {
  command: string;
  runs: number[];
}

/** Approval-to-claim latency of one agent behaviour. */
interface ApprovalRow {
  place: KvPlace;
  mode: "poll" | "wait";
  result: ApprovalResult;
  /** Server work for agents whose human does not come. */
  idle: WaitingCost;
}

/** Agents waiting in vain while the server's CPU is measured. */
const IDLE_AGENTS = 200;

/** Agents waiting at once in the approval runs. */
const APPROVAL_AGENTS = 10;

/** One clawauth server under test and what its scenarios share. */
interface Target {
  place: KvPlace;
  server: BenchProcess;
  host: string;
  kvPath: string;
  dir: string;
  upstream: OidcUpstream;
  box: nacl.BoxKeyPair;
  boxPublicKey: string;
  rssStartKib: number;
}

type Session = { id: string; signKey: CryptoKey };

function parseFlags(): Flags {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      duration: { type: "string", default: "5" },
      connections: { type: "string", default: "200" },
      only: { type: "string" },
      kv: { type: "string", default: "both" },
      profile: { type: "string" },
      repeat: { type: "string", default: "3" },
    },
  });
  const only = values.only?.split(",").map((s) => s.trim()) ?? [...SCENARIOS];
  for (const name of only) {
    if (!SCENARIOS.includes(name as Scenario)) {
      throw new Error(`--only: unknown scenario ${name} (known: ${SCENARIOS.join(", ")})`);
    }
  }
  const kv: KvPlace[] = values.kv === "both" ? ["disk", "tmpfs"] : [values.kv as KvPlace];
  if (!kv.every((place) => place === "disk" || place === "tmpfs")) {
    throw new Error(`--kv must be disk, tmpfs or both: got ${values.kv}`);
  }
  return {
    durationMs: Number(values.duration) * 1000,
    connections: Number(values.connections),
    only: new Set(only as Scenario[]),
    kv,
    profileDir: values.profile,
    repeat: Math.max(1, Number(values.repeat)),
  };
}

function pacedLabel(intervalMs: number): string {
  return `${POLLING_SESSIONS} × ${1000 / intervalMs}/s`;
}

function log(message: string): void {
  console.error(`bench: ${message}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "-";
}

/** A Markdown table: first column left-aligned, the others right-aligned. */
function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    "| " +
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") +
    " |";
  const rule = "|" +
    widths.map((w, i) => i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":").join("|") + "|";
  return [line(header), rule, ...rows.map(line)].join("\n");
}

function describeStatuses(result: LoadResult): string {
  const parts = Object.entries(result.statuses).map(([status, n]) => `${status}×${n}`);
  if (result.errors) parts.push(`errors×${result.errors}`);
  return parts.join(" ");
}

function warnUnlessOk(name: string, result: LoadResult): void {
  const bad = Object.keys(result.statuses).filter((status) => status !== "200");
  if (bad.length > 0 || result.errors > 0) {
    log(`WARNING: ${name} had unexpected answers: ${describeStatuses(result)}`);
  }
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

/**
 * Retries `fn` while SQLite says "database is locked": this process writes the server's KV file
 * while the server process has it open.
 */
async function retryLocked<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 50 || !String(error).includes("database is locked")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
}

/** Warm-up, then a measured closed-loop run, of one request repeated. */
async function steadyLoad(
  options: { url: string; connections: number; durationMs: number; request: Uint8Array },
): Promise<LoadResult> {
  const next = () => options.request;
  await runLoad({ ...options, durationMs: WARMUP_MS, next });
  return await runLoad({ ...options, next });
}

async function benchCeiling(flags: Flags, tmp: string): Promise<Row[]> {
  const hello = await startBenchProcess({
    args: ["run", "--allow-net", "--allow-env", `${REPO_ROOT}/tests/bench/hello_server.ts`],
    env: { PORT: "0" },
    logPath: `${tmp}/hello.log`,
  });
  try {
    log(`hello-world at ${hello.url}`);
    const request = encodeRequest(new URL(hello.url).host, { method: "GET", path: "/" });
    const ceiling = await steadyLoad({
      url: hello.url,
      connections: flags.connections,
      durationMs: flags.durationMs,
      request,
    });
    warnUnlessOk("hello-world", ceiling);
    const paced = await runLoad({
      url: hello.url,
      connections: POLLING_SESSIONS,
      durationMs: flags.durationMs,
      intervalMs: POLL_INTERVAL_MS,
      next: () => request,
    });
    return [
      {
        scenario: "hello-world (Deno.serve ceiling)",
        connections: flags.connections,
        result: ceiling,
        closedLoop: true,
      },
      {
        scenario: `hello-world paced, ${pacedLabel(POLL_INTERVAL_MS)}`,
        connections: POLLING_SESSIONS,
        result: paced,
        closedLoop: false,
      },
    ];
  } finally {
    await hello.stop();
  }
}

async function startTarget(
  flags: Flags,
  options: { place: KvPlace; tmp: string; upstream: OidcUpstream },
): Promise<Target> {
  const { place, upstream } = options;
  const dir = place === "tmpfs"
    ? await Deno.makeTempDir({ dir: TMPFS_DIR, prefix: "clawauth-bench-" })
    : await Deno.makeTempDir({ dir: options.tmp, prefix: "kv-" });
  const kvPath = `${dir}/kv.sqlite`;
  // -A: Deno asks for all permissions to open a file under /dev (the tmpfs KV).
  const args = ["run", "-A"];
  if (flags.profileDir) {
    await Deno.mkdir(flags.profileDir, { recursive: true });
    args.push("--cpu-prof", `--cpu-prof-dir=${flags.profileDir}`);
  }
  // BENCH_SERVER_ROOT=<another checkout> runs that checkout's server (before/after comparisons).
  const serverRoot = Deno.env.get("BENCH_SERVER_ROOT") ?? REPO_ROOT;
  args.push(`--config=${serverRoot}/deno.json`, `${serverRoot}/server/main.ts`);
  let server: BenchProcess;
  try {
    server = await startBenchProcess({
      args,
      cwd: dir,
      env: {
        PORT: "0",
        STATE_SIGNING_SECRET: encodeBase64(crypto.getRandomValues(new Uint8Array(32))),
        CLAWAUTH_KV_PATH: kvPath,
        CLAWAUTH_INIT_RATE_LIMIT: "0",
        CLAWAUTH_POLL_RATE_LIMIT: "0",
        // Tuning experiments: `CLAWAUTH_GROUP_COMMIT_MS=0 deno task bench ...`.
        ...(Deno.env.get("CLAWAUTH_GROUP_COMMIT_MS") === undefined
          ? {}
          : { CLAWAUTH_GROUP_COMMIT_MS: Deno.env.get("CLAWAUTH_GROUP_COMMIT_MS")! }),
        CLAWAUTH_PROVIDERS: JSON.stringify([{
          name: PROVIDER,
          type: "oidc",
          issuer: upstream.issuer,
          clientId: upstream.client.clientId,
          clientSecret: upstream.client.clientSecret,
        }]),
      },
      logPath: `${options.tmp}/server-${place}.log`,
    });
  } catch (error) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
  upstream.addRedirectUri(`${server.url}/callback/demo`);
  log(`server at ${server.url}, KV ${kvPath} (${place})`);
  const box = nacl.box.keyPair();
  return {
    place,
    server,
    host: new URL(server.url).host,
    kvPath,
    dir,
    upstream,
    box,
    boxPublicKey: encodeBase64(box.publicKey),
    rssStartKib: await server.rssKib(),
  };
}

async function stopTarget(target: Target): Promise<void> {
  const status = await target.server.stop();
  if (!status.success) log(`WARNING: the ${target.place} server exited with ${status.code}`);
  await Deno.remove(target.dir, { recursive: true }).catch(() => {});
}

async function benchInit(flags: Flags, target: Target): Promise<Row> {
  const [key] = await createSigningKeys(1);
  const body = JSON.stringify({
    provider: PROVIDER,
    verifyKey: key.verifyKey,
    boxPublicKey: target.boxPublicKey,
  });
  const result = await steadyLoad({
    url: target.server.url,
    connections: flags.connections,
    durationMs: flags.durationMs,
    request: encodeRequest(target.host, {
      method: "POST",
      path: "/init",
      headers: { "content-type": "application/json" },
      body,
    }),
  });
  warnUnlessOk(`POST /init (${target.place})`, result);
  return {
    scenario: `POST /init [KV ${target.place}]`,
    connections: flags.connections,
    result,
    closedLoop: true,
  };
}

/** Pending sessions made through `/init` at `url`, each with its own signing key. */
async function createPendingSessions(
  url: string,
  boxPublicKey: string,
  count: number,
): Promise<Session[]> {
  const keys = await createSigningKeys(count);
  return await Promise.all(keys.map(async (key) => {
    const response = await fetch(`${url}/init`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ provider: PROVIDER, verifyKey: key.verifyKey, boxPublicKey }),
    });
    if (!response.ok) throw new Error(`/init: ${response.status} ${await response.text()}`);
    return { id: (await response.json()).sessionId, signKey: key.signKey };
  }));
}

/** Per session (= per connection), `perSession` signed status requests. */
function prepareStatusQueues(
  host: string,
  sessions: Session[],
  perSession: number,
): Promise<Uint8Array[][]> {
  return Promise.all(sessions.map((session) =>
    signedGets({
      host,
      action: "status",
      sessionId: session.id,
      signKey: session.signKey,
      count: perSession,
    })
  ));
}

/** Connection k sends the requests of session k, in order. */
function fromQueues(queues: Uint8Array[][]) {
  const cursors = new Array(queues.length).fill(0);
  return (_: number, connection: number) => queues[connection][cursors[connection]++];
}

/** The server's KV stats, or undefined for a server without them (an older checkout). */
async function kvStatsOf(process: BenchProcess) {
  // SIGUSR1 would end a server that does not listen for it.
  if (Deno.env.get("BENCH_SERVER_ROOT") !== undefined) return undefined;
  try {
    return await process.kvStats();
  } catch {
    return undefined;
  }
}

/** What a signed-status run measured, with the process's CPU and (server) KV commits. */
interface StatusRun {
  result: LoadResult;
  cpuUsPerRequest: number;
  commitsPerRequest?: number;
}

/** Warm-up, then a measured closed-loop run of signed polls, one connection per session. */
async function closedLoopStatus(
  flags: Flags,
  process: BenchProcess,
  sessions: Session[],
  options: { stats: boolean },
): Promise<StatusRun> {
  const host = new URL(process.url).host;
  const warmPerSession = Math.ceil(WARMUP_STATUS_RATE * WARMUP_MS / 1000 / sessions.length);
  const warm = await runLoad({
    url: process.url,
    connections: sessions.length,
    durationMs: WARMUP_MS,
    next: fromQueues(await prepareStatusQueues(host, sessions, warmPerSession)),
  });
  // Sized from the warm-up's rate; a run that uses them all up ends early (its rate holds).
  const perSession = Math.ceil(
    warm.requestsPerSecond * PREPARE_FACTOR * flags.durationMs / 1000 / sessions.length,
  ) + 1;
  const queues = await prepareStatusQueues(host, sessions, perSession);
  const cpuBefore = await process.cpuUs();
  const statsBefore = options.stats ? await kvStatsOf(process) : undefined;
  const result = await runLoad({
    url: process.url,
    connections: sessions.length,
    durationMs: flags.durationMs,
    next: fromQueues(queues),
  });
  const cpuUsPerRequest = (await process.cpuUs() - cpuBefore) / Math.max(1, result.requests);
  let commitsPerRequest: number | undefined;
  if (statsBefore) {
    const statsAfter = (await kvStatsOf(process))!;
    commitsPerRequest = (statsAfter.nonceCommits - statsBefore.nonceCommits) /
      Math.max(1, result.requests);
  }
  return { result, cpuUsPerRequest, commitsPerRequest };
}

async function startFloor(tmp: string): Promise<BenchProcess> {
  return await startBenchProcess({
    args: ["run", "--allow-net", "--allow-env", `${REPO_ROOT}/tests/bench/floor_server.ts`],
    env: { PORT: "0" },
    logPath: `${tmp}/floor.log`,
  });
}

/**
 * Signed status polling of the server and of the verify floor, alternating, `flags.repeat`
 * times: each server run is reported with the ratio to the floor run just before it.
 */
async function benchStatusVsFloor(flags: Flags, target: Target, tmp: string): Promise<Row[]> {
  const floor = await startFloor(tmp);
  const rows: Row[] = [];
  try {
    const floorSessions = await createPendingSessions(floor.url, "", POLLING_SESSIONS);
    const sessions = await createPendingSessions(
      target.server.url,
      target.boxPublicKey,
      POLLING_SESSIONS,
    );
    for (let round = 1; round <= flags.repeat; round++) {
      const floorRun = await closedLoopStatus(flags, floor, floorSessions, { stats: false });
      warnUnlessOk("verify floor", floorRun.result);
      const run = await closedLoopStatus(flags, target.server, sessions, { stats: true });
      warnUnlessOk(`GET /status (${target.place})`, run.result);
      rows.push({
        scenario: `verify floor, ${POLLING_SESSIONS} sessions (run ${round})`,
        connections: POLLING_SESSIONS,
        result: floorRun.result,
        closedLoop: true,
        cpuUsPerRequest: floorRun.cpuUsPerRequest,
      }, {
        scenario:
          `GET /status signed, ${POLLING_SESSIONS} sessions [KV ${target.place}] (run ${round})`,
        connections: POLLING_SESSIONS,
        result: run.result,
        closedLoop: true,
        cpuUsPerRequest: run.cpuUsPerRequest,
        commitsPerRequest: run.commitsPerRequest,
        floorRps: floorRun.result.requestsPerSecond,
      });
    }
  } finally {
    await floor.stop();
  }
  return rows;
}

async function benchStatus(flags: Flags, target: Target, tmp: string): Promise<Row[]> {
  const rows: Row[] = [];
  if (flags.only.has("status")) rows.push(...await benchStatusVsFloor(flags, target, tmp));
  if (flags.only.has("paced")) {
    const sessions = await createPendingSessions(
      target.server.url,
      target.boxPublicKey,
      POLLING_SESSIONS,
    );
    for (const intervalMs of PACED_INTERVALS_MS) {
      const perSession = Math.ceil(flags.durationMs / intervalMs) + 1;
      const queues = await prepareStatusQueues(target.host, sessions, perSession);
      const cpuBefore = await target.server.cpuUs();
      const statsBefore = await kvStatsOf(target.server);
      const result = await runLoad({
        url: target.server.url,
        connections: POLLING_SESSIONS,
        durationMs: flags.durationMs,
        intervalMs,
        next: fromQueues(queues),
      });
      const cpuUs = await target.server.cpuUs() - cpuBefore;
      const statsAfter = await kvStatsOf(target.server);
      warnUnlessOk(`GET /status paced (${target.place})`, result);
      rows.push({
        scenario: `GET /status paced, ${pacedLabel(intervalMs)} [KV ${target.place}]`,
        connections: POLLING_SESSIONS,
        result,
        closedLoop: false,
        cpuUsPerRequest: cpuUs / Math.max(1, result.requests),
        commitsPerRequest: statsBefore && statsAfter
          ? (statsAfter.nonceCommits - statsBefore.nonceCommits) / Math.max(1, result.requests)
          : undefined,
      });
    }
  }
  return rows;
}

/** `count` completed sessions written through the server's own store into its KV file. */
async function writeCompletedSessions(target: Target, count: number): Promise<Uint8Array[]> {
  const started = performance.now();
  const keys = await createSigningKeys(count);
  const kv = await Deno.openKv(target.kvPath);
  try {
    const store = createSessionStore(kv, { now: Date.now });
    const blob = sealJson({
      provider: PROVIDER,
      issuedAt: new Date().toISOString(),
      tokenData: { access_token: "bench-access", token_type: "Bearer", expires_in: 3600 },
    }, target.box.publicKey);
    const now = Date.now();
    const ids = keys.map(() => crypto.randomUUID());
    const records: SessionRecord[] = ids.map((id, i) => ({
      id,
      provider: PROVIDER,
      status: "completed",
      verifyKey: keys[i].verifyKey,
      boxPublicKey: target.boxPublicKey,
      redirectUri: `${target.server.url}/callback`,
      authUrl: `${target.upstream.authorizeUrl}?bench=1`,
      createdAt: now,
      expiresAt: now + 600_000,
      blob,
      finishedAt: now,
    }));
    for (let i = 0; i < records.length; i += 100) {
      await Promise.all(
        records.slice(i, i + 100).map((r) => retryLocked(() => store.createSession(r))),
      );
    }
    const requests = (await Promise.all(ids.map((sessionId, i) =>
      signedGets({
        host: target.host,
        action: "claim",
        sessionId,
        signKey: keys[i].signKey,
        count: 1,
      })
    ))).flat();
    log(`wrote and signed ${count} completed sessions in ${seconds(started)}`);
    return requests;
  } finally {
    kv.close();
  }
}

async function benchClaim(flags: Flags, target: Target): Promise<Row> {
  const warmRequests = await writeCompletedSessions(target, WARMUP_CLAIMS);
  const warm = await runLoad({
    url: target.server.url,
    connections: flags.connections,
    durationMs: WARMUP_MS,
    next: (i) => warmRequests[i],
  });
  const count = Math.ceil(warm.requestsPerSecond * PREPARE_FACTOR * flags.durationMs / 1000);
  const requests = await writeCompletedSessions(target, Math.max(count, WARMUP_CLAIMS));
  const result = await runLoad({
    url: target.server.url,
    connections: flags.connections,
    durationMs: flags.durationMs,
    next: (i) => requests[i],
  });
  warnUnlessOk(`GET /claim (${target.place})`, result);
  return {
    scenario: `GET /claim, once per session [KV ${target.place}]`,
    connections: flags.connections,
    result,
    closedLoop: true,
  };
}

/** Wall times of CLI commands run from source, as an agent would run them. */
async function benchCli(target: Target, tmp: string): Promise<CliTiming[]> {
  const env = {
    CLAWAUTH_SERVER_URL: target.server.url,
    CLAWAUTH_STATE_DIR: `${tmp}/cli-state`,
    CLAWAUTH_KEYCHAIN: "file",
  };
  const commands: { args: string[]; entrypoint?: string }[] = [
    { args: [], entrypoint: `${REPO_ROOT}/tests/bench/noop.ts` },
    { args: ["token", "get", PROVIDER, "--json"] },
    { args: ["login", "start", PROVIDER, "--json"] },
  ];
  /** Each command once per round, interleaved, so load on the machine hits them alike. */
  async function timed(): Promise<CliTiming[]> {
    const timings = commands.map(({ args, entrypoint }) => ({
      command: entrypoint ? "(an empty module: the floor)" : args.join(" "),
      runs: [] as number[],
    }));
    // From here on Deno's module cache is warm.
    for (const { args, entrypoint } of commands) await runCli(args, { env, entrypoint });
    for (let i = 0; i < CLI_RUNS; i++) {
      for (const [index, { args, entrypoint }] of commands.entries()) {
        const t0 = performance.now();
        const result = await runCli(args, { env, entrypoint });
        timings[index].runs.push(performance.now() - t0);
        if (result.code !== 0) {
          throw new Error(`clawauth ${args.join(" ")}: ${result.stdout}${result.stderr}`);
        }
      }
    }
    return timings;
  }
  // One real login stores the token `token get` returns.
  const start = await runCli(["login", "start", PROVIDER, "--json"], { env });
  const { sessionId, shortAuthUrl } = start.json() as { sessionId: string; shortAuthUrl: string };
  const { callbackUrl, cookies } = await authorizeOverHttp(shortAuthUrl);
  const callback = await cookies.fetch(callbackUrl, { method: "GET" });
  await callback.body?.cancel();
  const claim = await runCli(["login", "claim", sessionId, "--json"], { env });
  if (claim.code !== 0) throw new Error(`login claim failed: ${claim.stdout}${claim.stderr}`);
  return await timed();
}

function quantileOf(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function spread(values: number[], digits: number): string {
  return `median ${fixed(median(values), digits)} (${fixed(Math.min(...values), digits)}–${
    fixed(Math.max(...values), digits)
  }, ${values.length} runs)`;
}

function report(
  flags: Flags,
  options: {
    rows: Row[];
    cli: CliTiming[];
    approvals: ApprovalRow[];
    notes: string[];
    elapsedMs: number;
  },
): void {
  const { rows, cli } = options;
  const ceiling = rows.find((r) => r.scenario.startsWith("hello-world ("))?.result;
  const ratio = (r: LoadResult) => ceiling ? r.requestsPerSecond / ceiling.requestsPerSecond : NaN;
  if (rows.length) {
    console.log(formatTable(
      [
        "scenario",
        "conns",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "vs ceiling",
        "vs floor",
        "CPU µs/req",
        "commits/req",
        "answers",
      ],
      rows.map((
        { scenario, connections, result, closedLoop, floorRps, cpuUsPerRequest, commitsPerRequest },
      ) => [
        scenario,
        String(connections),
        String(result.requests),
        fixed(result.requestsPerSecond, 0),
        fixed(result.p50Ms, 2),
        fixed(result.p99Ms, 2),
        closedLoop && ceiling ? `${fixed(ratio(result) * 100, 1)}%` : "-",
        floorRps ? fixed(result.requestsPerSecond / floorRps, 3) : "-",
        cpuUsPerRequest === undefined ? "-" : fixed(cpuUsPerRequest, 0),
        commitsPerRequest === undefined ? "-" : fixed(commitsPerRequest, 3),
        describeStatuses(result) +
        (Number.isFinite(result.lateP99Ms) ? `; sent late p99 ${fixed(result.lateP99Ms, 1)}` : ""),
      ]),
    ));
  }
  if (cli.length) {
    console.log("");
    console.log(formatTable(
      [
        `CLI from source (${CLI_RUNS} runs, interleaved)`,
        "median ms",
        "min ms",
        "max ms",
        "vs empty",
      ],
      cli.map(({ command, runs }) => [
        command.startsWith("(") ? `deno run -A ${command}` : `deno run -A cli/main.ts ${command}`,
        fixed(median(runs), 0),
        fixed(Math.min(...runs), 0),
        fixed(Math.max(...runs), 0),
        fixed(median(runs) / median(cli.find((t) => t.command.startsWith("("))!.runs), 2),
      ]),
    ));
  }
  console.log("");
  for (const note of options.notes) console.log(note);

  if (options.approvals.length) {
    console.log("");
    console.log(formatTable(
      [
        "approval → claimed blob",
        "agents",
        "p50 ms",
        "p90 ms",
        "max ms",
        "status requests per agent (median)",
        `${IDLE_AGENTS} agents waiting in vain: server CPU µs per agent-second`,
        `status requests per agent in ${flags.durationMs / 1000} s`,
      ],
      options.approvals.map(({ place, mode, result, idle }) => [
        `${
          mode === "wait" ? "long-poll GET /status?wait=30" : "poll GET /status every 2 s"
        } [KV ${place}]`,
        String(result.latenciesMs.length),
        fixed(quantileOf(result.latenciesMs, 0.5), 0),
        fixed(quantileOf(result.latenciesMs, 0.9), 0),
        fixed(Math.max(...result.latenciesMs), 0),
        fixed(median(result.statusRequests), 0),
        fixed(idle.cpuUsPerAgentSecond, 0),
        fixed(idle.requestsPerAgent, 1),
      ]),
    ));
  }

  const targets: string[] = [];
  for (const place of ["disk", "tmpfs"]) {
    const ratios = rows.filter((r) => r.floorRps && r.scenario.includes(`[KV ${place}]`))
      .map((r) => r.result.requestsPerSecond / r.floorRps!);
    if (ratios.length === 0) continue;
    const bad = rows.filter((r) => r.floorRps && r.scenario.includes(`[KV ${place}]`))
      .reduce((n, r) => n + r.result.errors + r.result.requests - (r.result.statuses[200] ?? 0), 0);
    const m = median(ratios);
    targets.push(
      `signed status ≥ 0.30 of the verify floor [KV ${place}]: ${
        spread(ratios, 3)
      }, non-200 ${bad}: ${m >= 0.3 && bad === 0 ? "met" : "NOT met"}`,
    );
  }
  for (const row of rows.filter((r) => r.scenario.startsWith("GET /status paced"))) {
    const p99 = row.result.p99Ms;
    targets.push(
      `p99 < 10 ms, ${row.scenario.replace("GET /status paced, ", "")}: ${fixed(p99, 2)} ms ${
        p99 < 10 ? "met" : "NOT met"
      }`,
    );
  }
  for (const approval of options.approvals.filter((a) => a.mode === "wait")) {
    const p50 = quantileOf(approval.result.latenciesMs, 0.5);
    targets.push(
      `approval → claim p50 ≤ 100 ms for a waiting agent [KV ${approval.place}]: ${
        fixed(p50, 0)
      } ms ${p50 <= 100 ? "met" : "NOT met"}`,
    );
  }
  const tokenGet = cli.find((t) => t.command.startsWith("token get"));
  const empty = cli.find((t) => t.command.startsWith("("));
  if (tokenGet && empty) {
    const r = median(tokenGet.runs) / median(empty.runs);
    targets.push(
      `token get ≤ 1.3× an empty module: ${fixed(median(tokenGet.runs), 0)} ms / ${
        fixed(median(empty.runs), 0)
      } ms = ${fixed(r, 2)}× ${r <= 1.3 ? "met" : "NOT met"}`,
    );
  }
  if (targets.length) console.log(["targets:", ...targets].join("\n- "));
  console.log(
    `${navigator.hardwareConcurrency} CPUs; ${(options.elapsedMs / 1000).toFixed(0)} s in all`,
  );
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const started = performance.now();
  const tmp = await Deno.makeTempDir({ prefix: "clawauth-bench-" });
  const rows: Row[] = [];
  const notes: string[] = [];
  let cli: CliTiming[] = [];
  const approvals: ApprovalRow[] = [];
  let upstream: OidcUpstream | undefined;
  let target: Target | undefined;
  try {
    if (flags.only.has("hello")) rows.push(...await benchCeiling(flags, tmp));
    const serverScenarios = [...flags.only].filter((s) => s !== "hello" && s !== "cli");
    const places = flags.kv.filter((place) => {
      if (place !== "tmpfs") return true;
      try {
        return Deno.statSync(TMPFS_DIR).isDirectory;
      } catch {
        notes.push(`no ${TMPFS_DIR}: the tmpfs runs were skipped`);
        return false;
      }
    });
    if (serverScenarios.length > 0 || flags.only.has("cli")) {
      upstream = await startOidcUpstream({ redirectUris: [] });
      for (const [index, place] of places.entries()) {
        target = await startTarget(flags, { place, tmp, upstream });
        if (flags.only.has("init")) rows.push(await benchInit(flags, target));
        if (flags.only.has("status") || flags.only.has("paced")) {
          rows.push(...await benchStatus(flags, target, tmp));
        }
        if (flags.only.has("claim")) rows.push(await benchClaim(flags, target));
        if (flags.only.has("approve")) {
          for (const mode of ["poll", "wait"] as const) {
            log(`approval to claim, ${mode} (${place})`);
            const result = await benchApproval({
              serverUrl: target.server.url,
              provider: PROVIDER,
              boxPublicKey: target.boxPublicKey,
              mode,
              agents: APPROVAL_AGENTS,
            });
            const idle = await benchWaitingCost({
              serverUrl: target.server.url,
              provider: PROVIDER,
              boxPublicKey: target.boxPublicKey,
              mode,
              agents: IDLE_AGENTS,
              durationMs: flags.durationMs,
              cpuUs: () => target!.server.cpuUs(),
            });
            approvals.push({ place, mode, result, idle });
          }
        }
        const rssEndKib = await target.server.rssKib();
        notes.push(
          `server [KV ${place}] RSS: ${(target.rssStartKib / 1024).toFixed(0)} MiB at start, ${
            (rssEndKib / 1024).toFixed(0)
          } MiB after its load`,
        );
        if (index === 0 && flags.only.has("cli")) cli = await benchCli(target, tmp);
        await stopTarget(target);
        target = undefined;
      }
    }
    report(flags, { rows, cli, approvals, notes, elapsedMs: performance.now() - started });
  } finally {
    if (target) await stopTarget(target).catch(() => {});
    await upstream?.close().catch(() => {});
    // BENCH_KEEP=1 keeps the server logs (request durations) for a look afterwards.
    if (Deno.env.get("BENCH_KEEP") === "1") log(`kept ${tmp}`);
    else await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) await main();
