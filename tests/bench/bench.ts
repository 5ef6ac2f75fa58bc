/**
 * `deno task bench`: measures the clawauth server under load and the CLI's wall time, and prints
 * one table.
 *
 * The server runs as its own process (`deno run server/main.ts`, as in production; request logs
 * go to a file), on a KV SQLite file, with the demo OpenID provider (server/demo/oidc_upstream.ts)
 * as provider `demo`. The load generator (./load.ts) runs in this process and drives:
 *
 * | scenario | what |
 * |---|---|
 * | hello-world | a bare `Deno.serve` process (./hello_server.ts): the ceiling |
 * | POST /init | `CLAWAUTH_INIT_RATE_LIMIT=0` |
 * | GET /status | 200 sessions, one connection each, signed, closed loop (`CLAWAUTH_POLL_RATE_LIMIT=0`) |
 * | GET /status paced | 200 sessions each polling 4 times a second (the rate the server must allow) |
 * | GET /claim | completed sessions written ahead through the server's store, one claim each |
 *
 * then the CLI from source: median of 10 runs of `token get demo --json` (stored token, no
 * refresh; file keychain) and of `login start demo --json`.
 *
 * Flags: `--duration <s>` per scenario (default 5), `--connections <n>` (default 200),
 * `--only <a,b>` (hello,init,status,paced,claim,cli), `--profile <dir>` (runs the server with
 * `--cpu-prof` into `<dir>`; summarise with `deno run -A tests/bench/profile_summary.ts <dir>`).
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
import { type BenchProcess, startBenchProcess } from "./processes.ts";
import { createSigningKeys, signedGets } from "./signed_requests.ts";

const SCENARIOS = ["hello", "init", "status", "paced", "claim", "cli"] as const;
type Scenario = typeof SCENARIOS[number];

const WARMUP_MS = 1_000;
/** Sessions polling at once, one connection each. */
const POLLING_SESSIONS = 200;
/** The rate (polls/s) the server must allow a session: the paced scenario polls at it. */
const POLL_INTERVAL_MS = 250;
/** Signed requests prepared per second of the closed-loop runs (more than the server does). */
const STATUS_RATE_BUDGET = 15_000;
const CLAIM_RATE_BUDGET = 5_000;
const CLI_RUNS = 10;
const PROVIDER = "demo";

interface CliTiming {
  command: string;
  runs: number[];
}

interface Row {
  scenario: string;
  connections: number;
  result: LoadResult;
  /** Ratio to the ceiling is meaningful for closed-loop runs only. */
  closedLoop: boolean;
}

function parseFlags(): Flags {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      duration: { type: "string", default: "5" },
      connections: { type: "string", default: "200" },
      only: { type: "string" },
      profile: { type: "string" },
    },
  });
  const only = values.only?.split(",").map((s) => s.trim()) ?? [...SCENARIOS];
  for (const name of only) {
    if (!SCENARIOS.includes(name as Scenario)) {
      throw new Error(`--only: unknown scenario ${name} (known: ${SCENARIOS.join(", ")})`);
    }
  }
  return {
    durationMs: Number(values.duration) * 1000,
    connections: Number(values.connections),
    only: new Set(only as Scenario[]),
    profileDir: values.profile,
  };
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

function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join(" | ") +
    " |";
  const rule = "|" +
    widths.map((w, i) => (i === 0 ? "-" : "") + "-".repeat(w) + (i === 0 ? "-" : ":"))
      .join("|") +
    "|";
  return [line(header), rule, ...rows.map(line)].join("\n");
}

function describeStatuses(result: LoadResult): string {
  const parts = Object.entries(result.statuses).map(([status, n]) => `${status}×${n}`);
  if (result.errors) parts.push(`errors×${result.errors}`);
  return parts.join(" ");
}

function checkAllOk(name: string, result: LoadResult, ok: (status: number) => boolean): void {
  const bad = Object.entries(result.statuses).filter(([status]) => !ok(Number(status)));
  if (bad.length > 0 || result.errors > 0) {
    log(`WARNING: ${name} had unexpected answers: ${describeStatuses(result)}`);
  }
}

/** Warm-up then measured closed-loop run of the same request. */
async function steadyLoad(options: {
  url: string;
  connections: number;
  durationMs: number;
  request: Uint8Array;
}): Promise<LoadResult> {
  const next = () => options.request;
  await runLoad({
    url: options.url,
    connections: options.connections,
    durationMs: WARMUP_MS,
    next,
  });
  return await runLoad({
    url: options.url,
    connections: options.connections,
    durationMs: options.durationMs,
    next,
  });
}

