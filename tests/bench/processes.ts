/**
 * Runs a server for the benchmark as its own process, like production: its stdout and stderr go
 * to a log file (so the benchmark process spends nothing reading them), and its address comes
 * from the `{"msg":"listening","url":...}` line it prints.
 */

/** A running server process. */
export interface BenchProcess {
  url: string;
  pid: number;
  logPath: string;
  /** Resident memory of the process in KiB (Linux `/proc/<pid>/status` VmRSS). */
  rssKib(): Promise<number>;
  /** CPU time the process used so far, all threads, user + system, in µs (`/proc/<pid>/stat`). */
  cpuUs(): Promise<number>;
  /**
   * The clawauth server's KV stats: sends SIGUSR1 and reads the `{"msg":"stats"}` line it logs.
   */
  kvStats(): Promise<{ nonceCommits: number; nonces: number }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(options?: { graceMs?: number }): Promise<Deno.CommandStatus>;
}

/** Options of {@linkcode startBenchProcess}. */
export interface StartBenchProcessOptions {
  /** Arguments of `deno` (`["run", "-A", "server/main.ts"]`). */
  args: string[];
  env: Record<string, string>;
  logPath: string;
  cwd?: string;
  /** Default 60 s. */
  timeoutMs?: number;
}

/** Reads VmRSS of `pid` in KiB. */
export async function readRssKib(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/** Linux clock ticks per second of `/proc/<pid>/stat` (USER_HZ; 100 on every common build). */
const CLOCK_TICKS = 100;

/** CPU time (user + system, all threads) of `pid` in µs. */
export async function readCpuUs(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  // Fields after the command name (which may hold spaces) start at ") ".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS * 1e6;
}

async function readKvStats(pid: number, logPath: string) {
  const before = (await Deno.readTextFile(logPath)).length;
  Deno.kill(pid, "SIGUSR1");
  for (let i = 0; i < 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const text = (await Deno.readTextFile(logPath)).slice(before);
    const line = text.split("\n").find((l) => l.includes('"msg":"stats"'));
    if (line) return JSON.parse(line) as { nonceCommits: number; nonces: number };
  }
  throw new Error(`no stats line from pid ${pid}`);
}

/** Starts `deno ...args` with output appended to `logPath`; resolves once it listens. */
export async function startBenchProcess(options: StartBenchProcessOptions): Promise<BenchProcess> {
  await Deno.writeTextFile(options.logPath, "");
  // `exec` keeps the pid of the shell, so signals reach deno itself.
  const child = new Deno.Command("sh", {
    args: ["-c", 'exec "$0" "$@" >>"$BENCH_LOG_PATH" 2>&1', Deno.execPath(), ...options.args],
    cwd: options.cwd,
    env: { ...options.env, BENCH_LOG_PATH: options.logPath, NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited: Deno.CommandStatus | undefined;
  const status = child.status.then((s) => (exited = s));

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let url: string | undefined;
  while (url === undefined) {
    const log = await Deno.readTextFile(options.logPath);
    const line = log.split("\n").find((l) => l.startsWith('{"msg":"listening"'));
    if (line) {
      url = JSON.parse(line).url;
      break;
    }
    if (exited !== undefined || Date.now() > deadline) {
      if (exited === undefined) child.kill("SIGKILL");
      await status;
      throw new Error(`deno ${options.args.join(" ")} did not start:\n${log.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  return {
    url: url!,
    pid: child.pid,
    logPath: options.logPath,
    rssKib: () => readRssKib(child.pid),
    cpuUs: () => readCpuUs(child.pid),
    kvStats: () => readKvStats(child.pid, options.logPath),
    async stop({ graceMs = 10_000 } = {}) {
      if (exited === undefined) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => {
          if (exited === undefined) child.kill("SIGKILL");
        }, graceMs);
        await status;
        clearTimeout(timer);
      }
      return exited!;
    },
  };
}
