/**
 * The token sink's read path: `getValidToken` returns a usable credential for a profile,
 * refreshing it first under the profile's cross-process lock when the access token expires
 * within the margin (or when forced).
 *
 * Crash safety: before the refresh grant is sent, the profile's metadata records
 * `refresh.state = "in_flight"` with the secret generation it started from. The rotated
 * refresh token is saved before the lock is released. A later caller that finds `in_flight`
 * while holding the lock knows the refresher is gone: it adopts a saved result (secret
 * generation moved past `fromGeneration`) or retries with the stored refresh token, which
 * either works or tells clearly that a new login is needed.
 *
 * Error classes: `invalid_grant` (revoked, expired, spent) → the profile is marked
 * `needs_login` and the error names the command that fixes it; network, 5xx, 429 and
 * `upstream_unavailable` → the record is left as it was (only `lastError` is noted) and the
 * error says it was transient. Credentials are never deleted here. Whatever the failure, an
 * unforced call whose stored access token has not expired yet gets that token back (`stale`,
 * with `refreshError` and a warning on stderr) instead of the error.
 *
 * How the grant is sent: `login local` tokens directly at the provider (local_refresh.ts),
 * delegated tokens through the server, bound to the profile's key (delegated_refresh.ts).
 */

import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import type { CliContext } from "../context.ts";
import { lockPathFor, withLock } from "../lock.ts";
import {
  accountFromTokenData,
  CredentialStore,
  secretFromTokenData,
} from "../store/credentials.ts";
import {
  parseProfileId,
  selectProfile,
  touchProfile,
  writeProfileMeta,
} from "../store/profiles.ts";
import type {
  CredentialRecord,
  CredentialSecret,
  ProfileMeta,
  RefreshState,
} from "../store/types.ts";
import type { GrantOutcome } from "./delegated_refresh.ts";

// Loaded only when a refresh runs: a valid token's `token get` needs none of it.
const refreshDeps = () => import("./refresh_deps.ts");

/** `last_used_at` is rewritten at most this often for a profile picked implicitly. */
export const TOUCH_RESOLUTION_MS = 60_000;

/** Refresh when the access token expires within this margin (plus jitter). */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** Up to this much is added to the margin, so machines sharing an account spread out. */
export const REFRESH_JITTER_MS = 30_000;
/** A secret a peer saved while we waited is used when it stays valid at least this long. */
export const PEER_RESULT_MIN_REMAINING_MS = 30_000;
/** How long a caller waits for a peer's refresh before giving up with `lock_timeout`. */
export const REFRESH_LOCK_TIMEOUT_MS = 45_000;

/**
 * Test-only hooks (never set them in production): pause this many milliseconds after
 * recording `in_flight` / after the refresh grant answered, printing a marker line on stderr,
 * so end-to-end tests can kill the process at exactly that point.
 */
export const TEST_PAUSE_AFTER_IN_FLIGHT_ENV = "CLAWAUTH_TEST_PAUSE_AFTER_IN_FLIGHT_MS";
/** @see TEST_PAUSE_AFTER_IN_FLIGHT_ENV */
export const TEST_PAUSE_AFTER_GRANT_ENV = "CLAWAUTH_TEST_PAUSE_AFTER_GRANT_MS";

/** Which credential to return and whether to refresh regardless of expiry. */
export interface GetValidTokenOptions {
  /** Provider name, or a full profile id (`github:work`). */
  provider?: string;
  /** Profile name (`work`) or id (`github:work`). */
  profile?: string;
  /** Refresh even when the access token is still valid (`token refresh`). */
  force?: boolean;
  /** Source of the jitter in [0, 1); defaults to `Math.random`. */
  random?: () => number;
}

/** What {@linkcode ensureValidToken} did. */
export interface ValidTokenOutcome {
  record: CredentialRecord;
  /**
   * `none`: the stored token was fine; `refreshed`: this call refreshed it; `peer`: another
   * process refreshed it while this one waited for the lock; `adopted`: a crashed refresher's
   * saved result was adopted; `stale`: the refresh failed (any reason), the stored, still
   * valid token is returned and `refreshError` says why.
   */
  refresh: "none" | "refreshed" | "peer" | "adopted" | "stale";
  /** Set with `stale`: the refresh's error code and message (a warning went to stderr). */
  refreshError?: { code: string; message: string; fix?: string };
}

