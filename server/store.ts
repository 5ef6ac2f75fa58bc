/**
 * All Deno KV access of the server. Key layout:
 *
 * | key | value | written by | removed by |
 * |---|---|---|---|
 * | `["session", id]` | {@linkcode SessionRecord} | init; continue, callback (versionstamp-checked); claim (tombstone) | session-rm; sweep |
 * | `["expiry", expiresAtMs, id]` | `1` | init | sweep |
 * | `["side", expiresAtMs, id, "nonce", nonce]` | `1` | signed request ("must not exist") | expiry (3 min); sweep |
 * | `["poll", unixSecond, id]` | number | (no longer written: the poll limit is counted in memory) | sweep |
 * | `["rate", windowStartMs, scope, address]` | `Deno.KvU64` | `/init`, `/refresh`, `/revoke` (sum) | sweep |
 * | `["proof", jti]` | `1` | bound `/refresh`, `/revoke` ("must not exist") | expiry (3 min) |
 *
 * Everything the sweep removes is ordered by time first, so one sweep is a few range scans
 * over what is due, never a lookup per session. Keys also carry `expireIn` where KV allows it
 * (sums cannot expire), so KV's own lazy expiry collects whatever the sweep misses. Polls never
 * write the session record. No value ever holds a plaintext token: a completed session holds
 * only the sealed box. Opening the confirmation page writes nothing; a continue rewrites the
 * session only (its binding and current `state` hash): no key is ever added per page view.
 *
 * Signed requests write one key each (their nonce), grouped with concurrent requests' nonces
 * into one atomic commit, and their session reads go together through `getMany`
 * (./group_commit.ts). A waiting status request watches the session key (`kv.watch`).
 */

import { createGroupReader, createNonceCommitter } from "./group_commit.ts";
import { retryWhenLocked } from "./kv_retry.ts";
import type { SealedBox } from "../shared/wire.ts";

/** One login session as stored. Times are epoch milliseconds. */
export interface SessionRecord {
  id: string;
  provider: string;
  /** `claimed`: a tombstone kept until expiry so the page can say "already handed over". */
  status: "pending" | "completed" | "error" | "claimed";
  /** Ed25519 public key (base64) that signs `/status` and `/claim`. */
  verifyKey: string;
  /** Ed25519 public key (base64) the issued refresh token is bound to (`/init` `refreshKey`). */
  refreshKey?: string;
  /** X25519 public key (base64) the token response is sealed to. */
  boxPublicKey: string;
  scope?: string;
  /** The redirect URI sent in the authorize request; the code exchange repeats it. */
  redirectUri: string;
  /** PKCE verifier, dropped when the session completes or fails. */
  codeVerifier?: string;
  /** Shown on the confirmation page and by `login start` (`KXRT-4MPQ`). */
  confirmationCode?: string;
  /** SHA-256 (base64url) of the binding cookie of the one browser that continued. */
  binding?: string;
  /** SHA-256 (base64url) of the current, unused `state`. */
  stateHash?: string;
  /** Error code of a failed session (`session_contested`, `provider_error`, ...). */
  errorCode?: string;
  createdAt: number;
  expiresAt: number;
  blob?: SealedBox;
  error?: string;
  finishedAt?: number;
}

/** A session read from KV with the versionstamp to check on update. */
export interface SessionEntry {
  record: SessionRecord;
  versionstamp: string;
}

/** How long a nonce is remembered: a timestamp is accepted up to 60 s either side of now. */
export const NONCE_TTL_MS = 3 * 60_000;
/** A waiting request re-reads its session this often: another process's write wakes no local watch. */
const WATCH_RECHECK_MS = 1_000;
/** Rate-limit window of `/init` and `/refresh`. */
export const RATE_WINDOW_MS = 60_000;
// The expiry index outlives its session so the sweep still finds it after the session expired.
const EXPIRY_INDEX_GRACE_MS = 24 * 3600_000;
const MAX_MUTATIONS_PER_COMMIT = 1000;
// Two deletes per session: one commit per batch.
const SWEEP_SESSIONS_PER_BATCH = MAX_MUTATIONS_PER_COMMIT / 2;

