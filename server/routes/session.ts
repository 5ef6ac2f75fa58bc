/**
 * Signed `GET /status/{id}`, `GET /claim/{id}` (0.4 bodies) and `DELETE /session/{id}` (the
 * agent abandons a login: `clawauth session-rm`). A claim of a completed
 * session hands the sealed blob over exactly once (versionstamp-checked delete); a claim of a
 * failed session reports the error once and deletes it too.
 */

import { Hono } from "hono";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { requireSignature } from "../middleware/require_signature.ts";
import type { AppEnv, AppServices } from "../services.ts";
import type { SessionRecord } from "../store.ts";

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
  return new Hono<AppEnv>()
    .get(
      "/status/:id",
      requireSignature({ store, action: "status", pollRateLimit, now }),
      function status(c) {
        const { record } = c.get("session")!;
        if (record.status === "error") {
          return c.json(failedBody(record), 400);
        }
        return c.json({ status: record.status, provider: record.provider });
      },
    )
    .get(
      "/claim/:id",
      requireSignature({ store, action: "claim", pollRateLimit, now }),
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
      requireSignature({ store, action: "session", pollRateLimit, now }),
      async function removeSession(c) {
        const entry = c.get("session")!;
        // A lost race means a claim or another removal got there first: the session is gone.
        const removed = await store.consumeSession(entry);
        return c.json({ removed, sessionId: entry.record.id, provider: entry.record.provider });
      },
    );
}
