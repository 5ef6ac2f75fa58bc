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
