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
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import {
  parseCommandArgs,
  parseProfileName,
  parseProviderName,
  parseSessionId,
  usageError,
} from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import { claimLoginSession, clientFor, loadLoginSession } from "../flows/claim.ts";
import {
  MAX_TTL_SECONDS,
  MIN_TTL_SECONDS,
  parseTtlSeconds,
  resolveSettings,
  type Settings,
} from "../settings.ts";
import { sessionLink } from "./sessions.ts";
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
  `Usage: clawauth login start <provider> [--ttl <duration>] [--scope <scope>] [--profile <name>] [--server <url>] [--json]

Starts a delegated login and returns at once. The CLI makes fresh key pairs for this
session (keys stay in the keychain) and registers the public halves with the server.
Send shortAuthUrl to the user; then poll \`login status\` and run \`login claim\`.

Options:
  --ttl <duration>    session lifetime: seconds, or 90s, 45m, 2h, 1d (default CLAWAUTH_TTL_SECONDS
                      or 3600); outside 60..86400 it is clamped, with a notice on stderr
  --scope <scope>     OAuth scope, provider syntax (default CLAWAUTH_SCOPE or the provider's default)
  --profile <name>    store the claimed token as <provider>:<name> (default "default")

JSON fields: action ("start"), provider, sessionId, expiresIn, expiresAt (ISO time),
shortAuthUrl, authUrl (both the server's confirmation page: the user sees who asks and a
code, and presses one button), confirmationCode (e.g. "KXRT-4MPQ": show it to the user with
the link; they continue only if the page shows the same code), pollIntervalSeconds,
statusCommand, claimCommand, profile (the profile id the token will be stored as, e.g.
"github:default"), ttlSeconds (the lifetime asked for, after clamping), requestedTtlSeconds
and notices (only when the value was adjusted). In a terminal the link is also printed as a
QR code.

The keychain is checked before anything is sent to the server: when it cannot be reached,
the answer is keychain_unavailable (with error.fix) and no session is created.

Examples:
  clawauth login start notion --json
  clawauth login start github --scope "repo read:user" --profile work --json
`;

export const LOGIN_STATUS_USAGE = `Usage: clawauth login status <sessionId> [--json]

Asks the server (signed request) how a login session is doing. "pending" is a normal
answer (exit 0): check again later. "completed": run \`clawauth login claim <sessionId>\`.
"error": the login failed (see error); start a new one. The session is asked on the server
it was started on.

JSON fields: action ("status"), sessionId, status (pending | completed | error), provider, error,
shortAuthUrl (the link to send to the human again), confirmationCode (when the server gave
one), expiresAt, expiresIn (seconds left).
A session this machine already claimed answers already_claimed, naming the profile it went to.

Examples:
  clawauth login status 0b9c3f3e-1c1a-4c1e-9f0e-6a1f3f1f2f3a --json
`;

export const LOGIN_CLAIM_USAGE =
  `Usage: clawauth login claim <sessionId> [--profile <name>] [--replace] [--reveal] [--json]

Claims a completed login exactly once: decrypts the token on this machine and stores it in
the keychain as <provider>:<profile>. Storage is checked BEFORE the one-time claim; if
storing still fails, the token goes to a 0600 recovery file whose path the error names.
Still pending: status "pending", exit 0. Failed login: the error session_failed (exit 1,
error.reason says why, error.fix starts a new login). Already claimed on this machine:
already_claimed, naming the profile it was stored as (error.fix: the \`token get\` command).

A profile never silently changes account: when it holds another account (by the
provider's stable account id), the token is stored under a new profile name instead
and the claim fails with code "account_mismatch", naming both accounts and the fix.

Options:
  --profile <name>   store under this profile (default: the one given at \`login start\`, else "default")
  --replace          replace the account stored in the profile on purpose
  --reveal           show token values in tokenData (masked by default, e.g. "abcd…(40 chars)")

JSON fields: action ("claim"), sessionId, status (pending | completed), provider,
identity (the account: id, login, email, name, as the provider names it; null when
unknown), tokenData, storedInKeychain, keychainService, keychainAccount, profile (profile
id, e.g. "github:default": where it is stored), error.

Examples:
  clawauth login claim 0b9c3f3e-1c1a-4c1e-9f0e-6a1f3f1f2f3a --json
`;

