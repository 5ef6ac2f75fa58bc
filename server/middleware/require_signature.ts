/**
 * Verifies a signed `GET /status/{id}` or `/claim/{id}` (clawauth 0.4 wire format): headers
 * `x-timestamp` (unix seconds, within 60 s of the server clock), `x-request-nonce` (base64url,
 * 12–120 characters, never seen before for this session) and `x-signature` (base64 Ed25519,
 * verified with Web Crypto, over `timestamp|sessionId|METHOD|/<action>/<id>|nonce` with the
 * session's key). Also enforces the per-session poll limit (429 + `Retry-After`), counted in
 * this process's memory: a durable counter would cost a KV write per poll, and the limit only
 * has to stop a runaway client (behind N processes a session may poll N times the limit).
 *
 * The nonce write is the one KV write of a signed request; the store groups it with concurrent
 * requests' nonces into one commit.
 *
 * On success the session is in `c.get("session")`.
 */

import type { MiddlewareHandler } from "hono";
import { decodeBase64 } from "../../shared/base64.ts";
import {
  canonicalRequest,
  MAX_CLOCK_SKEW_SECONDS,
  NONCE_PATTERN,
  SIGNATURE_HEADERS,
} from "../../shared/canonical_request.ts";
import { ClawauthError, ERROR_CODES, type ErrorCode } from "../../shared/errors.ts";
import { importVerifyKey, verifyRequestSignature } from "../../shared/verify_request.ts";
import type { AppEnv } from "../services.ts";
import { isSessionId } from "../session_id.ts";
import type { SessionStore } from "../store.ts";

/** Options of {@linkcode requireSignature}. */
export interface RequireSignatureOptions {
  store: SessionStore;
  /** First path segment the signature covers: `status`, `claim` or `session`. */
  action: string;
  /** Signed requests per session per second; 0 turns the limit off. */
  pollRateLimit: number;
  /** Shared by the routes of one app, so a session's limit spans them; default: its own. */
  pollLimiter?: PollLimiter;
  now: () => number;
}

/** Counts signed requests per session in the current second (this process only). */
export interface PollLimiter {
  /** Counts one request of `sessionId` in `second`; false when the limit was reached. */
  take(sessionId: string, second: number): boolean;
}

/** A {@linkcode PollLimiter} allowing `limit` requests per session per second (0: no limit). */
export function createPollLimiter(limit: number): PollLimiter {
  let current = -1;
  let counts = new Map<string, number>();
  return {
    take(sessionId, second) {
      if (limit <= 0) return true;
      if (second !== current) {
        current = second;
        counts = new Map();
      }
      const count = counts.get(sessionId) ?? 0;
      if (count >= limit) return false;
      counts.set(sessionId, count + 1);
      return true;
    },
  };
}

const MAX_CACHED_KEYS = 10_000;
// Importing a key costs more than verifying with it; sessions poll many times.
const verifyKeys = new Map<string, Promise<CryptoKey>>();

function verifyKeyFor(base64Key: string): Promise<CryptoKey> {
  let key = verifyKeys.get(base64Key);
  if (key === undefined) {
    if (verifyKeys.size >= MAX_CACHED_KEYS) verifyKeys.delete(verifyKeys.keys().next().value!);
    key = importVerifyKey(decodeBase64(base64Key));
    verifyKeys.set(base64Key, key);
  }
  return key;
}

function unauthorized(code: ErrorCode, message: string): ClawauthError {
  return new ClawauthError(code, message, { status: 401 });
}

function readTimestamp(header: string | undefined, nowSeconds: number): string {
  if (header === undefined || !/^\d{1,12}$/.test(header)) {
    throw unauthorized(
      ERROR_CODES.INVALID_TIMESTAMP,
      `'${SIGNATURE_HEADERS.TIMESTAMP}' must be unix time in seconds: got ${
        header === undefined ? "nothing" : JSON.stringify(header.slice(0, 40))
      }`,
    );
  }
  const skew = Math.abs(nowSeconds - Number(header));
  if (skew > MAX_CLOCK_SKEW_SECONDS) {
    throw unauthorized(
      ERROR_CODES.INVALID_TIMESTAMP,
      `'${SIGNATURE_HEADERS.TIMESTAMP}' is ${skew} s away from the server clock: the limit is ${MAX_CLOCK_SKEW_SECONDS} s`,
    );
  }
  return header;
}

function readNonce(header: string | undefined): string {
  if (header === undefined || !NONCE_PATTERN.test(header)) {
    throw unauthorized(
      ERROR_CODES.INVALID_NONCE,
      `'${SIGNATURE_HEADERS.NONCE}' must be 12 to 120 base64url characters: ${
        header === undefined
          ? "it is missing"
          : /^[A-Za-z0-9_-]*$/.test(header)
          ? `current length is ${header.length}`
          : "it has characters outside base64url"
      }`,
    );
  }
  return header;
}

function readSignature(header: string | undefined): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  try {
    if (header !== undefined) bytes = decodeBase64(header);
  } catch {
    bytes = undefined;
  }
  if (bytes === undefined || bytes.length !== 64) {
    throw unauthorized(
      ERROR_CODES.INVALID_SIGNATURE,
      `'${SIGNATURE_HEADERS.SIGNATURE}' must be a base64 Ed25519 signature (64 bytes)`,
    );
  }
  return bytes;
}

// Built only when needed: this middleware runs on every poll.
function sessionNotFound(): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.SESSION_NOT_FOUND,
    "session not found: it expired, was claimed already, or never existed",
    { status: 404 },
  );
}

export function requireSignature(options: RequireSignatureOptions): MiddlewareHandler<AppEnv> {
  const { store, action, pollRateLimit, now } = options;
  const limiter = options.pollLimiter ?? createPollLimiter(pollRateLimit);
  return async function requireSignature(c, next) {
    const nowMs = now();
    const second = Math.floor(nowMs / 1000);
    const timestamp = readTimestamp(c.req.header(SIGNATURE_HEADERS.TIMESTAMP), second);
    const nonce = readNonce(c.req.header(SIGNATURE_HEADERS.NONCE));
    const signature = readSignature(c.req.header(SIGNATURE_HEADERS.SIGNATURE));
    const sessionId = c.req.param("id");
    if (!isSessionId(sessionId)) throw sessionNotFound();
    c.set("sessionId", sessionId);

    const entry = await store.getSession(sessionId);
    if (entry === null) throw sessionNotFound();
    const path = `/${action}/${sessionId}`;
    const method = c.req.method;
    const message = canonicalRequest({ timestamp, sessionId, method, path, nonce });
    if (
      !await verifyRequestSignature(await verifyKeyFor(entry.record.verifyKey), message, signature)
    ) {
      throw unauthorized(
        ERROR_CODES.INVALID_SIGNATURE,
        `'${SIGNATURE_HEADERS.SIGNATURE}' does not verify for ${method} ${path} with this session's key`,
      );
    }
    if (!limiter.take(sessionId, second)) {
      c.header("retry-after", "1");
      throw new ClawauthError(
        ERROR_CODES.RATE_LIMITED,
        `too many requests for this session: the limit is ${pollRateLimit} a second`,
        { status: 429, details: { retryAfterSeconds: 1 } },
      );
    }
    if (!await store.recordSignedRequest(entry.record, { nonce })) {
      throw unauthorized(
        ERROR_CODES.REPLAY_DETECTED,
        `'${SIGNATURE_HEADERS.NONCE}' was used before: sign every request with a fresh nonce`,
      );
    }
    c.set("session", entry);
    await next();
  };
}