interface Flags {
  durationMs: number;
  connections: number;
  only: Set<Scenario>;
  profileDir?: string;
}

/** The clawauth server under test and what the scenarios share. */
interface Target {
  server: BenchProcess;
  host: string;
  kvPath: string;
  upstream: OidcUpstream;
  box: nacl.BoxKeyPair;
  boxPublicKey: string;
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
    checkAllOk("hello-world", ceiling, (s) => s === 200);
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
        scenario: `hello-world paced (${POLLING_SESSIONS} × ${1000 / POLL_INTERVAL_MS}/s)`,
        connections: POLLING_SESSIONS,
        result: paced,
        closedLoop: false,
      },
    ];
  } finally {
    await hello.stop();
  }
}

async function startTarget(flags: Flags, tmp: string): Promise<Target> {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const kvPath = `${tmp}/kv.sqlite`;
  const args = ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write"];
  if (flags.profileDir) {
    await Deno.mkdir(flags.profileDir, { recursive: true });
    args.push("--cpu-prof", `--cpu-prof-dir=${flags.profileDir}`);
  }
  args.push(`--config=${REPO_ROOT}/deno.json`, `${REPO_ROOT}/server/main.ts`);
  let server: BenchProcess;
  try {
    server = await startBenchProcess({
      args,
      cwd: tmp,
      env: {
        PORT: "0",
        STATE_SIGNING_SECRET: encodeBase64(crypto.getRandomValues(new Uint8Array(32))),
        CLAWAUTH_KV_PATH: kvPath,
        CLAWAUTH_INIT_RATE_LIMIT: "0",
        CLAWAUTH_POLL_RATE_LIMIT: "0",
        CLAWAUTH_PROVIDERS: JSON.stringify([{
          name: PROVIDER,
          type: "oidc",
          issuer: upstream.issuer,
          clientId: upstream.client.clientId,
          clientSecret: upstream.client.clientSecret,
        }]),
      },
      logPath: `${tmp}/server.log`,
    });
  } catch (error) {
    await upstream.close();
    throw error;
  }
  upstream.addRedirectUri(`${server.url}/callback`);
  log(`server at ${server.url} (KV ${kvPath}), demo provider at ${upstream.issuer}`);
  const box = nacl.box.keyPair();
  return {
    server,
    host: new URL(server.url).host,
    kvPath,
    upstream,
    box,
    boxPublicKey: encodeBase64(box.publicKey),
  };
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
  checkAllOk("POST /init", result, (s) => s === 200);
  return { scenario: "POST /init", connections: flags.connections, result, closedLoop: true };
}

/** Pending sessions made through `/init`, each with its own signing key. */
async function createPendingSessions(target: Target, count: number) {
  const keys = await createSigningKeys(count);
  const ids: string[] = [];
  for (const key of keys) {
    const response = await fetch(`${target.server.url}/init`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        provider: PROVIDER,
        verifyKey: key.verifyKey,
        boxPublicKey: target.boxPublicKey,
      }),
    });
    if (!response.ok) throw new Error(`/init: ${response.status} ${await response.text()}`);
    ids.push((await response.json()).sessionId);
  }
  return ids.map((id, i) => ({ id, signKey: keys[i].signKey }));
}