export interface SessionStore {
  /** Writes a new session and its expiry index entry. */
  createSession(record: SessionRecord): Promise<void>;
  /** The session, or null when it does not exist or `expiresAt` has passed. */
  getSession(id: string): Promise<SessionEntry | null>;
  /**
   * Records a signed request: its nonce must not exist yet (false: a replay, in KV or in the
   * same group commit). Durable once resolved; committed together with concurrent requests.
   */
  recordSignedRequest(record: SessionRecord, options: { nonce: string }): Promise<boolean>;
  /**
   * Waits until the session's status differs from `entry`'s (completed, failed) or the session
   * is gone (claimed, removed, expired: null), or returns `undefined` once `signal` aborts
   * first. Other rewrites of a pending session (the confirmation page's continue) wait on.
   */
  waitForChange(entry: SessionEntry, signal: AbortSignal): Promise<SessionEntry | null | undefined>;
  /**
   * Records a refresh/revoke proof's `jti` ("must not exist", kept {@linkcode NONCE_TTL_MS});
   * false when it was seen already (a replay), on any instance sharing the KV.
   */
  recordProofId(jti: string): Promise<boolean>;
  /** The session for a page: also an unexpired `claimed` tombstone. */
  getSessionForPage(id: string): Promise<SessionEntry | null>;
  /** Replaces the session if it is unchanged since `entry` was read; false otherwise. */
  updateSession(entry: SessionEntry, record: SessionRecord): Promise<boolean>;
  /** Deletes the session if it is unchanged since `entry` was read (session-rm). */
  consumeSession(entry: SessionEntry): Promise<boolean>;
  /**
   * Exactly-once claim: replaces the session, if unchanged since `entry` was read, with a
   * `claimed` tombstone that holds no blob, verifier or binding.
   */
  claimSession(entry: SessionEntry): Promise<boolean>;
  /** Adds one to a client address's counter for the current window; returns the new count. */
  countRateLimited(scope: string, address: string): Promise<number>;
  /** A cheap read proving KV answers (readiness). */
  ping(): Promise<void>;
  /** Deletes sessions (and their side keys) and rate counters that are due; returns counts. */
  sweep(options?: { limit?: number }): Promise<SweepResult>;
}

/** What one sweep removed: sessions due, and every key it deleted (sessions already claimed count too). */
export interface SweepResult {
  sessions: number;
  keys: number;
}

/** Options of {@linkcode createSessionStore}. */
export interface SessionStoreOptions {
  /** Clock in epoch milliseconds. */
  now: () => number;
  /** How long an idle nonce committer waits for companions (./group_commit.ts); default 0. */
  groupCommitWindowMs?: number;
  /** Called with the nonce count of every nonce commit (stats). */
  onNonceCommit?: (nonces: number) => void;
  /** How often a waiting request re-reads its session besides watching it; default 1 s. */
  watchRecheckMs?: number;
}

function sessionKey(id: string): Deno.KvKey {
  return ["session", id];
}

function sideKey(record: SessionRecord, ...rest: Deno.KvKeyPart[]): Deno.KvKey {
  return ["side", record.expiresAt, record.id, ...rest];
}

function remainingMs(record: SessionRecord, now: number): number {
  return Math.max(1, record.expiresAt - now);
}

function isUnexpired(
  entry: Deno.KvEntryMaybe<SessionRecord>,
  now: number,
): entry is Deno.KvEntry<SessionRecord> {
  return entry.value !== null && entry.value.expiresAt > now;
}

// A claimed session's tombstone is not a session for the signed routes.
function isLive(entry: Deno.KvEntryMaybe<SessionRecord>, now: number): entry is Deno.KvEntry<
  SessionRecord
