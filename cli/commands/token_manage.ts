/**
 * Managing stored credentials: `token refresh`, `token rm`, `token status`, `token order`,
 * `token paste`. (`token get`/`env`/`list` live in token.ts and read through
 * cli/flows/refresh.ts.)
 *
 *   clawauth token refresh github --profile work     # refresh now, under the profile's lock
 *   clawauth token rm github --profile personal      # remove secret and metadata
 *   clawauth token status --check                    # exit 1 expired/missing/needs-login, 2 expiring
 *   clawauth token order set github work personal    # selection order when no --profile is given
 *   pbpaste | clawauth token paste anthropic --type api_key
 */

import { ClawauthError, isClawauthError } from "../../shared/errors.ts";
import { parseCommandArgs, parseProfileName, parseProviderName, usageError } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import { formatDuration, parseDuration } from "../flows/duration.ts";
import { removeLocalClient } from "../flows/local_client.ts";
import {
  ensureValidToken,
  fixCommandFor,
  isExpiring,
  resolveProfileArgs,
} from "../flows/refresh.ts";
import { lockPathFor, withLock } from "../lock.ts";
import { CredentialStore } from "../store/credentials.ts";
import {
  clearOrder,
  getOrder,
  listProfileMeta,
  parseProfileId,
  readProfileMeta,
  setOrder,
} from "../store/profiles.ts";
import type { CredentialRecord, CredentialSecret, ProfileMeta } from "../store/types.ts";

export const TOKEN_REFRESH_USAGE =
  `Usage: clawauth token refresh [provider] [--profile <name>] [--json]

Refreshes the stored access token now, even when it is still valid, under the profile's
cross-process lock (a delegated token through the clawauth server, a local one directly at
the provider). Prints no secret: use \`clawauth token get\` for the token.

JSON fields: action ("token_refresh"), profile, provider, refresh ("refreshed" | "peer" |
"adopted"), expiresAt, expiresIn (seconds), token_saved_at.

Errors: needs_login (the message names the command to run), transient_error (the stored
credentials are unchanged; retry later), token_not_found.

Examples:
  clawauth token refresh github
  clawauth token refresh github --profile work --json
`;

export const TOKEN_RM_USAGE =
  `Usage: clawauth token rm <provider> [--profile <name>] [--keep-remote] [--force] [--json]

Revokes the token at the provider (delegated tokens through the server's signed /revoke,
\`login local\` tokens directly), then removes the profile's secret (keychain) and metadata
(state directory). Without --profile, removes <provider>:default; when that does not exist
but other profiles do, names them. The output says what was revoked, or why not.

If revocation fails for a reason that may pass (network, server or provider down), the
profile is KEPT so it can still be revoked: run the command again, or add --force.

Options:
  --keep-remote   do not revoke; only forget the token on this machine
  --force         remove locally even when revocation failed (the token stays valid there)

JSON fields: action ("token_rm"), removed, profile, provider, keychainService,
keychainAccount, revoked (boolean), revocation (revoked | skipped | unsupported |
not_applicable | failed), revocationMessage.

Examples:
  clawauth token rm github
  clawauth token rm github --profile personal
  clawauth token rm github:personal --keep-remote
`;

export const TOKEN_STATUS_USAGE =
  `Usage: clawauth token status [provider] [--check] [--within <duration>] [--json]

Shows every stored profile (or one provider's) with a status:
  ok           usable; for a token with a refresh token the access token is renewed on use
  expiring     no refresh token and it expires within --within (default 24h)
  expired      no refresh token and it has expired
  static       no expiry known (pasted token, API key, provider without expiry)
  missing      metadata without a secret in the keychain (or nothing stored for <provider>)
  needs-login  the provider refused the refresh token; run the command shown
  keychain-unavailable  the keychain holding it cannot be reached (not missing: see error.fix)

--check sets the exit code for cron and systemd: 1 when any profile is expired, missing,
needs-login or keychain-unavailable (or nothing is stored), 2 when any is expiring, 0
otherwise. Without --check, a keychain-unavailable profile still makes the exit code 1.

JSON fields: action ("token_status"), profiles: [{ profile, provider, name, status, type,
origin, refreshable, accessToken, expiresAt, expiresIn, identity, refreshState, lastError,
fixCommand, error (keychain-unavailable: code, message, backend, fix) }], summary (count per
status), checkExitCode (with --check).

Examples:
  clawauth token status
  clawauth token status github --check --json
`;

