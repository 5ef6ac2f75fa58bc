/**
 * Login-session material. The secret keys live in the keychain under
 * `<sessionKeychainService>` / `<sessionId>` as the 0.4 JSON
 * `{provider, signSecretKey, boxSecretKey, createdAt, expiresIn}` (plus `refreshSecretKey`, the
 * profile's future refresh key, since 0.5); a non-secret index file
 * `<stateDir>/sessions/<sessionId>.json` lets `clawauth sessions` list them.
 */
import { join } from "../path.ts";
import { ClawauthError } from "../../shared/errors.ts";
import type { Keychain } from "../keychain/keychain.ts";
import { keychainFailure, recordedKeychain } from "../keychain/recorded.ts";
import { readJsonFile, removeFileIfExists, writeFileAtomic } from "./atomic_write.ts";
import { checkStateTree } from "./trusted_path.ts";

/** What the session functions need from the CLI context. */
export interface SessionStoreContext {
  keychain: Keychain;
  sessionKeychainService: string;
  stateDir: string;
}

/** The non-secret index entry of one login session. */
export interface SessionIndexEntry {
  sessionId: string;
  provider: string;
  /** Profile name the claimed token is saved under. */
  profile: string;
  /** Server base URL the session was started on. */
  server?: string;
  /** As given at start (0.4 used an ISO string; numbers are epoch ms). */
  createdAt: string | number;
  /** Seconds from `createdAt` until the server forgets the session. */
  expiresIn: number;
  /** The link to send to the human (as `login start` printed it). */
  shortAuthUrl?: string;
  /** The code the confirmation page shows (`KXRT-4MPQ`), when the server gave one. */
  confirmationCode?: string;
  /** Keychain backend holding the session's keys (see cli/keychain/recorded.ts). */
  keychainBackend?: string;
}

/** What is left of a session this machine claimed: where its token went. */
export interface ClaimTombstone {
  sessionId: string;
  provider: string;
  /** Profile id the token was stored as, e.g. `demo:default`. */
  profile: string;
  /** ISO time of the claim. */
  claimedAt: string;
}

/** How long a claimed session is remembered (to answer a second claim). */
export const TOMBSTONE_TTL_MS = 7 * 86400_000;

/** A session with its key material. */
export interface SessionMaterial extends SessionIndexEntry {
  /** base64 Ed25519 secret key (signs status/claim requests). */
  signSecretKey: string;
  /** base64 X25519 secret key (opens the sealed token). */
  boxSecretKey: string;
  /** base64 Ed25519 secret key the claimed refresh token gets bound to (absent in 0.4 sessions). */
  refreshSecretKey?: string;
}

const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

function checkSessionId(sessionId: string): void {
  if (typeof sessionId !== "string" || !SESSION_ID_PATTERN.test(sessionId)) {
    throw new ClawauthError(
      "usage",
      `session id must be 1 to 128 letters, digits, '_' or '-': current value is '${
        String(sessionId).slice(0, 140)
      }'`,
    );
  }
}

