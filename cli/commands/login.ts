/**
 * `clawauth login start|status|claim|wait`: the delegated, non-blocking login.
 *
 *   clawauth login start github --json          # → sessionId, shortAuthUrl (send it to the human)
 *   clawauth login status <sessionId> --json    # → status: pending | completed | error
 *   clawauth login claim <sessionId> --json     # once completed: claim once, store in the keychain
 *   clawauth login wait <sessionId> --json      # or block: poll, then claim
 *
 * (`login local` lives in login_local.ts.)
 */
import nacl from "tweetnacl";
import { renderUnicodeCompact } from "uqr";
import { encodeBase64 } from "../../shared/base64.ts";
import { ClawauthError, ERROR_CODES, isClawauthError } from "../../shared/errors.ts";
import {
  parseCommandArgs,
  parseProfileName,
  parseProviderName,
  parseSessionId,
  usageError,
} from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import {
  claimLoginSession,
  clientFor,
  type LoadedSession,
  loadLoginSession,
} from "../flows/claim.ts";
import { parsePositiveInteger, resolveSettings, type Settings } from "../settings.ts";
import { createServerClient } from "../server_client.ts";
import { CredentialStore } from "../store/credentials.ts";
import { saveSession } from "../store/sessions_index.ts";
import { supportedProviderNames } from "./providers.ts";

export const LOGIN_USAGE = `Usage: clawauth login <command> [options] [--json]

Delegated OAuth login that never blocks the agent:
  start [provider]      start a login; prints a short link for the human
  status <sessionId>    pending | completed | error
  claim <sessionId>     once completed: fetch the token once and store it in the keychain
  wait <sessionId>      block: poll status, then claim
  local <provider>      PKCE login with a public client on this machine (see \`login local --help\`)

Flow:
  1) clawauth login start notion --json
  2) send shortAuthUrl and confirmationCode to the user, keep working
  3) clawauth login status <sessionId> --json     (repeat later while "pending")
  4) clawauth login claim <sessionId> --json      (once "completed")
  5) clawauth token get notion --json
`;

export const LOGIN_START_USAGE =
  `Usage: clawauth login start <provider> [--ttl <seconds>] [--scope <scope>] [--profile <name>] [--server <url>] [--json]

Starts a delegated login and returns at once. The CLI makes fresh key pairs for this
session (keys stay in the keychain) and registers the public halves with the server.
Send shortAuthUrl to the user; then poll \`login status\` and run \`login claim\`.

Options:
  --ttl <seconds>     session lifetime (default CLAWAUTH_TTL_SECONDS or 3600; server clamps to 60..86400)
  --scope <scope>     OAuth scope, provider syntax (default CLAWAUTH_SCOPE or the provider's default)
  --profile <name>    store the claimed token as <provider>:<name> (default "default")

JSON fields: action ("start"), provider, sessionId, expiresIn, expiresAt (ISO time),
shortAuthUrl, authUrl (both the server's confirmation page: the user sees who asks and a
code, and presses one button), confirmationCode (e.g. "KXRT-4MPQ": show it to the user with
the link; they continue only if the page shows the same code), pollIntervalSeconds,
statusCommand, claimCommand, profile (the profile id the token will be stored as, e.g.
"github:default"). In a terminal the link is also printed as a QR code.

Examples:
  clawauth login start notion --json
  clawauth login start github --scope "repo read:user" --profile work --json
`;

export const LOGIN_STATUS_USAGE = `Usage: clawauth login status <sessionId> [--json]

Asks the server (signed request) how a login session is doing. "pending" is a normal
answer (exit 0): check again later. "completed": run \`clawauth login claim <sessionId>\`.
"error": the login failed (see error); start a new one. The session is asked on the server
it was started on.

JSON fields: action ("status"), sessionId, status (pending | completed | error), provider, error.

Examples:
  clawauth login status 0b9c3f3e-1c1a-4c1e-9f0e-6a1f3f1f2f3a --json
`;