/** Returns a valid credential for the selected profile, refreshing it first when needed. */
export async function getValidToken(
  ctx: CliContext,
  options: GetValidTokenOptions = {},
): Promise<CredentialRecord> {
  return (await ensureValidToken(ctx, options)).record;
}

/** The exact command that gives a profile a new credential, by how it was obtained. */
export function fixCommandFor(meta: Pick<ProfileMeta, "provider" | "name" | "origin">): string {
  const profile = meta.name === "default" ? "" : ` --profile ${meta.name}`;
  switch (meta.origin) {
    case "local":
      return `clawauth login local ${meta.provider}${profile}`;
    case "pasted":
      return `clawauth token paste ${meta.provider}${profile}`;
    default:
      return `clawauth login start ${meta.provider}${profile}`;
  }
}

/** Resolves `provider` / `profile` arguments to a profile id, or only a provider, or nothing. */
export function resolveProfileArgs(
  options: { provider?: string; profile?: string },
): { provider?: string; profileId?: string } {
  let provider = options.provider;
  let profileId: string | undefined;
  if (provider?.includes(":")) {
    profileId = parseProfileId(provider).id;
    provider = profileId.slice(0, profileId.indexOf(":"));
  }
  if (options.profile !== undefined) {
    if (options.profile.includes(":")) {
      const id = parseProfileId(options.profile).id;
      const idProvider = id.slice(0, id.indexOf(":"));
      if (provider !== undefined && provider !== idProvider) {
        throw new ClawauthError(
          ERROR_CODES.USAGE,
          `--profile ${options.profile} belongs to ${idProvider}, not ${provider}`,
        );
      }
      if (profileId !== undefined && profileId !== id) {
        throw new ClawauthError(
          ERROR_CODES.USAGE,
          `two different profiles named: ${profileId} and ${id}`,
        );
      }
      return { provider: idProvider, profileId: id };
    }
    if (provider === undefined) {
      throw new ClawauthError(
        ERROR_CODES.USAGE,
        `--profile ${options.profile} needs a provider: e.g. clawauth token get github --profile ${options.profile}`,
      );
    }
    const id = parseProfileId(`${provider}:${options.profile}`).id;
    if (profileId !== undefined && profileId !== id) {
      throw new ClawauthError(
        ERROR_CODES.USAGE,
        `two different profiles named: ${profileId} and ${id}`,
      );
    }
    profileId = id;
  }
  return {
    ...(provider !== undefined ? { provider } : {}),
    ...(profileId !== undefined ? { profileId } : {}),
  };
}

function notFound(args: { provider?: string; profileId?: string }): ClawauthError {
  if (args.profileId !== undefined) {
    const [provider, name] = [
      args.profileId.slice(0, args.profileId.indexOf(":")),
      args.profileId.slice(args.profileId.indexOf(":") + 1),
    ];
    return new ClawauthError(
      ERROR_CODES.TOKEN_NOT_FOUND,
      `no token stored for ${args.profileId}; log in with: clawauth login start ${provider}${
        name === "default" ? "" : ` --profile ${name}`
      } (see stored profiles with: clawauth token list)`,
      { details: { profile: args.profileId } },
    );
  }
  if (args.provider !== undefined) {
    return new ClawauthError(
      ERROR_CODES.TOKEN_NOT_FOUND,
      `no token stored for ${args.provider}; log in with: clawauth login start ${args.provider} (see stored profiles with: clawauth token list)`,
      { details: { provider: args.provider } },
    );
  }
  return new ClawauthError(
    ERROR_CODES.TOKEN_NOT_FOUND,
    "no token stored; log in with: clawauth login start <provider> (see: clawauth token list)",
  );
}

function needsLoginError(meta: ProfileMeta, why: string): ClawauthError {
  const fixCommand = meta.refresh.fixCommand ?? fixCommandFor(meta);
  return new ClawauthError(
    ERROR_CODES.NEEDS_LOGIN,
    `${meta.id} needs a new login: ${why}. Run: ${fixCommand}`,
    { details: { profile: meta.id, fixCommand } },
  );
}