export const TOKEN_ORDER_USAGE = `Usage: clawauth token order get <provider> [--json]
       clawauth token order set <provider> <profile>... [--json]
       clawauth token order clear <provider> [--json]

The order in which profiles of <provider> are chosen when no --profile is given: the first
stored one wins. Without an order, the profile used last wins.

Examples:
  clawauth token order set github work personal
  clawauth token order get github --json
  clawauth token order clear github
`;

export const TOKEN_PASTE_USAGE =
  `Usage: <command printing the secret> | clawauth token paste <provider> [--profile <name>]
         [--type token|api_key] [--expires-in <duration>] [--json]

Stores a bearer token or API key made elsewhere (for example \`claude setup-token\`). The secret
is read from stdin, never from the command line (other processes can read argv); one trailing
newline is removed. On a terminal, paste it, press Enter, then Ctrl-D.

--type        token (default; a bearer token, returned by \`token get\` as access_token) or api_key
--expires-in  when it expires: 3600 (seconds), 45m, 12h, 30d, 2w; default: no expiry

Examples:
  pbpaste | clawauth token paste anthropic
  clawauth token paste openai --type api_key --profile work < key.txt
  printf '%s' "$TOKEN" | clawauth token paste github --expires-in 30d
`;

/** Longest secret accepted on stdin. */
export const MAX_PASTED_SECRET_BYTES = 65_536;

/** Default window in which a non-refreshable token counts as `expiring` for `token status`. */
export const STATUS_EXPIRING_WITHIN_MS = 24 * 3600_000;

async function openStore(ctx: CliContext): Promise<CredentialStore> {
  return new CredentialStore({
    keychain: await ctx.keychain(),
    stateDir: ctx.stateDir,
    keychainService: ctx.keychainService,
    now: ctx.now,
  });
}

function providerOf(id: string): string {
  return id.slice(0, id.indexOf(":"));
}

function nameOf(id: string): string {
  return id.slice(id.indexOf(":") + 1);
}

function isoOrUndefined(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// token refresh

/** Parsed `token refresh` arguments. */
export interface TokenRefreshArgs {
  provider?: string;
  profile?: string;
}

/** Parses `token refresh [provider] [--profile <name>]`. */
export function parseTokenRefreshArgs(argv: string[]): TokenRefreshArgs {
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "token refresh",
    flags: { profile: { type: "string", value: "name" } },
    positionals: ["provider"],
    required: 0,
  });
  return {
    provider: positionals[0] === undefined ? undefined : providerArg(positionals[0]),
    profile: flags.profile === undefined ? undefined : profileArg(String(flags.profile)),
  };
}

function providerArg(value: string): string {
  if (value.includes(":")) return parseProfileId(value).id;
  return parseProviderName(value);
}

function profileArg(value: string): string {
  if (value.includes(":")) return parseProfileId(value).id;
  return parseProfileName(value);
}

/** `clawauth token refresh`. */
export async function runTokenRefresh(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const args = parseTokenRefreshArgs(argv);
  const outcome = await ensureValidToken(ctx, { ...args, force: true });
  const { meta, secret } = outcome.record;
  const now = ctx.now();
  const data = {
    action: "token_refresh",
    profile: meta.id,
    provider: meta.provider,
    refresh: outcome.refresh,
    expiresAt: isoOrUndefined(secret.expires_at),
    expiresIn: secret.expires_at === undefined
      ? undefined
      : Math.max(0, Math.floor((secret.expires_at - now) / 1000)),
    token_saved_at: secret.saved_at,
  };
  const by = outcome.refresh === "peer"
    ? " (by another process, moments ago)"
    : outcome.refresh === "adopted"
    ? " (adopted from an interrupted refresh)"
    : "";
  const until = secret.expires_at === undefined
    ? "no expiry given"
    : `valid for ${formatDuration(secret.expires_at - now)}`;
  return { data, human: `Refreshed ${meta.id}${by}; access token ${until}.` };
}

// ---------------------------------------------------------------------------------------------
// token rm

/** Parsed `token rm` arguments. */
export interface TokenRmArgs {
  provider: string;
  profile?: string;
  keepRemote?: boolean;
  force?: boolean;
}

/** Parses `token rm <provider> [--profile <name>] [--keep-remote] [--force]`. */
export function parseTokenRmArgs(argv: string[]): TokenRmArgs {
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "token rm",
    flags: {
      profile: { type: "string", value: "name" },
      "keep-remote": { type: "boolean" },
      force: { type: "boolean" },
    },
    positionals: ["provider"],
    required: 1,
  });
  return {
    provider: providerArg(positionals[0]),
    profile: flags.profile === undefined ? undefined : profileArg(String(flags.profile)),
    ...(flags["keep-remote"] === true ? { keepRemote: true } : {}),
    ...(flags.force === true ? { force: true } : {}),
  };
}