export const LOGIN_CLAIM_USAGE =
  `Usage: clawauth login claim <sessionId> [--profile <name>] [--replace] [--reveal] [--json]

Claims a completed login exactly once: decrypts the token on this machine and stores it in
the keychain as <provider>:<profile>. Storage is checked BEFORE the one-time claim; if
storing still fails, the token goes to a 0600 recovery file whose path the error names.
Still pending: status "pending", exit 0. Failed login: status "error", exit 1.

A profile never silently changes account: when it holds another account (by the
provider's stable account id), the token is stored under a new profile name instead
and the claim fails with code "account_mismatch", naming both accounts and the fix.

Options:
  --profile <name>   store under this profile (default: the one given at \`login start\`, else "default")
  --replace          replace the account stored in the profile on purpose
  --reveal           show token values in tokenData (masked by default, e.g. "abcd…(40 chars)")

JSON fields: action ("claim"), sessionId, status (pending | completed | error), provider,
identity (the account: id, login, email, name, as the provider names it; null when
unknown), tokenData, storedInKeychain, keychainService, keychainAccount, profile (profile
id, e.g. "github:default"), error.

Examples:
  clawauth login claim 0b9c3f3e-1c1a-4c1e-9f0e-6a1f3f1f2f3a --json
`;

export const LOGIN_WAIT_USAGE =
  `Usage: clawauth login wait <sessionId> [--timeout <ms>] [--interval <ms>] [--profile <name>] [--reveal] [--json]

Blocks: polls the session's status, then claims it (as \`login claim\`). Prefer
\`login status\` + \`login claim\` in agents; use wait only when blocking is fine.
A refused signature (401) or unknown session (404) fails at once; a rate limit (429)
waits as the server asks; server or network failures back off and retry until the timeout.

Options:
  --timeout <ms>    give up after this long (default CLAWAUTH_POLL_TIMEOUT_MS or 300000)
  --interval <ms>   time between polls, at least 250 (default CLAWAUTH_POLL_INTERVAL_MS or 2000);
                    without it, the server holds each poll until the login completes (up to 30 s)
  --profile, --replace, --reveal   as for \`login claim\`

JSON fields: those of \`login claim\` with action "wait".

Examples:
  clawauth login wait 0b9c3f3e-1c1a-4c1e-9f0e-6a1f3f1f2f3a --timeout 600000 --json
`;

/** Poll interval `login start` suggests when the server names none (the 0.4 CLI's). */
export const DEFAULT_POLL_INTERVAL_SECONDS = 2;

/** Shortest poll interval accepted (the server allows at least 4 polls a second). */
export const MIN_POLL_INTERVAL_MS = 250;
/** Longest back-off between polls after server or network failures. */
export const MAX_BACKOFF_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// login start

/** Parsed `login start` flags. */
export interface LoginStartOptions {
  provider?: string;
  ttlSeconds: number;
  scope?: string;
  profile: string;
}

/** Parses `login start` argv, with defaults from the environment settings. */
export function parseLoginStartArgs(argv: string[], settings: Settings): LoginStartOptions {
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "login start",
    flags: {
      ttl: { type: "string", value: "seconds" },
      scope: { type: "string", value: "scope" },
      profile: { type: "string", value: "name" },
    },
    positionals: ["provider"],
    required: 0,
  });
  const scope = typeof flags.scope === "string" ? flags.scope : settings.scope;
  if (scope !== undefined && (scope.trim() === "" || scope.length > 1024)) {
    throw usageError("--scope must be 1 to 1024 characters");
  }
  return {
    provider: positionals[0] === undefined ? undefined : parseProviderName(positionals[0]),
    ttlSeconds: typeof flags.ttl === "string"
      ? parsePositiveInteger(flags.ttl, "--ttl", { max: 86400 })
      : settings.ttlSeconds,
    ...(scope !== undefined ? { scope } : {}),
    profile: typeof flags.profile === "string" ? parseProfileName(flags.profile) : "default",
  };
}

