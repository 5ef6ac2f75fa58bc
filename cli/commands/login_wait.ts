/**
 * `clawauth login wait`: blocks until the human is done, then claims (as `login claim`). The
 * polling is one function, {@linkcode pollUntilSettled}, so a server long-poll can replace it.
 *
 *   clawauth login wait <sessionId> --timeout 10m --json
 */
import { ClawauthError, ERROR_CODES, isClawauthError } from "../../shared/errors.ts";
import { parseCommandArgs, parseProfileName, parseSessionId } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import {
  claimLoginSession,
  clientFor,
  type LoadedSession,
  loadLoginSession,
} from "../flows/claim.ts";
import { formatDurationExact, parseDurationMs } from "../flows/duration.ts";
import { resolveSettings, type Settings } from "../settings.ts";
import { CredentialStore } from "../store/credentials.ts";
import type { LoginClaimOptions } from "./login.ts";
import { sessionLink } from "./sessions.ts";

export const LOGIN_WAIT_USAGE =
  `Usage: clawauth login wait <sessionId> [--timeout <duration>] [--interval <duration>] [--profile <name>] [--reveal] [--json]

Blocks: polls the session's status, then claims it (as \`login claim\`). Prefer
\`login status\` + \`login claim\` in agents; use wait only when blocking is fine.
Without --json it prints the link (and code) once, then one updating status line when
stderr is a terminal. A refused signature (401) or unknown session (404) fails at once; a
rate limit (429) waits as the server asks (Retry-After); server or network failures back
off and retry. Every poll, the last one included, keeps the interval and Retry-After: no
poll is sent early to beat the deadline.

When the time is up and the login is still pending: error wait_timeout, exit code 3,
error.status "pending", error.fix the command to keep waiting. (When the server kept failing
instead: transient_error, exit 1.)

Options:
  --timeout <duration>   give up after this long: milliseconds, or 90s, 5m, 1h
                         (default CLAWAUTH_POLL_TIMEOUT_MS or 300000 = 5m)
  --interval <duration>  time between polls, at least 250ms: milliseconds, or 2s, 500ms
                         (default CLAWAUTH_POLL_INTERVAL_MS or 2000 = 2s); without it, the
                         server holds each poll until the login completes (up to 30 s)
  --profile, --replace, --reveal   as for \`login claim\`

JSON fields: those of \`login claim\` with action "wait".

Examples:
  clawauth login wait 0b9c3f3e-1c1a-4c1e-9f0e-6a1f3f1f2f3a --timeout 10m --json
`;

/** Shortest poll interval accepted (the server allows at least 4 polls a second). */
export const MIN_POLL_INTERVAL_MS = 250;
/** Longest back-off between polls after server or network failures. */
export const MAX_BACKOFF_MS = 30_000;

/** Parsed `login wait` flags. */
export interface LoginWaitOptions extends LoginClaimOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Ask the server to hold each status request (`?wait=`); off when `--interval` is given. */
  longPoll?: boolean;
  /** Set when a setting was adjusted (said on stderr). */
  notice?: string;
}

/** Parses `login wait` argv, with defaults from the environment settings. */
export function parseLoginWaitArgs(argv: string[], settings: Settings): LoginWaitOptions {
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "login wait",
    flags: {
      timeout: { type: "string", value: "duration" },
      interval: { type: "string", value: "duration" },
      profile: { type: "string", value: "name" },
      reveal: { type: "boolean" },
      replace: { type: "boolean" },
    },
    positionals: ["sessionId"],
    required: 1,
  });
  const intervalMs = typeof flags.interval === "string"
    ? parseDurationMs(flags.interval, "--interval", {
      plainUnit: "ms",
      minMs: MIN_POLL_INTERVAL_MS,
    })
    : Math.max(settings.pollIntervalMs, MIN_POLL_INTERVAL_MS);
  return {
    sessionId: parseSessionId(positionals[0]),
    ...(typeof flags.profile === "string" ? { profile: parseProfileName(flags.profile) } : {}),
    reveal: flags.reveal === true,
    replace: flags.replace === true,
    timeoutMs: typeof flags.timeout === "string"
      ? parseDurationMs(flags.timeout, "--timeout", { plainUnit: "ms" })
      : settings.pollTimeoutMs,
    intervalMs,
    longPoll: typeof flags.interval !== "string",
    ...(intervalMs !== settings.pollIntervalMs && typeof flags.interval !== "string"
      ? {
        notice:
          `CLAWAUTH_POLL_INTERVAL_MS ${settings.pollIntervalMs}ms is below ${MIN_POLL_INTERVAL_MS}ms; using ${MIN_POLL_INTERVAL_MS}ms`,
      }
      : {}),
  };
}

/** Next wait after a failed poll: the server's Retry-After, else exponential back-off. */
export function backoffDelay(
  error: ClawauthError,
  options: { intervalMs: number; failures: number },
): number {
  const retryAfter = error.details.retryAfterSeconds;
  if (error.code === ERROR_CODES.RATE_LIMITED && typeof retryAfter === "number") {
    return Math.max(retryAfter * 1000, options.intervalMs);
  }
  return Math.min(options.intervalMs * 2 ** options.failures, MAX_BACKOFF_MS);
}

function isTransient(error: unknown): error is ClawauthError {
  return isClawauthError(error) && error.details.transient === true;
}