> {
  return isUnexpired(entry, now) && entry.value.status !== "claimed";
}

function liveEntry(entry: Deno.KvEntryMaybe<SessionRecord>, now: number): SessionEntry | null {
  return isLive(entry, now) ? { record: entry.value, versionstamp: entry.versionstamp } : null;
}

/** Builds the store over `kv`; every read treats an expired session as absent. */
export function createSessionStore(kv: Deno.Kv, options: SessionStoreOptions): SessionStore {
  const { now } = options;
  const readSession = createGroupReader<SessionRecord>(kv);
  const writeNonce = createNonceCommitter(kv, {
    windowMs: options.groupCommitWindowMs,
    onCommit: options.onNonceCommit,
  });
  const recheckMs = options.watchRecheckMs ?? WATCH_RECHECK_MS;

  async function deleteKeys(keys: Deno.KvKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += MAX_MUTATIONS_PER_COMMIT) {
      const op = kv.atomic();
      for (const key of keys.slice(i, i + MAX_MUTATIONS_PER_COMMIT)) op.delete(key);
      await retryWhenLocked(() => op.commit());
    }
  }

  async function keysOf(selector: Deno.KvListSelector, limit?: number): Promise<Deno.KvKey[]> {
    const keys: Deno.KvKey[] = [];
    for await (const entry of kv.list(selector, { limit, batchSize: 500 })) keys.push(entry.key);
    return keys;
  }

  async function sweepSessions(limit: number): Promise<SweepResult> {
    const result: SweepResult = { sessions: 0, keys: 0 };
    while (result.sessions < limit) {
      const batch = Math.min(SWEEP_SESSIONS_PER_BATCH, limit - result.sessions);
      // Inclusive of now: a session is expired once `expiresAt <= now`.
      const due = await keysOf({ start: ["expiry"], end: ["expiry", now() + 1] }, batch);
      if (due.length === 0) break;
      const doomed = due.flatMap((key) => [key, sessionKey(key[2] as string)]);
      await deleteKeys(doomed);
      result.sessions += due.length;
      result.keys += doomed.length;
    }
    return result;
  }

  async function deleteRange(start: Deno.KvKey, end: Deno.KvKey): Promise<number> {
    let deleted = 0;
    for (;;) {
      const keys = await keysOf({ start, end }, MAX_MUTATIONS_PER_COMMIT);
      if (keys.length === 0) return deleted;
      await deleteKeys(keys);
      deleted += keys.length;
    }
  }

  async function updateSession(entry: SessionEntry, record: SessionRecord): Promise<boolean> {
    const result = await retryWhenLocked(() =>
      kv.atomic()
        .check({ key: sessionKey(record.id), versionstamp: entry.versionstamp })
        .set(sessionKey(record.id), record, { expireIn: remainingMs(record, now()) })
        .commit()
    );
    return result.ok;
  }

  return {
    async createSession(record) {
      const expireIn = remainingMs(record, now());
      const result = await retryWhenLocked(() =>
        kv.atomic()
          .check({ key: sessionKey(record.id), versionstamp: null })
          .set(sessionKey(record.id), record, { expireIn })
          .set(["expiry", record.expiresAt, record.id], 1, {
            expireIn: expireIn + EXPIRY_INDEX_GRACE_MS,
          })
          .commit()
      );
      if (!result.ok) throw new Error("session id collision");
    },

    async getSession(id) {
      return liveEntry(await readSession(sessionKey(id)), now());
    },

    recordSignedRequest(record, { nonce }) {
      return writeNonce({ key: sideKey(record, "nonce", nonce), expireIn: NONCE_TTL_MS });
    },

    waitForChange(entry, signal) {
      return watchSession({
        kv,
        read: readSession,
        key: sessionKey(entry.record.id),
        status: entry.record.status,
        signal,
        recheckMs,
        now,
      });
    },

    async recordProofId(jti) {
      const key = ["proof", jti];
      const result = await retryWhenLocked(() =>
        kv.atomic()
          .check({ key, versionstamp: null })
          .set(key, 1, { expireIn: NONCE_TTL_MS })
          .commit()
      );
      return result.ok;
    },

    async getSessionForPage(id) {
      const entry = await kv.get<SessionRecord>(sessionKey(id));
      return isUnexpired(entry, now())
        ? { record: entry.value, versionstamp: entry.versionstamp }
        : null;
    },

    updateSession,

    async claimSession(entry) {
      const {
        blob: _blob,
        codeVerifier: _verifier,
        binding: _binding,
        stateHash: _state,
        error: _error,
        errorCode: _code,
        ...rest
      } = entry.record;
      const tombstone: SessionRecord = { ...rest, status: "claimed", finishedAt: now() };
      return await updateSession(entry, tombstone);
    },

    async consumeSession(entry) {
      // The expiry index and side keys stay: the sweep removes them at the session's expiry.
      const result = await retryWhenLocked(() =>
        kv.atomic()
          .check({ key: sessionKey(entry.record.id), versionstamp: entry.versionstamp })
          .delete(sessionKey(entry.record.id))
          .commit()
      );
      return result.ok;
    },

    async countRateLimited(scope, address) {
      const windowStart = Math.floor(now() / RATE_WINDOW_MS) * RATE_WINDOW_MS;
      const key = ["rate", windowStart, scope, address];
      await retryWhenLocked(() => kv.atomic().sum(key, 1n).commit());
      const counter = await kv.get<Deno.KvU64>(key);
      return counter.value === null ? 1 : Number(counter.value.value);
    },

    async ping() {
      await kv.get(["readiness"]);
    },

    async sweep({ limit = Number.POSITIVE_INFINITY } = {}) {
      const result = await sweepSessions(limit);
      const nowMs = now();
      result.keys += await deleteRange(["side"], ["side", nowMs + 1]);
      result.keys += await deleteRange(["poll"], ["poll", Math.floor(nowMs / 1000)]);
      const rateWindow = Math.floor(nowMs / RATE_WINDOW_MS) * RATE_WINDOW_MS;
      result.keys += await deleteRange(["rate"], ["rate", rateWindow]);
      return result;
    },
  };
}