/** `clawauth login start`. */
export async function runLoginStart(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const options = parseLoginStartArgs(argv, resolveSettings(ctx.env, ctx.serverUrl));
  if (options.provider === undefined) {
    const supported = await supportedProviderNames(ctx);
    throw new ClawauthError(
      ERROR_CODES.USAGE,
      `missing <provider>: usage: clawauth login start <provider>; supported providers: ${
        supported.join(", ")
      } (see \`clawauth providers\`)`,
      { details: { supportedProviders: supported } },
    );
  }
  const provider = options.provider;
  const keychain = await ctx.keychain();
  const sign = nacl.sign.keyPair();
  const box = nacl.box.keyPair();
  const client = createServerClient({ serverUrl: ctx.serverUrl, fetch: ctx.fetch, now: ctx.now });
  const init = await client.init({
    provider,
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    ttlSeconds: options.ttlSeconds,
    verifyKey: encodeBase64(sign.publicKey),
    boxPublicKey: encodeBase64(box.publicKey),
  });
  try {
    await saveSession(
      { keychain, sessionKeychainService: ctx.sessionKeychainService, stateDir: ctx.stateDir },
      {
        sessionId: init.sessionId,
        provider,
        profile: options.profile,
        server: ctx.serverUrl,
        signSecretKey: encodeBase64(sign.secretKey),
        boxSecretKey: encodeBase64(box.secretKey),
        createdAt: new Date(ctx.now()).toISOString(),
        expiresIn: init.expiresIn,
        ...(init.confirmationCode !== undefined ? { confirmationCode: init.confirmationCode } : {}),
      },
    );
  } finally {
    sign.secretKey.fill(0);
    box.secretKey.fill(0);
  }

  const statusCommand = `clawauth login status ${init.sessionId}`;
  const claimCommand = `clawauth login claim ${init.sessionId}`;
  const expiresAt = new Date(ctx.now() + init.expiresIn * 1000).toISOString();
  const pollIntervalSeconds = init.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS;
  const data = {
    action: "start",
    provider,
    sessionId: init.sessionId,
    expiresIn: init.expiresIn,
    expiresAt,
    shortAuthUrl: init.shortAuthUrl,
    authUrl: init.authUrl,
    confirmationCode: init.confirmationCode ?? null,
    pollIntervalSeconds,
    statusCommand,
    claimCommand,
    profile: `${provider}:${options.profile}`,
  };
  const human = [
    `Provider: ${provider}`,
    `Session: ${init.sessionId}`,
    `Expires: ${expiresAt} (in ${init.expiresIn}s)`,
    `Share this link with the user:`,
    init.shortAuthUrl,
    ...(init.confirmationCode !== undefined
      ? [
        `Confirmation code: ${init.confirmationCode}`,
        "(tell the user to continue only if the page shows this same code)",
      ]
      : []),
    ...(ctx.isTerminal ? ["", renderUnicodeCompact(init.shortAuthUrl, { border: 1 })] : []),
    "",
    "Session saved locally. Later run:",
    `  ${statusCommand}`,
    `  ${claimCommand}`,
  ].join("\n");
  return { data, human };
}

// ---------------------------------------------------------------------------------------------
// login status

/** Parses `login status` argv. */
export function parseLoginStatusArgs(argv: string[]): { sessionId: string } {
  const { positionals } = parseCommandArgs(argv, {
    command: "login status",
    flags: {},
    positionals: ["sessionId"],
    required: 1,
  });
  return { sessionId: parseSessionId(positionals[0]) };
}

/** `clawauth login status`. */
export async function runLoginStatus(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const { sessionId } = parseLoginStatusArgs(argv);
  const session = await loadLoginSession(ctx, sessionId);
  const answer = await clientFor(ctx, session).status(sessionId, session.signSecretKey);
  const provider = answer.provider || session.material.provider;
  const data = {
    action: "status",
    sessionId,
    status: answer.status,
    provider,
    error: answer.error ?? null,
  };
  const next = answer.status === "completed"
    ? `\nReady to claim: clawauth login claim ${sessionId}`
    : answer.status === "pending"
    ? `\nNot finished yet; check again later: clawauth login status ${sessionId}`
    : `\nReason: ${
      answer.error ?? "unknown error"
    }\nStart a new login: clawauth login start ${provider}`;
  return { data, human: `Status: ${answer.status} (${provider})${next}` };
}

// ---------------------------------------------------------------------------------------------
// login claim

/** Parsed `login claim` flags. */
export interface LoginClaimOptions {
  sessionId: string;
  profile?: string;
  reveal: boolean;
  /** Store into the profile even when it holds another account. */
  replace: boolean;
}

/** Parses `login claim` argv. */
export function parseLoginClaimArgs(argv: string[]): LoginClaimOptions {
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "login claim",
    flags: {
      profile: { type: "string", value: "name" },
      reveal: { type: "boolean" },
      replace: { type: "boolean" },
    },
    positionals: ["sessionId"],
    required: 1,
  });
  return {
    sessionId: parseSessionId(positionals[0]),
    ...(typeof flags.profile === "string" ? { profile: parseProfileName(flags.profile) } : {}),
    reveal: flags.reveal === true,
    replace: flags.replace === true,
  };
}

/** `clawauth login claim`. */
export function runLoginClaim(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const options = parseLoginClaimArgs(argv);
  return claimLoginSession(ctx, { ...options, action: "claim" });
}