function missingSecretError(meta: ProfileMeta): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.TOKEN_NOT_FOUND,
    `${meta.id} has metadata but no secret in the keychain (service ${meta.keychainService}, account ${meta.keychainAccount}); ` +
      `log in again with: ${
        fixCommandFor(meta)
      }, or remove it with: clawauth token rm ${meta.provider} --profile ${meta.name}`,
    { details: { profile: meta.id } },
  );
}

/**
 * The refresh margin for one secret: {@linkcode REFRESH_MARGIN_MS} plus `jitter` × {@linkcode
 * REFRESH_JITTER_MS}, but at most half the token's lifetime (saved_at → expires_at), so a
 * provider with access tokens shorter than the margin does not see a refresh on every use.
 */
export function refreshMarginFor(secret: CredentialSecret, jitter: number): number {
  const margin = REFRESH_MARGIN_MS +
    Math.floor(Math.min(Math.max(jitter, 0), 1) * REFRESH_JITTER_MS);
  const savedAt = Date.parse(secret.saved_at);
  if (secret.expires_at === undefined || !Number.isFinite(savedAt)) return margin;
  const lifetime = secret.expires_at - savedAt;
  return lifetime > 0 ? Math.min(margin, Math.floor(lifetime / 2)) : margin;
}

/** True when the access token has an expiry within its refresh margin of `now`. */
export function isExpiring(secret: CredentialSecret, now: number, jitter: number): boolean {
  return secret.expires_at !== undefined &&
    secret.expires_at - now <= refreshMarginFor(secret, jitter);
}

/** Same as {@linkcode getValidToken}, and says whether (and by whom) a refresh happened. */
export async function ensureValidToken(
  ctx: CliContext,
  options: GetValidTokenOptions = {},
): Promise<ValidTokenOutcome> {
  const args = resolveProfileArgs(options);
  const keychain = await ctx.keychain();
  const store = new CredentialStore({
    keychain,
    stateDir: ctx.stateDir,
    keychainService: ctx.keychainService,
    now: ctx.now,
  });
  const meta = await selectProfile(ctx.stateDir, {
    provider: args.provider,
    profile: args.profileId,
  });
  let record: CredentialRecord | null;
  if (meta !== null) {
    record = await store.load(meta.id);
    if (record === null) throw missingSecretError(meta);
  } else {
    // A 0.4 record has a keychain entry but no metadata yet; load() adopts it.
    const legacyId = args.profileId ?? (args.provider ? `${args.provider}:default` : undefined);
    record = legacyId === undefined ? null : await store.load(legacyId);
    if (record === null && args.profileId === undefined && args.provider !== undefined) {
      const { providerTokenNotFound } = await import("./not_found.ts");
      throw await providerTokenNotFound(ctx, args.provider);
    }
    if (record === null) throw notFound(args);
  }

  const force = options.force === true;
  const jitter = (options.random ?? Math.random)();
  const outcome = await decideAndRefresh(ctx, store, record, { force, jitter });
  // No file write on the hot path unless something changed: a profile picked without naming
  // it (by order, or as the one used last) and used within the last minute stays the one
  // picked; only its `last_used_at` is up to a minute old.
  const lastUsedAt = outcome.record.meta.lastUsedAt;
  const recent = lastUsedAt !== undefined && ctx.now() - lastUsedAt < TOUCH_RESOLUTION_MS;
  if (args.profileId !== undefined || !recent) {
    await touchProfile(ctx.stateDir, outcome.record.meta.id, ctx.now()).catch(() => {});
  }
  return outcome;
}

