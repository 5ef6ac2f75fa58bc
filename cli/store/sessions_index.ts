/**
 * Login-session material. The secret keys live in the keychain under
 * `<sessionKeychainService>` / `<sessionId>` as the 0.4 JSON
 * `{provider, signSecretKey, boxSecretKey, createdAt, expiresIn}`; a non-secret index file
 * `<stateDir>/sessions/<sessionId>.json` lets `clawauth sessions` list them.
 */
import { join } from "../path.ts";
import { ClawauthError, isClawauthError } from "../../shared/errors.ts";
import type { Keychain } from "../keychain/keychain.ts";
import { readJsonFile, removeFileIfExists, writeFileAtomic } from "./atomic_write.ts";

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
  /** The code the confirmation page shows (`KXRT-4MPQ`), when the server gave one. */
  confirmationCode?: string;
}

/** A session with its key material. */
export interface SessionMaterial extends SessionIndexEntry {
  /** base64 Ed25519 secret key (signs status/claim requests). */
  signSecretKey: string;
  /** base64 X25519 secret key (opens the sealed token). */
  boxSecretKey: string;
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
  if (isClawauthError(error) && error.code === "keychain_timeout") return error;
  return new ClawauthError(
    "keychain_unavailable",
    `could not ${action} in the ${keychain.name} keychain: ${(error as Error)?.message ?? error}`,
    { cause: error },
  );
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
    ...(typeof value.confirmationCode === "string"
      ? { confirmationCode: value.confirmationCode }
      : {}),
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
    ...(session.confirmationCode !== undefined
      ? { confirmationCode: session.confirmationCode }
      : {}),
  };
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
  let text: string | null;
  try {
    text = await ctx.keychain.get(ctx.sessionKeychainService, sessionId);
  } catch (error) {
    throw keychainError(error, "read the session keys", ctx.keychain);
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
  const entry = toEntry(await readJsonFile(indexPath(ctx.stateDir, sessionId)));
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
    ...(entry?.confirmationCode !== undefined ? { confirmationCode: entry.confirmationCode } : {}),
    signSecretKey: raw.signSecretKey,
    boxSecretKey: raw.boxSecretKey,
  };
}

/** Removes a session's keys and index entry; resolves when they did not exist. */
export async function removeSession(ctx: SessionStoreContext, sessionId: string): Promise<void> {
  checkSessionId(sessionId);
  try {
    await ctx.keychain.remove(ctx.sessionKeychainService, sessionId);
  } catch (error) {
    throw keychainError(error, "remove the session keys", ctx.keychain);
  }
  await removeFileIfExists(indexPath(ctx.stateDir, sessionId));
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
