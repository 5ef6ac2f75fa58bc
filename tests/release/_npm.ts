// Running npm, npx and node for the npm packaging test, with a private npm cache and no network.

export interface Ran {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** The environment npm runs in: a private cache, offline, no notifier, audit or funding. */
export function npmEnv(cache: string): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    npm_config_cache: cache,
    npm_config_offline: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    npm_config_loglevel: "error",
    NO_COLOR: "1",
  };
}

/** Runs a command to completion with `stdin` (or none). */
export async function runTool(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; stdin?: string },
): Promise<Ran> {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: options.env,
    clearEnv: true,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const result = await child.output();
  const decoder = new TextDecoder();
  return {
    code: result.code,
    signal: result.signal,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
  };
}

/** Fails with a clear message when `tool` is not on PATH. */
export async function requireTool(tool: string, why: string): Promise<void> {
  try {
    const { success } = await new Deno.Command(tool, {
      args: ["--version"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    if (success) return;
  } catch {
    // not found
  }
  throw new Error(
    `${tool} is not on PATH: ${why}. Install Node.js and npm (Debian: apt-get install nodejs npm; ` +
      `.ci/run does this on CI).`,
  );
}