/** `clawauth token rm` (the work is `removeToken` in cli/flows/remove_token.ts). */
export async function runTokenRm(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const args = parseTokenRmArgs(argv);
  const resolved = resolveProfileArgs(args);
  const provider = resolved.provider!;
  const id = resolved.profileId ?? `${provider}:default`;
  const { removeToken } = await import("../flows/remove_token.ts");
  const result = await removeToken(ctx, {
    profileId: id,
    keepRemote: args.keepRemote === true,
    force: args.force === true,
  });
  return {
    data: {
      action: "token_rm",
      ...result,
      keychainService: ctx.keychainService,
      keychainAccount: id,
    },
    human: `Removed ${id} (keychain secret and metadata); ${result.revocationMessage}.`,
  };
}

// ---------------------------------------------------------------------------------------------
// token status

/** Status of one profile, as `token status` reports it. */
export type ProfileStatus =
  | "ok"
  | "expiring"
  | "expired"
  | "static"
  | "missing"
  | "needs-login"
  | "keychain-unavailable";

/** One row of `token status`. */
export interface ProfileStatusRow {
  profile: string;
  provider: string;
  name: string;
  status: ProfileStatus;
  type?: string;
  origin?: string;
  refreshable: boolean;
  /** State of the access token alone (`valid`, `expiring` within the refresh margin, `expired`). */
  accessToken?: "valid" | "expiring" | "expired" | "no-expiry";
  expiresAt?: string;
  expiresIn?: number;
  /** Who the account is (provider identity), when known. */
  identity?: ProfileMeta["account"];
  refreshState?: string;
  lastError?: { code: string; message: string; at: string; transient: boolean };
  fixCommand?: string;
  lastUsedAt?: string;
  /** keychain-unavailable: the keychain_unavailable error (backend, reason, fix). */
  error?: { code: string; message: string; backend?: unknown; fix?: unknown };
}

/**
 * Classifies one profile: `missing` without a secret, `needs-login` when marked so, `static`
 * without expiry, `ok` when a refresh token will renew it, else by the expiry against
 * `expiringWithinMs`.
 */
export function statusOf(
  meta: ProfileMeta,
  secret: CredentialSecret | null,
  options: { now: number; expiringWithinMs: number },
): ProfileStatusRow {
  const { now } = options;
  const row: ProfileStatusRow = {
    profile: meta.id,
    provider: meta.provider,
    name: meta.name,
    status: "ok",
    type: meta.type,
    origin: meta.origin,
    refreshable: false,
    identity: meta.identity ?? meta.account,
    refreshState: meta.refresh?.state,
    lastUsedAt: isoOrUndefined(meta.lastUsedAt),
  };
  const lastError = meta.refresh?.lastError;
  if (lastError) row.lastError = { ...lastError, at: new Date(lastError.at).toISOString() };
  if (secret === null) {
    row.status = "missing";
    row.fixCommand = fixCommandFor(meta);
    return row;
  }
  const expiresAt = secret.expires_at;
  row.refreshable = Boolean(secret.refresh_token);
  if (expiresAt === undefined) row.accessToken = "no-expiry";
  else {
    row.expiresAt = new Date(expiresAt).toISOString();
    row.expiresIn = Math.floor((expiresAt - now) / 1000);
    row.accessToken = expiresAt <= now
      ? "expired"
      : isExpiring(secret, now, 0)
      ? "expiring"
      : "valid";
  }
  if (meta.refresh?.state === "needs_login") {
    row.status = "needs-login";
    row.fixCommand = meta.refresh.fixCommand ?? fixCommandFor(meta);
  } else if (expiresAt === undefined) row.status = "static";
  else if (row.refreshable) row.status = "ok";
  else if (expiresAt <= now) {
    row.status = "expired";
    row.fixCommand = fixCommandFor(meta);
  } else if (expiresAt - now <= options.expiringWithinMs) {
    row.status = "expiring";
    row.fixCommand = fixCommandFor(meta);
  }
  return row;
}