async function decideAndRefresh(
  ctx: CliContext,
  store: CredentialStore,
  record: CredentialRecord,
  options: { force: boolean; jitter: number },
): Promise<ValidTokenOutcome> {
  const { meta, secret } = record;
  const now = ctx.now();
  if (meta.refresh.state === "needs_login") {
    return staleOrThrow(
      ctx,
      record,
      needsLoginError(meta, meta.refresh.reason ?? "the provider refused the stored refresh token"),
      options.force,
    );
  }
  if (meta.refresh.state !== "in_flight") {
    if (!secret.refresh_token) {
      if (secret.expires_at !== undefined && secret.expires_at <= now) {
        throw needsLoginError(meta, "the token expired and there is no refresh token to renew it");
      }
      if (options.force) {
        throw cannotRefresh(
          meta,
          secret.expires_at === undefined
            ? "it is a static token (no expiry, no refresh token)"
            : "it has no refresh token",
        );
      }
      return { record, refresh: "none" };
    }
    if (!options.force && !isExpiring(secret, now, options.jitter)) {
      return { record, refresh: "none" };
    }
  }

  return await withLock(
    lockPathFor(ctx.stateDir, meta.id),
    () => refreshUnderLock(ctx, store, record, options),
    {
      timeoutMs: REFRESH_LOCK_TIMEOUT_MS,
      onWait: ({ holderPid }) =>
        ctx.stderr(
          `clawauth: waiting for ${
            holderPid ? `process ${holderPid}` : "another process"
          } to finish refreshing ${meta.id}\n`,
        ),
    },
  );
}

function cannotRefresh(meta: ProfileMeta, why: string): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.REFRESH_FAILED,
    `${meta.id} cannot be refreshed: ${why}; the stored token is unchanged`,
    { details: { profile: meta.id } },
  );
}

async function refreshUnderLock(
  ctx: CliContext,
  store: CredentialStore,
  seen: CredentialRecord,
  options: { force: boolean; jitter: number },
): Promise<ValidTokenOutcome> {
  const current = await store.load(seen.meta.id);
  if (current === null) throw notFound({ profileId: seen.meta.id });
  const { meta, secret } = current;

  if (meta.refresh.state === "in_flight") {
    // We hold the lock, so whoever wrote `in_flight` is gone (the kernel released its lock).
    return await recoverInterruptedRefresh(ctx, store, current, options);
  }
  if (meta.refresh.state === "needs_login") {
    return staleOrThrow(
      ctx,
      current,
      needsLoginError(meta, meta.refresh.reason ?? "the provider refused the stored refresh token"),
      options.force,
    );
  }
  const now = ctx.now();
  if (secret.generation !== seen.secret.generation) {
    // A peer wrote a new secret while we waited (a refresh, or a new login): use it, unless it
    // is already about to lapse.
    if (
      options.force || secret.expires_at === undefined ||
      secret.expires_at - now > PEER_RESULT_MIN_REMAINING_MS
    ) {
      return { record: current, refresh: "peer" };
    }
  }
  if (!secret.refresh_token) {
    if (secret.expires_at !== undefined && secret.expires_at <= now) {
      throw needsLoginError(meta, "the token expired and there is no refresh token to renew it");
    }
    if (options.force) throw cannotRefresh(meta, "it has no refresh token");
    return { record: current, refresh: "none" };
  }
  if (!options.force && !isExpiring(secret, now, options.jitter)) {
    return { record: current, refresh: "none" };
  }
  return await runRefresh(ctx, store, current, { force: options.force, recovering: false });
}

async function recoverInterruptedRefresh(
  ctx: CliContext,
  store: CredentialStore,
  current: CredentialRecord,
  options: { force: boolean; jitter: number },
): Promise<ValidTokenOutcome> {
  const { meta, secret } = current;
  const from = meta.refresh.fromGeneration;
  const who = `process ${meta.refresh.pid ?? "?"}${
    meta.refresh.startedAt ? ` (started ${new Date(meta.refresh.startedAt).toISOString()})` : ""
  }`;
  if (from !== undefined && secret.generation > from) {
    // The refresher saved its result and died before clearing the marker: adopt the result.
    const adopted: ProfileMeta = {
      ...meta,
      ...metaFieldsFromSecret(secret),
      updatedAt: ctx.now(),
      refresh: { state: "idle", lastError: meta.refresh.lastError },
    };
    await writeProfileMeta(ctx.stateDir, adopted);
    ctx.stderr(`clawauth: adopted the refresh of ${meta.id} that ${who} saved before it stopped\n`);
    const record = { meta: adopted, secret };
    // A forced refresh is satisfied by the adopted one; an unforced one still wants a fresh token.
    if (!options.force && isExpiring(secret, ctx.now(), options.jitter)) {
      return await runRefresh(ctx, store, record, { force: false, recovering: false });
    }
    return { record, refresh: "adopted" };
  }
  if (!secret.refresh_token) {
    throw needsLoginError(meta, "an interrupted refresh left no refresh token");
  }
  ctx.stderr(
    `clawauth: a refresh of ${meta.id} by ${who} did not finish; retrying with the stored refresh token\n`,
  );
  return await runRefresh(ctx, store, current, { force: options.force, recovering: true });
}