/** Per session (= per connection), `perSession` signed status requests. */
function prepareStatusQueues(
  target: Target,
  sessions: { id: string; signKey: CryptoKey }[],
  perSession: number,
): Promise<Uint8Array[][]> {
  return Promise.all(sessions.map((session) =>
    signedGets({
      host: target.host,
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

async function benchStatus(flags: Flags, target: Target): Promise<Row[]> {
  const sessions = await createPendingSessions(target, POLLING_SESSIONS);
  const rows: Row[] = [];
  if (flags.only.has("status")) {
    // Enough for STATUS_RATE_BUDGET requests/s; a run that uses them up ends early (its rate is
    // still right: requests / elapsed time).
    const perSession = Math.ceil(STATUS_RATE_BUDGET * flags.durationMs / 1000 / POLLING_SESSIONS);
    log(`signing ${perSession * POLLING_SESSIONS} status requests`);
    const warm = await prepareStatusQueues(target, sessions, Math.ceil(perSession / 5));
    await runLoad({
      url: target.server.url,
      connections: POLLING_SESSIONS,
      durationMs: WARMUP_MS,
      next: fromQueues(warm),
    });
    const queues = await prepareStatusQueues(target, sessions, perSession);
    const result = await runLoad({
      url: target.server.url,
      connections: POLLING_SESSIONS,
      durationMs: flags.durationMs,
      next: fromQueues(queues),
    });
    checkAllOk("GET /status", result, (s) => s === 200);
    rows.push({
      scenario: `GET /status signed (${POLLING_SESSIONS} sessions)`,
      connections: POLLING_SESSIONS,
      result,
      closedLoop: true,
    });
  }
  if (flags.only.has("paced")) {
    const perSession = Math.ceil(flags.durationMs / POLL_INTERVAL_MS) + 1;
    const queues = await prepareStatusQueues(target, sessions, perSession);
    const result = await runLoad({
      url: target.server.url,
      connections: POLLING_SESSIONS,
      durationMs: flags.durationMs,
      intervalMs: POLL_INTERVAL_MS,
      next: fromQueues(queues),
    });
    checkAllOk("GET /status paced", result, (s) => s === 200);
    rows.push({
      scenario: `GET /status paced (${POLLING_SESSIONS} × ${1000 / POLL_INTERVAL_MS}/s)`,
      connections: POLLING_SESSIONS,
      result,
      closedLoop: false,
    });
  }
  return rows;
}

async function benchClaim(flags: Flags, target: Target): Promise<Row> {
  // Completed sessions, written ahead through the server's own store into its KV file.
  const count = Math.ceil(CLAIM_RATE_BUDGET * (flags.durationMs + WARMUP_MS) / 1000);
  log(`writing ${count} completed sessions`);
  const keys = await createSigningKeys(count);
  const kv = await Deno.openKv(target.kvPath);
  let requests: Uint8Array[];
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
      await Promise.all(records.slice(i, i + 100).map((r) => store.createSession(r)));
    }
    requests = (await Promise.all(ids.map((sessionId, i) =>
      signedGets({
        host: target.host,
        action: "claim",
        sessionId,
        signKey: keys[i].signKey,
        count: 1,
      })
    ))).flat();
  } finally {
    kv.close();
  }
  const warmupCount = Math.ceil(requests.length * WARMUP_MS / (flags.durationMs + WARMUP_MS));
  await runLoad({
    url: target.server.url,
    connections: flags.connections,
    requests: warmupCount,
    next: (i) => requests[i],
  });
  const measured = requests.slice(warmupCount);
  const result = await runLoad({
    url: target.server.url,
    connections: flags.connections,
    durationMs: flags.durationMs,
    next: (i) => measured[i],
  });
  checkAllOk("GET /claim", result, (s) => s === 200);
  return {
    scenario: "GET /claim (completed, once each)",
    connections: flags.connections,
    result,
    closedLoop: true,
  };
}

/** Median-of-10 wall times of CLI commands run from source, as a user (or agent) would. */
async function benchCli(target: Target, tmp: string): Promise<CliTiming[]> {
  const env = {
    CLAWAUTH_SERVER_URL: target.server.url,
    CLAWAUTH_STATE_DIR: `${tmp}/cli-state`,
    CLAWAUTH_KEYCHAIN: "file",
  };
  async function timed(args: string[]): Promise<CliTiming> {
    await runCli(args, { env }); // Deno's module cache is warm from here on
    const runs: number[] = [];
    for (let i = 0; i < CLI_RUNS; i++) {
      const t0 = performance.now();
      const result = await runCli(args, { env });
      runs.push(performance.now() - t0);
      if (result.code !== 0) {
        throw new Error(`clawauth ${args.join(" ")}: ${result.stdout}${result.stderr}`);
      }
    }
    return { command: args.join(" "), runs };
  }
  // One real login stores the token `token get` returns.
  const start = await runCli(["login", "start", PROVIDER, "--json"], { env });
  const { sessionId, shortAuthUrl } = start.json() as { sessionId: string; shortAuthUrl: string };
  const { callbackUrl, cookies } = await authorizeOverHttp(shortAuthUrl);
  const callback = await cookies.fetch(callbackUrl, { method: "GET" });
  await callback.body?.cancel();
  const claim = await runCli(["login", "claim", sessionId, "--json"], { env });
  if (claim.code !== 0) throw new Error(`login claim failed: ${claim.stdout}${claim.stderr}`);
  return [
    await timed(["token", "get", PROVIDER, "--json"]),
    await timed(["login", "start", PROVIDER, "--json"]),
  ];
}

function report(options: {
  rows: Row[];
  cli: CliTiming[];
  rss: { start: number; end: number } | undefined;
  elapsedMs: number;
}): void {
  const { rows, cli, rss } = options;
  const ceiling = rows.find((r) => r.scenario.startsWith("hello-world ("))?.result;
  const ratio = (r: LoadResult) => ceiling ? r.requestsPerSecond / ceiling.requestsPerSecond : NaN;
  console.log(formatTable(
    ["scenario", "conns", "requests", "req/s", "p50 ms", "p99 ms", "ratio", "answers"],
    rows.map(({ scenario, connections, result, closedLoop }) => [
      scenario,
      String(connections),
      String(result.requests),
      fixed(result.requestsPerSecond, 0),
      fixed(result.p50Ms, 2),
      fixed(result.p99Ms, 2),
      closedLoop && ceiling ? `${fixed(ratio(result) * 100, 1)}%` : "-",
      describeStatuses(result),
    ]),
  ));
  if (cli.length) {
    console.log("");
    console.log(formatTable(
      [`CLI from source, ${CLI_RUNS} runs`, "median ms", "min ms", "max ms"],
      cli.map(({ command, runs }) => [
        `deno run -A cli/main.ts ${command}`,
        fixed(median(runs), 0),
        fixed(Math.min(...runs), 0),
        fixed(Math.max(...runs), 0),
      ]),
    ));
  }
  console.log("");
  const facts = [`${navigator.hardwareConcurrency} CPUs`];
  if (rss) {
    facts.push(
      `server RSS ${(rss.start / 1024).toFixed(0)} MiB at start, ${
        (rss.end / 1024).toFixed(0)
      } MiB after the load`,
    );
  }
  facts.push(`${(options.elapsedMs / 1000).toFixed(0)} s in all`);
  console.log(facts.join("; "));

  const targets: string[] = [];
  const status = rows.find((r) => r.scenario.startsWith("GET /status signed"));
  if (status && ceiling) {
    const share = ratio(status.result);
    targets.push(
      `signed status ≥ 40% of ceiling: ${fixed(share * 100, 1)}% ${
        share >= 0.4 ? "met" : "NOT met"
      }`,
    );
  }
  const paced = rows.find((r) => r.scenario.startsWith("GET /status paced"));
  if (paced) {
    const p99 = paced.result.p99Ms;
    targets.push(
      `p99 < 10 ms with ${POLLING_SESSIONS} sessions polling: ${fixed(p99, 2)} ms ${
        p99 < 10 ? "met" : "NOT met"
      }`,
    );
  }
  const tokenGet = cli.find((t) => t.command.startsWith("token get"));
  if (tokenGet) {
    const m = median(tokenGet.runs);
    targets.push(`token get < 150 ms: ${fixed(m, 0)} ms ${m < 150 ? "met" : "NOT met"}`);
  }
  if (targets.length) console.log(`targets: ${targets.join("; ")}`);
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const started = performance.now();
  const tmp = await Deno.makeTempDir({ prefix: "clawauth-bench-" });
  const rows: Row[] = [];
  let cli: CliTiming[] = [];
  let rss: { start: number; end: number } | undefined;
  let target: Target | undefined;
  try {
    if (flags.only.has("hello")) rows.push(...await benchCeiling(flags, tmp));
    const needsServer = [...flags.only].some((s) => s !== "hello");
    if (needsServer) {
      target = await startTarget(flags, tmp);
      const rssStart = await target.server.rssKib();
      if (flags.only.has("init")) rows.push(await benchInit(flags, target));
      if (flags.only.has("status") || flags.only.has("paced")) {
        rows.push(...await benchStatus(flags, target));
      }
      if (flags.only.has("claim")) rows.push(await benchClaim(flags, target));
      rss = { start: rssStart, end: await target.server.rssKib() };
      if (flags.only.has("cli")) cli = await benchCli(target, tmp);
      const status = await target.server.stop();
      if (!status.success) log(`WARNING: the server exited with ${status.code}`);
    }
    report({ rows, cli, rss, elapsedMs: performance.now() - started });
  } finally {
    await target?.server.stop().catch(() => {});
    await target?.upstream.close().catch(() => {});
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) await main();