/** Poll interval `login start` suggests when the server names none (the 0.4 CLI's). */
export const DEFAULT_POLL_INTERVAL_SECONDS = 2;

// ---------------------------------------------------------------------------------------------
// login start

/** Parsed `login start` flags. */
export interface LoginStartOptions {
  provider?: string;
  /** As asked for (not clamped yet). */
  ttlSeconds: number;
  /** Which setting gave ttlSeconds (for the notice when it is clamped). */
  ttlSource?: string;
  scope?: string;
  profile: string;
}

/** Parses `login start` argv, with defaults from the environment settings. */
export function parseLoginStartArgs(argv: string[], settings: Settings): LoginStartOptions {
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "login start",
    flags: {
      ttl: { type: "string", value: "duration" },
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
      ? parseTtlSeconds(flags.ttl, "--ttl")
      : settings.ttlSeconds,
    ttlSource: typeof flags.ttl === "string" ? "--ttl" : "CLAWAUTH_TTL_SECONDS",
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
  // Check the keychain BEFORE the server creates a session we could not keep the keys of.
  await new CredentialStore({
    keychain,
    stateDir: ctx.stateDir,
    keychainService: ctx.sessionKeychainService,
    now: ctx.now,
  }).checkWritable();
  const notices: string[] = [];
  const ttlSeconds = Math.min(Math.max(options.ttlSeconds, MIN_TTL_SECONDS), MAX_TTL_SECONDS);
  if (ttlSeconds !== options.ttlSeconds) {
    notices.push(
      `${
        options.ttlSource ?? "--ttl"
      } ${options.ttlSeconds}s is outside ${MIN_TTL_SECONDS}..${MAX_TTL_SECONDS} seconds; using ${ttlSeconds}s`,
    );
  }
  const sign = nacl.sign.keyPair();
  const box = nacl.box.keyPair();
  const client = createServerClient({ serverUrl: ctx.serverUrl, fetch: ctx.fetch, now: ctx.now });
  const init = await client.init({
    provider,
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    ttlSeconds,
    verifyKey: encodeBase64(sign.publicKey),
    boxPublicKey: encodeBase64(box.publicKey),
  });
  if (init.expiresIn !== ttlSeconds) {
    notices.push(`the server set the session lifetime to ${init.expiresIn}s, not ${ttlSeconds}s`);
  }
  for (const notice of notices) ctx.stderr(`clawauth: notice: ${notice}\n`);
  const confirmationCode = init.confirmationCode;
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
        shortAuthUrl: init.shortAuthUrl,
        ...(confirmationCode !== undefined ? { confirmationCode } : {}),
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
    ttlSeconds,
    ...(ttlSeconds !== options.ttlSeconds ? { requestedTtlSeconds: options.ttlSeconds } : {}),
    ...(notices.length > 0 ? { notices } : {}),
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
  const link = sessionLink(session, ctx.now());
  const data = {
    action: "status",
    sessionId,
    status: answer.status,
    provider,
    error: answer.error ?? null,
    ...link,
  };
  const next = answer.status === "completed"
    ? `\nReady to claim: clawauth login claim ${sessionId}`
    : answer.status === "pending"
    ? `\nNot finished yet; check again later: clawauth login status ${sessionId}` +
      (link.shortAuthUrl ? `\nLink for the user: ${link.shortAuthUrl}` : "") +
      (link.confirmationCode ? ` (code ${link.confirmationCode})` : "") +
      (link.expiresIn !== null ? `\nExpires in ${link.expiresIn}s` : "")
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

// `login wait` lives in login_wait.ts.
export { LOGIN_WAIT_USAGE, parseLoginWaitArgs, runLoginWait } from "./login_wait.ts";