function unavailableRow(meta: ProfileMeta, error: ClawauthError): ProfileStatusRow {
  return {
    profile: meta.id,
    provider: meta.provider,
    name: meta.name,
    status: "keychain-unavailable",
    type: meta.type,
    origin: meta.origin,
    refreshable: meta.hasRefreshToken,
    identity: meta.identity ?? meta.account,
    refreshState: meta.refresh?.state,
    error: {
      code: error.code,
      message: error.message,
      backend: error.details.backend,
      fix: error.details.fix,
    },
  };
}

/** Exit code of `token status --check` for these rows. */
export function checkExitCode(rows: readonly ProfileStatusRow[]): number {
  if (rows.length === 0) return 1;
  if (
    rows.some((row) =>
      ["expired", "missing", "needs-login", "keychain-unavailable"].includes(row.status)
    )
  ) return 1;
  if (rows.some((row) => row.status === "expiring")) return 2;
  return 0;
}

/** Parsed `token status` arguments. */
export interface TokenStatusArgs {
  provider?: string;
  check: boolean;
  expiringWithinMs: number;
}

/** Parses `token status [provider] [--check] [--within <duration>]`. */
export function parseTokenStatusArgs(argv: string[]): TokenStatusArgs {
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "token status",
    flags: { check: { type: "boolean" }, within: { type: "string", value: "duration" } },
    positionals: ["provider"],
    required: 0,
  });
  return {
    provider: positionals[0] === undefined ? undefined : parseProviderName(positionals[0]),
    check: flags.check === true,
    expiringWithinMs: flags.within === undefined
      ? STATUS_EXPIRING_WITHIN_MS
      : parseDuration(String(flags.within), "--within") * 1000,
  };
}

/** `clawauth token status`. */
export async function runTokenStatus(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const args = parseTokenStatusArgs(argv);
  const store = await openStore(ctx);
  const now = ctx.now();
  const metas = await listProfileMeta(ctx.stateDir, args.provider);
  const rows: ProfileStatusRow[] = [];
  for (const meta of metas) {
    let record: CredentialRecord | null;
    try {
      record = await store.load(meta.id);
    } catch (error) {
      if (isClawauthError(error) && error.code.startsWith("keychain_")) {
        // Unreachable is not missing: the secret is still where it was stored.
        rows.push(unavailableRow(meta, error));
        continue;
      }
      record = null;
    }
    rows.push(
      statusOf(meta, record?.secret ?? null, { now, expiringWithinMs: args.expiringWithinMs }),
    );
  }
  if (rows.length === 0 && args.provider !== undefined) {
    const id = `${args.provider}:default`;
    rows.push({
      profile: id,
      provider: args.provider,
      name: "default",
      status: "missing",
      refreshable: false,
      fixCommand: `clawauth login start ${args.provider}`,
    });
  }
  const summary: Record<ProfileStatus, number> = {
    ok: 0,
    expiring: 0,
    expired: 0,
    static: 0,
    missing: 0,
    "needs-login": 0,
    "keychain-unavailable": 0,
  };
  for (const row of rows) summary[row.status]++;
  const exitCode = checkExitCode(rows);
  const data = {
    action: "token_status",
    profiles: rows,
    summary,
    ...(args.check ? { checkExitCode: exitCode } : {}),
  };
  const unreachable = rows.some((row) => row.status === "keychain-unavailable");
  return {
    data,
    human: renderStatus(rows, now),
    exitCode: args.check || unreachable ? exitCode : 0,
  };
}

function renderStatus(rows: readonly ProfileStatusRow[], now: number): string {
  if (rows.length === 0) {
    return "No stored credentials. Log in with: clawauth login start <provider>";
  }
  const width = Math.max(...rows.map((row) => row.profile.length));
  return rows.map((row) => {
    const parts = [row.profile.padEnd(width), row.status.padEnd(11)];
    if (row.type) parts.push(row.type);
    if (row.expiresAt !== undefined) {
      const at = Date.parse(row.expiresAt);
      parts.push(
        at > now
          ? `access token expires in ${formatDuration(at - now)}`
          : `access token expired ${formatDuration(now - at)} ago`,
      );
    }
    if (row.refreshable && row.status === "ok") parts.push("(refreshed on use)");
    if (row.fixCommand && row.status !== "ok" && row.status !== "static") {
      parts.push(`→ run: ${row.fixCommand}`);
    }
    if (row.status === "keychain-unavailable" && row.error) {
      parts.push(`the ${row.error.backend} keychain cannot be reached → fix: ${row.error.fix}`);
    }
    return parts.join("  ");
  }).join("\n");
}

// ---------------------------------------------------------------------------------------------
// token order

/** Parsed `token order` arguments. */
export type TokenOrderArgs =
  | { action: "get" | "clear"; provider: string }
  | { action: "set"; provider: string; ids: string[] };