// ---------------------------------------------------------------------------------------------
// login wait

/** Parsed `login wait` flags. */
export interface LoginWaitOptions extends LoginClaimOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Ask the server to hold each status request (`?wait=`); off when `--interval` is given. */
  longPoll?: boolean;
}

/** Parses `login wait` argv, with defaults from the environment settings. */
export function parseLoginWaitArgs(argv: string[], settings: Settings): LoginWaitOptions {
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "login wait",
    flags: {
      timeout: { type: "string", value: "ms" },
      interval: { type: "string", value: "ms" },
      profile: { type: "string", value: "name" },
      reveal: { type: "boolean" },
      replace: { type: "boolean" },
    },
    positionals: ["sessionId"],
    required: 1,
  });
  const intervalMs = typeof flags.interval === "string"
    ? parsePositiveInteger(flags.interval, "--interval", { min: MIN_POLL_INTERVAL_MS })
    : Math.max(settings.pollIntervalMs, MIN_POLL_INTERVAL_MS);
  return {
    sessionId: parseSessionId(positionals[0]),
    ...(typeof flags.profile === "string" ? { profile: parseProfileName(flags.profile) } : {}),
    reveal: flags.reveal === true,
    replace: flags.replace === true,
    timeoutMs: typeof flags.timeout === "string"
      ? parsePositiveInteger(flags.timeout, "--timeout")
      : settings.pollTimeoutMs,
    intervalMs,
    longPoll: typeof flags.interval !== "string",
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

/** `clawauth login wait`. */
export async function runLoginWait(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const options = parseLoginWaitArgs(argv, resolveSettings(ctx.env, ctx.serverUrl));
  const { sessionId } = options;
  const session: LoadedSession = await loadLoginSession(ctx, sessionId);
  const provider = session.material.provider;
  // Fail now rather than after the human approved: the claim would refuse anyway.
  await new CredentialStore({
    keychain: session.store.keychain,
    stateDir: ctx.stateDir,
    keychainService: ctx.keychainService,
    now: ctx.now,
  }).checkWritable();

  const client = clientFor(ctx, session);
  const started = ctx.now();
  const deadline = started + options.timeoutMs;
  let failures = 0;
  let lastError: ClawauthError | undefined;
  let progressShown = false;
  const progress = (text: string) => {
    if (!ctx.isTerminal) return;
    progressShown = true;
    const elapsed = Math.round((ctx.now() - started) / 1000);
    ctx.stderr(`\r\x1b[2K${text} (${elapsed}s)`);
  };
  const endProgress = () => {
    if (progressShown) ctx.stderr("\r\x1b[2K");
  };

  try {
    while (true) {
      let delay = options.intervalMs;
      try {
        const waitSeconds = options.longPoll ? Math.floor((deadline - ctx.now()) / 1000) : 0;
        const answer = await client.status(sessionId, session.signSecretKey, { waitSeconds });
        // The server held the request until its deadline: ask again at once.
        if (answer.waited) delay = 0;
        failures = 0;
        lastError = undefined;
        if (answer.status !== "pending") {
          progress(answer.status === "completed" ? "Approved; claiming the token" : "Login failed");
          endProgress();
          return await claimLoginSession(ctx, { ...options, action: "wait" }, session);
        }
        progress(`Waiting for the user to approve the ${provider} login`);
      } catch (error) {
        if (!isTransient(error)) throw error;
        failures++;
        lastError = error;
        delay = backoffDelay(error, { intervalMs: options.intervalMs, failures });
        progress(`${error.message}; retrying in ${Math.ceil(delay / 1000)}s`);
      }
      const remaining = deadline - ctx.now();
      if (remaining <= 0) break;
      if (delay > 0) await ctx.sleep(Math.min(delay, remaining));
    }
  } finally {
    endProgress();
  }

  const seconds = Number((options.timeoutMs / 1000).toFixed(1));
  throw new ClawauthError(
    ERROR_CODES.TRANSIENT,
    lastError
      ? `gave up after ${seconds} s: the server kept failing (${lastError.message}); the session may still be claimable: clawauth login wait ${sessionId}`
      : `timed out after ${seconds} s; the user has not approved yet (session ${sessionId} is still pending): check later with \`clawauth login status ${sessionId}\` or wait again with \`clawauth login wait ${sessionId}\``,
    { details: { sessionId, status: lastError ? "unknown" : "pending" } },
  );
}