function metaFieldsFromSecret(secret: CredentialSecret): Partial<ProfileMeta> {
  return {
    expiresAt: secret.expires_at,
    scope: secret.scope,
    hasRefreshToken: Boolean(secret.refresh_token),
  };
}

async function testPause(ctx: CliContext, envName: string, label: string): Promise<void> {
  const value = ctx.env[envName];
  if (value === undefined || value === "") return;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms <= 0) return;
  ctx.stderr(`clawauth-test: paused ${label} (pid ${Deno.pid})\n`);
  await ctx.sleep(ms);
}

async function runRefresh(
  ctx: CliContext,
  store: CredentialStore,
  current: CredentialRecord,
  options: { force: boolean; recovering: boolean },
): Promise<ValidTokenOutcome> {
  const { meta, secret } = current;
  const startedAt = ctx.now();
  const inFlight: ProfileMeta = {
    ...meta,
    refresh: {
      state: "in_flight",
      startedAt,
      pid: Deno.pid,
      fromGeneration: secret.generation,
      lastError: meta.refresh.lastError,
    },
  };
  await writeProfileMeta(ctx.stateDir, inFlight);
  await testPause(ctx, TEST_PAUSE_AFTER_IN_FLIGHT_ENV, "after marking the refresh in flight");

  let outcome: GrantOutcome;
  try {
    outcome = await sendRefreshGrant(ctx, current);
  } catch (error) {
    await writeProfileMeta(
      ctx.stateDir,
      withRefreshState(inFlight, {
        state: "idle",
        lastError: lastErrorOf("internal_error", String(error), ctx.now(), false),
      }),
    ).catch(() => {});
    throw error;
  }
  await testPause(ctx, TEST_PAUSE_AFTER_GRANT_ENV, "after the refresh grant answered");

  if (outcome.ok) {
    const next = mergeRefreshedSecret(
      secret,
      secretFromTokenData(meta.provider, outcome.tokenData, ctx.now()),
    );
    keepBinding(next, secret, outcome.refreshBinding);
    const account = accountFromTokenData(outcome.tokenData) ?? meta.account;
    let saved: CredentialRecord;
    try {
      saved = await store.save({
        id: meta.id,
        type: meta.type,
        origin: meta.origin,
        server: meta.server,
        account,
        refresh: { state: "idle" },
        secret: next,
      });
    } catch (error) {
      // The provider may have spent the old refresh token: the new one must not be lost.
      const { writeRecoveryFile } = await refreshDeps();
      const path = await writeRecoveryFile(ctx.stateDir, {
        provider: meta.provider,
        profile: meta.name,
        tokenData: outcome.tokenData,
      });
      throw new ClawauthError(
        ERROR_CODES.STORAGE_FAILED,
        `refreshed ${meta.id} but could not store the new token (${
          error instanceof Error ? error.message : String(error)
        }); it was written to ${path} (mode 0600): fix the keychain, then log in again or restore it from there`,
        { details: { profile: meta.id, recoveryFile: path }, cause: error },
      );
    }
    return { record: saved, refresh: "refreshed" };
  }

  const lastError = lastErrorOf(
    outcome.code,
    outcome.message,
    ctx.now(),
    outcome.kind === "transient",
  );
  if (outcome.kind === "invalid_grant" || outcome.kind === "needs_login") {
    const fixCommand = fixCommandFor(meta);
    const reason = outcome.kind === "needs_login"
      ? (await refreshDeps()).needsLoginReason(outcome.code, outcome.message)
      : options.recovering
      ? `a refresh interrupted earlier may have spent the refresh token, and the provider now refuses it (${outcome.message})`
      : `the provider refused the refresh token (${outcome.message})`;
    const marked = withRefreshState(inFlight, {
      state: "needs_login",
      reason,
      fixCommand,
      lastError,
    });
    await writeProfileMeta(ctx.stateDir, marked);
    return staleOrThrow(ctx, current, needsLoginError(marked, reason), options.force);
  }

  await writeProfileMeta(ctx.stateDir, withRefreshState(inFlight, { state: "idle", lastError }));
  const error = outcome.kind === "transient"
    ? new ClawauthError(
      ERROR_CODES.TRANSIENT,
      `refreshing ${meta.id} failed with a transient error (${outcome.message}); the stored credentials are unchanged, retry later`,
      { details: { profile: meta.id, transient: true } },
    )
    : new ClawauthError(
      ERROR_CODES.REFRESH_FAILED,
      `refreshing ${meta.id} failed (${outcome.message}); the stored credentials are unchanged`,
      { details: { profile: meta.id } },
    );
  return staleOrThrow(ctx, current, error, options.force);
}

