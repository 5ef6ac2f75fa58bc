/**
 * `clawauth exec <provider> -- <command> [args…]`: runs one command with a valid token in its
 * environment only (the `aws-vault exec` / `op run` pattern), so the agent never sees it.
 *
 *   clawauth exec github -- gh api user
 *   clawauth exec demo --profile work -- sh -c 'curl -sH "Authorization: Bearer $CLAWAUTH_ACCESS_TOKEN" …'
 */
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { parseProfileName, parseProviderName, usageError } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import { envPrefix } from "../flows/agent_spec.ts";
import { parseProfileId } from "../store/profiles.ts";

export const EXEC_USAGE = `Usage: clawauth exec <provider> [--profile <name>] -- <command> [args...]

Runs <command> with a valid access token (refreshed first when about to expire) in that
command's environment only. The token is never printed and never put on a command line.
stdin, stdout and stderr are the command's own; its exit code is clawauth's exit code
(killed by a signal: 128 + the signal number); SIGINT, SIGTERM and SIGHUP are forwarded.

Variables set for the command:
  CLAWAUTH_ACCESS_TOKEN, <PROVIDER>_ACCESS_TOKEN (e.g. GITHUB_ACCESS_TOKEN),
  the provider's own tool variables from the registry (e.g. GH_TOKEN for github),
  CLAWAUTH_PROVIDER, CLAWAUTH_TOKEN_TYPE, CLAWAUTH_EXEC (the profile id; exec refuses to
  run inside another exec). Variables of the same names inherited from the caller are
  removed first. No refresh token is passed.

Options:
  --profile <name>   which account of the provider (default: the provider's order, else last used)

Errors (before the command starts): token_not_found, needs_login, transient_error,
exec_nested, exec_failed (command not found or not executable), usage.

Examples:
  clawauth exec github -- gh api user
  clawauth exec github --profile work -- git push
  clawauth exec demo -- sh -c 'curl -s -H "Authorization: Bearer $CLAWAUTH_ACCESS_TOKEN" https://idp.example/me'
`;

/** Set in the child's environment; its presence makes `exec` refuse to nest. */
export const EXEC_MARKER_ENV = "CLAWAUTH_EXEC";

/** Signals forwarded to the child. */
export const FORWARDED_SIGNALS: readonly Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Parsed `exec` arguments. */
export interface ExecArgs {
  provider: string;
  profile?: string;
  command: string;
  args: string[];
}

/** Parses `exec <provider> [--profile <name>] -- <command> [args…]`. */
export function parseExecArgs(argv: string[]): ExecArgs {
  const dashes = argv.indexOf("--");
  if (dashes === -1) {
    throw usageError(
      "missing `--` before the command: usage: clawauth exec <provider> [--profile <name>] -- <command> [args...]",
    );
  }
  const before = argv.slice(0, dashes);
  const child = argv.slice(dashes + 1);
  let provider: string | undefined;
  let profile: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const arg = before[i];
    if (arg === "--profile" || arg.startsWith("--profile=")) {
      const value = arg === "--profile" ? before[++i] : arg.slice("--profile=".length);
      if (value === undefined || value === "") {
        throw usageError("--profile needs a value: --profile <name>");
      }
      profile = parseProfileName(value);
    } else if (arg.startsWith("-")) {
      throw usageError(
        `unknown option ${
          JSON.stringify(arg.split("=")[0])
        } for \`clawauth exec\` (accepted before --: --profile <name>, --json); run \`clawauth exec --help\``,
      );
    } else if (provider === undefined) {
      provider = arg.includes(":") ? parseProfileId(arg).id : parseProviderName(arg);
    } else {
      throw usageError(
        `unexpected argument ${
          JSON.stringify(arg)
        } before --: usage: clawauth exec <provider> [--profile <name>] -- <command> [args...]`,
      );
    }
  }
  if (provider === undefined) {
    throw usageError(
      "missing <provider>: usage: clawauth exec <provider> [--profile <name>] -- <command> [args...]",
    );
  }
  if (child.length === 0 || child[0] === "") {
    throw usageError(
      "missing <command> after --: usage: clawauth exec <provider> -- <command> [args...]",
    );
  }
  return {
    provider,
    ...(profile !== undefined ? { profile } : {}),
    command: child[0],
    args: child.slice(1),
  };
}

/** What {@linkcode buildExecEnv} puts in the child's environment. */
export interface ExecTokenInfo {
  provider: string;
  profileId: string;
  accessToken: string;
  tokenType?: string;
  toolEnv: readonly string[];
}

/**
 * The child's environment: a copy of `base` without any variable that would carry another
 * token under the names exec sets, plus the token variables and the nesting marker.
 */