function indexPath(stateDir: string, sessionId: string): string {
  return join(stateDir, "sessions", `${sessionId}.json`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function keychainError(error: unknown, action: string, keychain: Keychain): ClawauthError {
  return keychainFailure(error, keychain, { action });
}

function optionalString(value: unknown, max = 2048): string | undefined {
  return typeof value === "string" && value !== "" && value.length <= max ? value : undefined;
}

function toEntry(value: unknown): SessionIndexEntry | null {
  if (
    !isObject(value) || typeof value.sessionId !== "string" ||
    typeof value.provider !== "string" || typeof value.profile !== "string" ||
    (typeof value.createdAt !== "string" && typeof value.createdAt !== "number") ||
    typeof value.expiresIn !== "number"
  ) {
    return null;
  }
  return {
    sessionId: value.sessionId,
    provider: value.provider,
    profile: value.profile,
    ...(typeof value.server === "string" ? { server: value.server } : {}),
    createdAt: value.createdAt,
    expiresIn: value.expiresIn,
    ...optionalFields(value),
  };
}

function optionalFields(
  value: Record<string, unknown>,
): Pick<SessionIndexEntry, "shortAuthUrl" | "confirmationCode" | "keychainBackend"> {
  const shortAuthUrl = optionalString(value.shortAuthUrl);
  const confirmationCode = optionalString(value.confirmationCode, 64);
  const keychainBackend = optionalString(value.keychainBackend, 32);
  return {
    ...(shortAuthUrl !== undefined ? { shortAuthUrl } : {}),
    ...(confirmationCode !== undefined ? { confirmationCode } : {}),
    ...(keychainBackend !== undefined ? { keychainBackend } : {}),
  };
}

/** Stores a session's keys in the keychain (first) and its index entry. */
export async function saveSession(
  ctx: SessionStoreContext,
  session: SessionMaterial,
): Promise<void> {
  checkSessionId(session.sessionId);
  const secret = JSON.stringify({
    provider: session.provider,
    signSecretKey: session.signSecretKey,
    boxSecretKey: session.boxSecretKey,
    ...(session.refreshSecretKey !== undefined
      ? { refreshSecretKey: session.refreshSecretKey }
      : {}),
    createdAt: session.createdAt,
    expiresIn: session.expiresIn,
  });
  try {
    await ctx.keychain.store(ctx.sessionKeychainService, session.sessionId, secret);
  } catch (error) {
    throw keychainError(error, "store the session keys", ctx.keychain);
  }
  const entry: SessionIndexEntry = {
    sessionId: session.sessionId,
    provider: session.provider,
    profile: session.profile,
    ...(session.server !== undefined ? { server: session.server } : {}),
    createdAt: session.createdAt,
    expiresIn: session.expiresIn,
    ...optionalFields(session as unknown as Record<string, unknown>),
    keychainBackend: ctx.keychain.name,
  };
  await checkStateTree(ctx.stateDir, indexPath(ctx.stateDir, session.sessionId));
  await writeFileAtomic(
    indexPath(ctx.stateDir, session.sessionId),
    JSON.stringify(entry, null, 2) + "\n",
  );
}

/**
 * Loads a session's keys and index entry. `null` when the keychain has no keys for it. A
 * 0.4 session (keys only, no index) loads with profile `default` and no server.
 */
export async function loadSession(
  ctx: SessionStoreContext,
  sessionId: string,
): Promise<SessionMaterial | null> {
  checkSessionId(sessionId);
  await checkStateTree(ctx.stateDir, indexPath(ctx.stateDir, sessionId));
  const entry = toEntry(await readJsonFile(indexPath(ctx.stateDir, sessionId)));
  const keychain = await recordedKeychain(ctx.keychain, entry?.keychainBackend, {
    stateDir: ctx.stateDir,
    subject: `login session ${sessionId}`,
  });
  let text: string | null;
  try {
    text = await keychain.get(ctx.sessionKeychainService, sessionId);
  } catch (error) {
    throw keychainError(error, "read the session keys", keychain);
  }
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  if (
    !isObject(raw) || typeof raw.signSecretKey !== "string" ||
    typeof raw.boxSecretKey !== "string" || typeof raw.provider !== "string"
  ) {
    throw new ClawauthError(
      "storage_failed",
      `the keychain entry of session ${sessionId} is not valid; run 'clawauth session-rm ${sessionId}' and start a new login`,
    );
  }
  const createdAt = typeof raw.createdAt === "string" || typeof raw.createdAt === "number"
    ? raw.createdAt
    : (entry?.createdAt ?? 0);
  return {
    sessionId,
    provider: raw.provider,
    profile: entry?.profile ?? "default",
    ...(entry?.server !== undefined ? { server: entry.server } : {}),
    createdAt,
    expiresIn: typeof raw.expiresIn === "number" ? raw.expiresIn : (entry?.expiresIn ?? 0),
    ...(entry ? optionalFields(entry as unknown as Record<string, unknown>) : {}),
    signSecretKey: raw.signSecretKey,
    boxSecretKey: raw.boxSecretKey,
    ...(typeof raw.refreshSecretKey === "string" ? { refreshSecretKey: raw.refreshSecretKey } : {}),
  };
}

/** Removes a session's keys and index entry; resolves when they did not exist. */
export async function removeSession(ctx: SessionStoreContext, sessionId: string): Promise<void> {
  checkSessionId(sessionId);
  await checkStateTree(ctx.stateDir, indexPath(ctx.stateDir, sessionId));
  const entry = toEntry(await readJsonFile(indexPath(ctx.stateDir, sessionId)));
  const keychain = await recordedKeychain(ctx.keychain, entry?.keychainBackend, {
    stateDir: ctx.stateDir,
    subject: `login session ${sessionId}`,
  });
  try {
    await keychain.remove(ctx.sessionKeychainService, sessionId);
  } catch (error) {
    throw keychainError(error, "remove the session keys", keychain);
  }
  await removeFileIfExists(indexPath(ctx.stateDir, sessionId));
}

function tombstonePath(stateDir: string, sessionId: string): string {
  return join(stateDir, "sessions", "claimed", `${sessionId}.json`);
}

/**
 * Remembers that this machine claimed `sessionId` and where the token went, so a second claim
 * can say so; tombstones older than {@linkcode TOMBSTONE_TTL_MS} are removed on the way.
 */
export async function writeClaimTombstone(
  stateDir: string,
  tombstone: ClaimTombstone,
  now: number,
): Promise<void> {
  checkSessionId(tombstone.sessionId);
  await writeFileAtomic(
    tombstonePath(stateDir, tombstone.sessionId),
    JSON.stringify(tombstone, null, 2) + "\n",
  );
  try {
    for await (const item of Deno.readDir(join(stateDir, "sessions", "claimed"))) {
      if (!item.isFile || !item.name.endsWith(".json")) continue;
      const path = join(stateDir, "sessions", "claimed", item.name);
      const old = await readJsonFile(path).catch(() => null);
      const at = isObject(old) && typeof old.claimedAt === "string" ? Date.parse(old.claimedAt) : 0;
      if (!(at > now - TOMBSTONE_TTL_MS)) await removeFileIfExists(path);
    }
  } catch {
    // pruning is best effort
  }
}

/** The tombstone of a session this machine claimed, or `null`. */
export async function readClaimTombstone(
  stateDir: string,
  sessionId: string,
): Promise<ClaimTombstone | null> {
  checkSessionId(sessionId);
  const raw = await readJsonFile(tombstonePath(stateDir, sessionId)).catch(() => null);
  if (
    !isObject(raw) || raw.sessionId !== sessionId || typeof raw.provider !== "string" ||
    typeof raw.profile !== "string" || typeof raw.claimedAt !== "string"
  ) {
    return null;
  }
  return {
    sessionId,
    provider: raw.provider,
    profile: raw.profile,
    claimedAt: raw.claimedAt,
  };
}

/** Every indexed session (oldest first, then by id); entries that do not parse are skipped. */
export async function listSessions(
  ctx: Pick<SessionStoreContext, "stateDir">,
): Promise<SessionIndexEntry[]> {
  const dir = join(ctx.stateDir, "sessions");
  const entries: SessionIndexEntry[] = [];
  try {
    for await (const item of Deno.readDir(dir)) {
      if (!item.isFile || !item.name.endsWith(".json") || item.name.startsWith(".")) continue;
      const id = item.name.slice(0, -".json".length);
      if (!SESSION_ID_PATTERN.test(id)) continue;
      let entry: SessionIndexEntry | null = null;
      try {
        entry = toEntry(await readJsonFile(join(dir, item.name)));
      } catch {
        entry = null;
      }
      if (entry && entry.sessionId === id) entries.push(entry);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new ClawauthError(
      "storage_failed",
      `could not list ${dir}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return entries.sort((a, b) =>
    createdMs(a.createdAt) - createdMs(b.createdAt) ||
    (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0)
  );
}

function createdMs(value: string | number): number {
  if (typeof value === "number") return value;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : 0;
}