/**
 * A failed refresh does not take a valid token away: unless the refresh was forced, a stored
 * access token that has not expired yet is returned (`stale`) with a warning on stderr and
 * the error in `refreshError`. Otherwise the error is thrown.
 */
function staleOrThrow(
  ctx: CliContext,
  record: CredentialRecord,
  error: ClawauthError,
  force: boolean,
): ValidTokenOutcome {
  const expiresAt = record.secret.expires_at;
  const usable = record.secret.access_token !== undefined || record.secret.key !== undefined;
  if (force || !usable || (expiresAt !== undefined && expiresAt <= ctx.now())) throw error;
  ctx.stderr(
    `clawauth: warning: ${error.message}; using the stored token${
      expiresAt !== undefined ? `, valid until ${new Date(expiresAt).toISOString()}` : ""
    }\n`,
  );
  return {
    record,
    refresh: "stale",
    refreshError: {
      code: error.code,
      message: error.message,
      ...(typeof error.details.fixCommand === "string" ? { fix: error.details.fixCommand } : {}),
    },
  };
}

/**
 * Carries the refresh key and binding over to the refreshed secret: the server's new binding
 * when it sent one, else the old one as long as the refresh token did not change (a binding
 * is for one refresh token).
 */
function keepBinding(
  next: CredentialSecret,
  old: CredentialSecret,
  binding: string | undefined,
): void {
  if (old.refresh_key === undefined) return;
  if (binding !== undefined) {
    next.refresh_key = old.refresh_key;
    next.refresh_binding = binding;
  } else if (old.refresh_binding !== undefined && next.refresh_token === old.refresh_token) {
    next.refresh_key = old.refresh_key;
    next.refresh_binding = old.refresh_binding;
  }
}

function withRefreshState(meta: ProfileMeta, refresh: RefreshState): ProfileMeta {
  return { ...meta, refresh };
}

function lastErrorOf(
  code: string,
  message: string,
  at: number,
  transient: boolean,
): NonNullable<RefreshState["lastError"]> {
  return { code, message: message.slice(0, 300), at, transient };
}

/**
 * The refreshed secret: the new response's fields, keeping the old refresh token when the
 * response omits one (RFC 6749 §6: the server MAY issue a new one), and the old id token,
 * scope and token type likewise.
 */
export function mergeRefreshedSecret(
  old: CredentialSecret,
  fresh: CredentialSecret,
): CredentialSecret {
  const next: CredentialSecret = { ...fresh, generation: old.generation };
  if (!next.refresh_token && old.refresh_token) next.refresh_token = old.refresh_token;
  if (!next.id_token && old.id_token) next.id_token = old.id_token;
  if (!next.scope && old.scope) next.scope = old.scope;
  if (!next.token_type && old.token_type) next.token_type = old.token_type;
  return next;
}

async function sendRefreshGrant(
  ctx: CliContext,
  record: CredentialRecord,
): Promise<GrantOutcome> {
  const { refreshAtProvider, refreshThroughServer } = await refreshDeps();
  return record.meta.origin === "local"
    ? await refreshAtProvider(ctx, record)
    : await refreshThroughServer(ctx, record);
}