export function buildExecEnv(
  base: Record<string, string | undefined>,
  token: ExecTokenInfo,
): Record<string, string> {
  const prefix = envPrefix(token.provider);
  const tokenNames = [
    "CLAWAUTH_ACCESS_TOKEN",
    `${prefix}_ACCESS_TOKEN`,
    ...token.toolEnv,
  ];
  const conflicting = new Set([
    ...tokenNames,
    "CLAWAUTH_REFRESH_TOKEN",
    `${prefix}_REFRESH_TOKEN`,
    "CLAWAUTH_TOKEN_TYPE",
    "CLAWAUTH_PROVIDER",
    EXEC_MARKER_ENV,
  ]);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !conflicting.has(name)) env[name] = value;
  }
  for (const name of tokenNames) env[name] = token.accessToken;
  env.CLAWAUTH_PROVIDER = token.provider;
  env.CLAWAUTH_TOKEN_TYPE = token.tokenType ?? "Bearer";
  env[EXEC_MARKER_ENV] = token.profileId;
  return env;
}

/** Exit code of a child that a signal killed: 128 + its number (Linux numbering). */
export function signalExitCode(status: Deno.CommandStatus): number {
  if (status.signal === null) return status.code;
  return status.code >= 128 ? status.code : 128 + (SIGNAL_NUMBERS[status.signal] ?? 0);
}

const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

/** Runs the child with stdio inherited, forwarding signals; resolves to its exit code. */
async function runChild(
  ctx: CliContext,
  { args, env }: { args: ExecArgs; env: Record<string, string> },
): Promise<number> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(args.command, {
      args: args.args,
      env,
      clearEnv: true,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (error) {
    throw new ClawauthError(
      ERROR_CODES.EXEC_FAILED,
      `cannot run ${JSON.stringify(args.command)}: ${
        error instanceof Deno.errors.NotFound
          ? "command not found (check PATH)"
          : error instanceof Deno.errors.PermissionDenied
          ? "permission denied (not executable)"
          : error instanceof Error
          ? error.message
          : String(error)
      }`,
      { cause: error },
    );
  }
  const listeners: Array<[Deno.Signal, () => void]> = [];
  if (Deno.build.os !== "windows") {
    for (const signal of FORWARDED_SIGNALS) {
      const forward = () => {
        try {
          child.kill(signal);
        } catch {
          // already exited
        }
      };
      Deno.addSignalListener(signal, forward);
      listeners.push([signal, forward]);
    }
  }
  try {
    const status = await child.status;
    if (ctx.env.CLAWAUTH_DEBUG) {
      ctx.stderr(`clawauth: exec: ${args.command} exited with ${JSON.stringify(status)}\n`);
    }
    return signalExitCode(status);
  } finally {
    for (const [signal, forward] of listeners) Deno.removeSignalListener(signal, forward);
  }
}

/** `clawauth exec`. */
export async function runExec(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const args = parseExecArgs(argv);
  if (ctx.env[EXEC_MARKER_ENV]) {
    throw new ClawauthError(
      ERROR_CODES.EXEC_NESTED,
      `already inside \`clawauth exec\` (${EXEC_MARKER_ENV}=${
        JSON.stringify(ctx.env[EXEC_MARKER_ENV]!.slice(0, 80))
      }); run the command directly, or start it outside the other exec`,
    );
  }
  const [{ getValidToken }, { resolveAgentSpec }] = await Promise.all([
    import("../flows/refresh.ts"),
    import("../flows/agent_spec.ts"),
  ]);
  const { meta, secret } = await getValidToken(ctx, args);
  // The tool variables are a convenience: a broken provider config must not stop the command.
  let toolEnv: string[] = [];
  try {
    toolEnv = (await resolveAgentSpec(ctx, meta.provider)).toolEnv;
  } catch (error) {
    ctx.stderr(
      `clawauth: notice: could not read ${meta.provider}'s tool variables (${
        error instanceof Error ? error.message : String(error)
      }); only CLAWAUTH_ACCESS_TOKEN and ${envPrefix(meta.provider)}_ACCESS_TOKEN are set\n`,
    );
  }
  const accessToken = secret.access_token ?? secret.key;
  if (!accessToken) {
    throw new ClawauthError(
      ERROR_CODES.TOKEN_NOT_FOUND,
      `${meta.id} holds no access token; log in again: clawauth login start ${meta.provider}`,
    );
  }
  const env = buildExecEnv(ctx.env, {
    provider: meta.provider,
    profileId: meta.id,
    accessToken,
    tokenType: secret.token_type,
    toolEnv,
  });
  const exitCode = await runChild(ctx, { args, env });
  return { data: { action: "exec", exitCode }, human: "", exitCode, printed: true };
}