/** Parses `token order get|set|clear <provider> [profile...]`. */
export function parseTokenOrderArgs(argv: string[]): TokenOrderArgs {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--") {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (argv[i].startsWith("-") && argv[i] !== "-") {
      throw usageError(
        `unknown option ${
          JSON.stringify(argv[i].split("=")[0])
        } for \`clawauth token order\`; run \`clawauth token order --help\``,
      );
    }
    words.push(argv[i]);
  }
  const [action, providerWord, ...rest] = words;
  if (action !== "get" && action !== "set" && action !== "clear") {
    throw usageError(
      `token order needs get, set or clear: got ${
        action === undefined ? "nothing" : JSON.stringify(action.slice(0, 40))
      }; usage: clawauth token order get|set|clear <provider> [profile...]`,
    );
  }
  if (providerWord === undefined) {
    throw usageError(
      `missing <provider>: usage: clawauth token order ${action} <provider>${
        action === "set" ? " <profile>..." : ""
      }`,
    );
  }
  const provider = parseProviderName(providerWord);
  if (action !== "set") {
    if (rest.length > 0) {
      throw usageError(
        `token order ${action} takes only <provider>: got ${rest.length} more argument(s)`,
      );
    }
    return { action, provider };
  }
  if (rest.length === 0) {
    throw usageError(
      `token order set needs at least one profile: clawauth token order set ${provider} work personal`,
    );
  }
  const ids: string[] = [];
  for (const word of rest) {
    const id = word.includes(":")
      ? parseProfileId(word).id
      : parseProfileId(`${provider}:${parseProfileName(word)}`).id;
    if (providerOf(id) !== provider) {
      throw usageError(`profile ${id} does not belong to ${provider}`);
    }
    if (ids.includes(id)) throw usageError(`profile ${id} is named twice`);
    ids.push(id);
  }
  return { action, provider, ids };
}

/** `clawauth token order`. */
export async function runTokenOrder(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const args = parseTokenOrderArgs(argv);
  if (args.action === "set") {
    const stored = new Set((await listProfileMeta(ctx.stateDir, args.provider)).map((m) => m.id));
    const unknown = args.ids.filter((id) => !stored.has(id));
    if (unknown.length > 0) {
      ctx.stderr(
        `clawauth: not stored yet: ${
          unknown.join(", ")
        } (kept in the order; skipped until stored)\n`,
      );
    }
    await setOrder(ctx.stateDir, args.provider, args.ids);
  } else if (args.action === "clear") {
    await clearOrder(ctx.stateDir, args.provider);
  }
  const order = await getOrder(ctx.stateDir, args.provider);
  const human = order.length === 0
    ? `No order for ${args.provider}: the profile used last is chosen.`
    : `Order for ${args.provider}: ${order.join(", ")}`;
  return {
    data: { action: `token_order_${args.action}`, provider: args.provider, order },
    human,
  };
}

// ---------------------------------------------------------------------------------------------
// token paste

/** Parsed `token paste` arguments. */
export interface TokenPasteArgs {
  provider: string;
  profile: string;
  type: "token" | "api_key";
  expiresInSeconds?: number;
}

const SECRET_FLAG_PATTERN = /^--?(token|key|api-key|api_key|secret|access-token|value)(=|$)/i;

/** Parses `token paste <provider> [--profile] [--type] [--expires-in]`; refuses a secret in argv. */
export function parseTokenPasteArgs(argv: string[]): TokenPasteArgs {
  const refuse = () =>
    usageError(
      "token paste reads the secret from stdin, never from the command line (other processes " +
        "can read a command line): e.g. `pbpaste | clawauth token paste <provider>` or " +
        "`clawauth token paste <provider> < file`",
    );
  if (argv.some((arg) => SECRET_FLAG_PATTERN.test(arg))) throw refuse();
  // Parse with room for extra positionals so a secret given as one is never echoed back.
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "token paste",
    flags: {
      profile: { type: "string", value: "name" },
      type: { type: "string", value: "token|api_key" },
      "expires-in": { type: "string", value: "duration" },
    },
    positionals: ["provider", ...argv.map((_, i) => `extra${i}`)],
    required: 1,
  });
  if (positionals.length > 1) throw refuse();
  const type = flags.type === undefined ? "token" : String(flags.type);
  if (type !== "token" && type !== "api_key") {
    throw usageError(`--type must be token or api_key: got ${JSON.stringify(type.slice(0, 40))}`);
  }
  const resolved = resolveProfileArgs({
    provider: providerArg(positionals[0]),
    profile: flags.profile === undefined ? undefined : profileArg(String(flags.profile)),
  });
  const id = resolved.profileId ?? `${resolved.provider}:default`;
  return {
    provider: providerOf(id),
    profile: nameOf(id),
    type,
    expiresInSeconds: flags["expires-in"] === undefined
      ? undefined
      : parseDuration(String(flags["expires-in"]), "--expires-in"),
  };
}

