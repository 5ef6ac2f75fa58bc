/**
 * Runs a keychain tool (`security`, `secret-tool`, PowerShell) as a child process with a time
 * limit. Secrets travel on stdin only: callers put nothing secret in `args`.
 */
import { ClawauthError } from "../../shared/errors.ts";

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

/** Runs one child process; injectable so selection logic can be tested without the tools. */
export type CommandRunner = (options: RunCommandOptions) => Promise<RunCommandResult>;

/** A non-secret description of the call for messages: the tool and its first argument. */
function describe(options: RunCommandOptions): string {
  const first = options.args.find((arg) => !arg.startsWith("-"));
  return first ? `${options.command} ${first}` : options.command;
}

/**
 * Spawns `command`, writes `stdin`, waits for exit. Throws ClawauthError `keychain_timeout`
 * when the time limit passes (the child is killed) and `keychain_unavailable` when the tool
 * cannot be started.
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
      signal,
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
  // The signal sends SIGTERM; a tool that ignores it gets SIGKILL a moment later.
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const escalate = () => {
    killTimer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }, KILL_GRACE_MS);
  };
  signal.addEventListener("abort", escalate, { once: true });
  try {
    return await finish(child, options, signal);
  } finally {
    signal.removeEventListener("abort", escalate);
    clearTimeout(killTimer);
  }
}

async function finish(
  child: Deno.ChildProcess,
  options: RunCommandOptions,
  signal: AbortSignal,
): Promise<RunCommandResult> {
  const writer = child.stdin.getWriter();
  try {
    if (options.stdin !== undefined && options.stdin !== "") {
      await writer.write(new TextEncoder().encode(options.stdin));
    }
    await writer.close();
  } catch {
    // The child exited without reading all of stdin; its exit status says what happened.
  }
  let output: Deno.CommandOutput;
  try {
    output = await child.output();
  } catch (error) {
    if (signal.aborted) throw timeoutError(options, error);
    throw new ClawauthError(
      "keychain_error",
      `'${describe(options)}' failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (signal.aborted) throw timeoutError(options);
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

function timeoutError(options: RunCommandOptions, cause?: unknown): ClawauthError {
  return new ClawauthError(
    "keychain_timeout",
    `'${describe(options)}' did not answer within ${
      options.timeoutMs / 1000
    } s (is the keychain locked or waiting for a prompt?)`,
    { cause },
  );
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
