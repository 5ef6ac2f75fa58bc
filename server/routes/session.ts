/**
 * Signed `GET /status/{id}`, `GET /claim/{id}` (0.4 bodies) and `DELETE /session/{id}` (the
 * agent abandons a login: `clawauth session-rm`).
 *
 * Long-poll: `GET /status/{id}?wait=<seconds>` (at most 30; signed exactly like a plain poll,
 * the signature covers the path only) answers as soon as the pending session changes, or
 * `pending` at the deadline. At most `CLAWAUTH_STATUS_WAITERS` (default 1000) requests wait at
 * once per process; past that, and for `wait=0` or an absent `wait` (0.4 clients), status
 * answers at once. A held request's answer carries `x-clawauth-wait: <seconds>`, so the client
 * knows it may ask again at once instead of sleeping its poll interval. A claim of a completed
 * session hands the sealed blob over exactly once (versionstamp-checked delete); a claim of a
 * failed session reports the error once and deletes it too.
 */

import { Hono } from "hono";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { createPollLimiter, requireSignature } from "../middleware/require_signature.ts";
import type { AppEnv, AppServices } from "../services.ts";
import type { SessionRecord } from "../store.ts";

/** Response header of a status request the server held (its `wait` in seconds). */
export const WAITED_HEADER = "x-clawauth-wait";
/** Longest `?wait=` in seconds; larger values are cut to this. */
export const MAX_WAIT_SECONDS = 30;
const DEFAULT_MAX_WAITERS = 1000;

/** Sleeps `ms` or until `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

function readWaitSeconds(value: string | undefined): number {
  if (value === undefined || value === "") return 0;
  if (!/^\d{1,6}$/.test(value)) {
    throw new ClawauthError(
      ERROR_CODES.INVALID_REQUEST,
      `'wait' must be whole seconds from 0 to ${MAX_WAIT_SECONDS}: got ${
        JSON.stringify(value.slice(0, 40))
      }`,
      { status: 400 },
    );
  }
  return Math.min(Number(value), MAX_WAIT_SECONDS);
}

function readMaxWaiters(value: string | undefined): number {
  const trimmed = value?.trim();
  return trimmed && /^\d{1,7}$/.test(trimmed) ? Number(trimmed) : DEFAULT_MAX_WAITERS;
}

// `error` is server-written text only (never what the browser side sent); `code` is stable.
function failedBody(record: SessionRecord) {
  return {
    status: "error" as const,
    provider: record.provider,
    error: record.error ?? "login failed",
    code: record.errorCode === ERROR_CODES.SESSION_CONTESTED
      ? ERROR_CODES.SESSION_CONTESTED
      : ERROR_CODES.SESSION_FAILED,
  };
}

export function createSessionRoutes(services: AppServices): Hono<AppEnv> {
  const { store, now } = services;
  const pollRateLimit = services.config.pollRateLimit;
  const pollLimiter = createPollLimiter(pollRateLimit);
  const signed = (action: string) =>
    requireSignature({ store, action, pollRateLimit, pollLimiter, now });
  const wait = services.sleep ?? sleep;
  const maxWaiters = readMaxWaiters(services.config.env.CLAWAUTH_STATUS_WAITERS);
  let waiters = 0;
  return new Hono<AppEnv>()
    .get(
      "/status/:id",
      signed("status"),
      async function status(c) {
        let entry = c.get("session")!;
        const waitSeconds = readWaitSeconds(c.req.query("wait"));
        if (waitSeconds > 0 && entry.record.status === "pending" && waiters < maxWaiters) {
          // Tells the client the request was held: it may ask again at once.
          c.header(WAITED_HEADER, String(waitSeconds));
          waiters++;
          const done = new AbortController();
          const gone = c.req.raw.signal;
          const onGone = () => done.abort();
          gone.addEventListener("abort", onGone);
          wait(waitSeconds * 1000, done.signal).then(() => done.abort());
          try {
            const changed = await store.waitForChange(entry, done.signal);
            if (changed === null) {
              throw new ClawauthError(
                ERROR_CODES.SESSION_NOT_FOUND,
                "session not found: it expired, was claimed already, or never existed",
                { status: 404 },
              );
            }
            if (changed !== undefined) entry = changed;
          } finally {
            waiters--;
            gone.removeEventListener("abort", onGone);
            done.abort();
          }
        }
        const { record } = entry;
        if (record.status === "error") {
          return c.json(failedBody(record), 400);
        }
        return c.json({ status: record.status, provider: record.provider });
      },
    )
    .get(
      "/claim/:id",
      signed("claim"),
      async function claim(c) {
        const entry = c.get("session")!;
        const { record } = entry;
        if (record.status === "pending") {
          return c.json({ status: "pending", provider: record.provider });
        }
        if (!await store.claimSession(entry)) {
          throw new ClawauthError(
            ERROR_CODES.SESSION_NOT_FOUND,
            "session not found: it was claimed already",
            { status: 404 },
          );
        }
        if (record.status === "error") {
          return c.json(failedBody(record), 400);
        }
        return c.json({ status: "completed", provider: record.provider, blob: record.blob });
      },
    )
    .delete(
      "/session/:id",
      signed("session"),
      async function removeSession(c) {
        const entry = c.get("session")!;
        // A lost race means a claim or another removal got there first: the session is gone.
        const removed = await store.consumeSession(entry);
        return c.json({ removed, sessionId: entry.record.id, provider: entry.record.provider });
      },
    );
}