/** How {@linkcode pollUntilSettled} ended. */
export type PollOutcome =
  | { kind: "settled"; status: "completed" | "error" }
  | { kind: "timeout"; lastError?: ClawauthError };

/** Options of {@linkcode pollUntilSettled}. */
export interface PollOptions {
  sessionId: string;
  intervalMs: number;
  timeoutMs: number;
  /** Ask the server to hold each poll (`?wait=`, a long-poll) until the session changes. */
  longPoll?: boolean;
  /** Shows one line of progress (`login wait` on a terminal). */
  progress: (text: string) => void;
}

/**
 * Polls a session's status until it is no longer pending or the time is up. Every poll keeps
 * the interval (or the server's Retry-After, or the back-off): when the next poll would come
 * after the deadline, it waits out the rest and stops without polling early. The one place
 * that polls, so a server long-poll can replace it.
 */
export async function pollUntilSettled(
  ctx: CliContext,
  session: LoadedSession,
  options: PollOptions,
): Promise<PollOutcome> {
  const client = clientFor(ctx, session);
  const deadline = ctx.now() + options.timeoutMs;
  const provider = session.material.provider;
  let failures = 0;
  let lastError: ClawauthError | undefined;
  let seenPending = false;
  while (true) {
    let delay = options.intervalMs;
    try {
      const waitSeconds = options.longPoll ? Math.floor((deadline - ctx.now()) / 1000) : 0;
      const answer = await client.status(options.sessionId, session.signSecretKey, {
        waitSeconds,
      });
      // The server held the request until its deadline: ask again at once.
      if (answer.waited) delay = 0;
      failures = 0;
      lastError = undefined;
      if (answer.status !== "pending") return { kind: "settled", status: answer.status };
      seenPending = true;
      options.progress(`Waiting for the user to approve the ${provider} login`);
    } catch (error) {
      if (!isTransient(error)) throw error;
      failures++;
      // A rate limit is the server answering "not so fast", not failing: the session is as
      // pending as it was at the last answer.
      lastError = error.code === ERROR_CODES.RATE_LIMITED && seenPending ? undefined : error;
      delay = backoffDelay(error, { intervalMs: options.intervalMs, failures });
      options.progress(`${error.message}; retrying in ${Math.ceil(delay / 1000)}s`);
    }
    const remaining = deadline - ctx.now();
    if (remaining <= 0) break;
    if (delay > remaining) {
      // The next poll would be too early for the server or too late for us: none is sent.
      await ctx.sleep(remaining);
      break;
    }
    if (delay > 0) await ctx.sleep(delay);
  }
  return { kind: "timeout", ...(lastError ? { lastError } : {}) };
}

/** `clawauth login wait`. */
export async function runLoginWait(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const options = parseLoginWaitArgs(argv, resolveSettings(ctx.env, ctx.serverUrl));
  const { sessionId } = options;
  if (options.notice) ctx.stderr(`clawauth: notice: ${options.notice}\n`);
  const session: LoadedSession = await loadLoginSession(ctx, sessionId);
  // Fail now rather than after the human approved: the claim would refuse anyway.
  await new CredentialStore({
    keychain: session.store.keychain,
    stateDir: ctx.stateDir,
    keychainService: ctx.keychainService,
    now: ctx.now,
  }).checkWritable();

  if (!ctx.json) {
    const link = sessionLink(session, ctx.now());
    if (link.shortAuthUrl) {
      ctx.stderr(
        `Waiting for the user to approve the ${session.material.provider} login.\n` +
          `Link: ${link.shortAuthUrl}\n` +
          (link.confirmationCode ? `Code: ${link.confirmationCode}\n` : ""),
      );
    }
  }

  const started = ctx.now();
  let progressShown = false;
  const progress = (text: string) => {
    if (!ctx.isTerminal) return;
    progressShown = true;
    const elapsed = Math.round((ctx.now() - started) / 1000);
    ctx.stderr(`\r\x1b[2K${text} (${elapsed}s)`);
  };
  let outcome: PollOutcome;
  try {
    outcome = await pollUntilSettled(ctx, session, {
      sessionId,
      intervalMs: options.intervalMs,
      timeoutMs: options.timeoutMs,
      longPoll: options.longPoll,
      progress,
    });
  } finally {
    if (progressShown) ctx.stderr("\r\x1b[2K");
  }
  if (outcome.kind === "settled") {
    return await claimLoginSession(ctx, { ...options, action: "wait" }, session);
  }

  const waited = formatDurationExact(options.timeoutMs);
  const fix = `clawauth login wait ${sessionId} --timeout ${waited}`;
  const { lastError } = outcome;
  if (lastError) {
    throw new ClawauthError(
      ERROR_CODES.TRANSIENT,
      `gave up after ${waited}: the server kept failing (${lastError.message}); the session may still be claimable: ${fix}`,
      { details: { sessionId, status: "unknown", fix, transient: true } },
    );
  }
  throw new ClawauthError(
    ERROR_CODES.WAIT_TIMEOUT,
    `timed out after ${waited}: the login is still pending (the user has not approved yet); keep waiting with: ${fix} (or check later: clawauth login status ${sessionId})`,
    {
      details: {
        sessionId,
        status: "pending",
        provider: session.material.provider,
        ...sessionLink(session, ctx.now()),
        fix,
        transient: true,
      },
    },
  );
}