/**
 * Reads the pasted secret: all of stdin (at most {@linkcode MAX_PASTED_SECRET_BYTES}), one
 * trailing newline (`\n` or `\r\n`) removed; refuses empty or whitespace-only input.
 */
export async function readPastedSecret(stdin: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stdin.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > MAX_PASTED_SECRET_BYTES) {
        throw usageError(`the secret on stdin is larger than ${MAX_PASTED_SECRET_BYTES} bytes`);
      }
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw usageError("the secret on stdin is not valid UTF-8 text");
  }
  if (text.endsWith("\r\n")) text = text.slice(0, -2);
  else if (text.endsWith("\n")) text = text.slice(0, -1);
  if (text.trim() === "") {
    throw usageError(
      "no secret on stdin: pipe it in, e.g. `pbpaste | clawauth token paste <provider>`, " +
        "or paste it on the terminal and press Ctrl-D",
    );
  }
  return text;
}

/**
 * Stores a pasted secret (a `token` or `api_key`, never refreshed) under the profile's lock,
 * saying on stderr when it replaces a credential of another origin; the profile's local OAuth
 * client, if any, is forgotten. Shared by `token paste` and `token setup-token`.
 */
export async function storePastedCredential(
  ctx: CliContext,
  store: CredentialStore,
  pasted: {
    id: string;
    provider: string;
    type: "token" | "api_key";
    value: string;
    /** Epoch ms. */
    expiresAt?: number;
  },
): Promise<CredentialRecord> {
  const { id, type, value } = pasted;
  return await withLock(lockPathFor(ctx.stateDir, id), async () => {
    const previous = await readProfileMeta(ctx.stateDir, id);
    if (previous !== null && previous.origin !== "pasted") {
      ctx.stderr(
        `clawauth: replacing the ${previous.origin} ${previous.type} credential of ${id}\n`,
      );
    }
    const secret: CredentialSecret = {
      type,
      provider: pasted.provider,
      access_token: value,
      key: value,
      saved_at: new Date(ctx.now()).toISOString(),
      generation: 0,
    };
    if (type === "token") secret.token_type = "Bearer";
    if (pasted.expiresAt !== undefined) secret.expires_at = pasted.expiresAt;
    const saved = await store.save({
      id,
      type,
      origin: "pasted",
      refresh: { state: "idle" },
      secret,
    });
    await removeLocalClient(ctx.stateDir, id);
    return saved;
  });
}

/** `clawauth token paste`. */
export async function runTokenPaste(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const args = parseTokenPasteArgs(argv);
  const id = `${args.provider}:${args.profile}`;
  if (ctx.isTerminal) {
    ctx.stderr(
      `Paste the ${
        args.type === "api_key" ? "API key" : "token"
      } for ${id}, press Enter, then Ctrl-D:\n`,
    );
  }
  const value = await readPastedSecret(ctx.stdin);
  if (/[\r\n]/.test(value)) {
    ctx.stderr("clawauth: warning: the pasted secret spans several lines; stored as given\n");
  }
  const now = ctx.now();
  const store = await openStore(ctx);
  const expiresAt = args.expiresInSeconds === undefined
    ? undefined
    : now + args.expiresInSeconds * 1000;

  const record = await storePastedCredential(ctx, store, {
    id,
    provider: args.provider,
    type: args.type,
    value,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  });

  return {
    data: {
      action: "token_paste",
      stored: true,
      profile: id,
      provider: args.provider,
      type: args.type,
      expiresAt: isoOrUndefined(expiresAt),
      storedInKeychain: true,
      keychainService: record.meta.keychainService,
      keychainAccount: record.meta.keychainAccount,
    },
    human: `Stored the ${args.type === "api_key" ? "API key" : "token"} for ${id}${
      expiresAt === undefined ? "" : ` (expires in ${formatDuration(expiresAt - now)})`
    }. Use it with: clawauth token get ${args.provider}${
      args.profile === "default" ? "" : ` --profile ${args.profile}`
    }`,
  };
}