interface WatchOptions {
  kv: Deno.Kv;
  /** Grouped reads: the re-reads of many waiting requests share `getMany` calls. */
  read: (key: Deno.KvKey) => Promise<Deno.KvEntryMaybe<SessionRecord>>;
  key: Deno.KvKey;
  /** The status waited on: any other status (or no session) ends the wait. */
  status: SessionRecord["status"];
  signal: AbortSignal;
  recheckMs: number;
  now: () => number;
}

/** `kv.watch` on one session key plus a slow re-read (KV watches see this process's writes). */
function watchSession(options: WatchOptions): Promise<SessionEntry | null | undefined> {
  const { kv, key, status, signal, now } = options;
  if (signal.aborted) return Promise.resolve(undefined);
  const reader = kv.watch<[SessionRecord]>([key]).getReader();
  return new Promise((resolve, reject) => {
    let done = false;
    const stop = () => {
      done = true;
      clearInterval(recheck);
      signal.removeEventListener("abort", onAbort);
      reader.cancel().catch(() => {});
    };
    const onAbort = () => {
      if (done) return;
      stop();
      resolve(undefined);
    };
    const check = (entry: Deno.KvEntryMaybe<SessionRecord>) => {
      if (done) return;
      const live = liveEntry(entry, now());
      if (live !== null && live.record.status === status) return;
      stop();
      resolve(live);
    };
    const fail = (error: unknown) => {
      if (done) return;
      stop();
      reject(error);
    };
    signal.addEventListener("abort", onAbort);
    const recheck = setInterval(() => {
      options.read(key).then(check, fail);
    }, options.recheckMs);
    (async () => {
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended || done) return;
        check(value[0]);
      }
    })().catch(fail);
  });
}
