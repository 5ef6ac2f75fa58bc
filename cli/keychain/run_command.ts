/**
 * Runs a keychain tool (`security`, `secret-tool`, PowerShell) as a child process with a time
 * limit. Secrets travel on stdin only: callers put nothing secret in `args`.
 */
import { ClawauthError } from "../../shared/errors.ts";

/** After the time limit the child gets SIGTERM, then SIGKILL this much later. */
const KILL_GRACE_MS = 1_000;

/** What to run. `stdin` is written then closed; the child sees EOF after it. */
export interface RunCommandOptions {
  command: string;
  args: string[];
  stdin?: string;
  /** Extra environment, merged over this process's environment. */
  env?: Record<string, string>;
  timeoutMs: number;
}

/** Exit code and captured output (UTF-8). */
export interface RunCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one child process; injectable so callers can wrap or record calls. */
export type CommandRunner = (options: RunCommandOptions) => Promise<RunCommandResult>;

/** Options shared by the shell-out backends. */
export interface ShellKeychainOptions {
  /** The tool to run (tests point this at a stand-in executable). */
  command?: string;
  /** Extra environment for the tool (e.g. `DBUS_SESSION_BUS_ADDRESS`). */
  env?: Record<string, string>;
  /** Time limit of each call (default 20 s). */
  timeoutMs?: number;
  /** Runs the child process (default: {@linkcode runCommand}). */
  runner?: CommandRunner;
}

export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 20_000;

/** One backend's tool with its options applied: call it with arguments and stdin. */
export type BoundTool = (args: string[], stdin?: string) => Promise<RunCommandResult>;

/** Applies a backend's options (or its defaults) to every call of its tool. */
export function bindTool(
  options: ShellKeychainOptions,
  defaults: { command: string; timeoutMs?: number },
): BoundTool {
  const command = options.command ?? defaults.command;
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const runner = options.runner ?? runCommand;
  const env = options.env;
  return (args, stdin) => runner({ command, args, stdin, env, timeoutMs });
}

/** A non-secret description of the call for messages: the tool and its first argument. */
function describe(options: RunCommandOptions): string {
  const first = options.args.find((arg) => !arg.startsWith("-"));
  return first ? `${options.command} ${first}` : options.command;
}

function timeoutError(options: RunCommandOptions): ClawauthError {
  return new ClawauthError(
    "keychain_timeout",
    `'${describe(options)}' did not answer within ${
      options.timeoutMs / 1000
    } s (is the keychain locked or waiting for a prompt?)`,
    { details: { transient: true } },
  );
}

interface Collector {
  text: Promise<string>;
  cancel(): Promise<void>;
}

function collect(stream: ReadableStream<Uint8Array>): Collector {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const text = (async () => {
    let out = "";
    while (true) {
      const { value, done } = await reader.read();
      if (done) return out + decoder.decode();
      out += decoder.decode(value, { stream: true });
    }
  })();
  text.catch(() => {});
  return { text, cancel: () => reader.cancel().catch(() => {}) };
}

/**
 * Spawns `command`, writes `stdin`, waits for exit. Throws ClawauthError `keychain_timeout`
 * when the time limit (`AbortSignal.timeout`) passes, after killing the child, and
 * `keychain_unavailable` when the tool cannot be started.
 */
export async function runCommand(options: RunCommandOptions): Promise<RunCommandResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(options.command, {
      args: options.args,
      env: options.env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    const missing = error instanceof Deno.errors.NotFound;
    throw new ClawauthError(
      "keychain_unavailable",
      missing
        ? `'${options.command}' was not found; it is needed for the keychain`
        : `could not start '${options.command}': ${(error as Error).message}`,
      { cause: error },
    );
  }

  let killTimer: ReturnType<typeof setTimeout> | undefined;
  let rejectAborted!: (error: ClawauthError) => void;
  const aborted = new Promise<never>((_, reject) => rejectAborted = reject);
  aborted.catch(() => {});
  function onAbort(): void {
    kill(child, "SIGTERM");
    killTimer = setTimeout(() => kill(child, "SIGKILL"), KILL_GRACE_MS);
    rejectAborted(timeoutError(options));
  }
  signal.addEventListener("abort", onAbort, { once: true });

  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  try {
    const writer = child.stdin.getWriter();
    const write = (async () => {
      try {
        if (options.stdin) await writer.write(new TextEncoder().encode(options.stdin));
        await writer.close();
      } catch {
        // The child exited without reading all of stdin; its exit status says what happened.
      }
    })();
    // A grandchild that inherited the pipes could keep them open after the tool is killed,
    // so the time limit also bounds the reads, not just the exit.
    const [status, out, err] = await Promise.race([
      Promise.all([child.status, stdout.text, stderr.text, write]),
      aborted,
    ]);
    return { code: status.code, stdout: out, stderr: err };
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (signal.aborted) {
      // Reap the killed child and drop the pipes so nothing stays pending.
      await child.status;
      clearTimeout(killTimer);
      await Promise.all([stdout.cancel(), stderr.cancel()]);
    }
    clearTimeout(killTimer);
  }
}

function kill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // already gone
  }
}

/** Drops undefined values so an env snapshot can be passed to a child process. */
export function definedEnv(
  env: Record<string, string | undefined> | undefined,
): Record<string, string> | undefined {
  if (!env) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === "string") out[key] = value;
  }
  return out;
}
