/**
 * Per-client-address rate limit over a fixed one-minute window, counted in KV so every
 * instance sharing the KV shares the budget. Over the limit: 429 `rate_limited` with
 * `Retry-After` (seconds to the next window).
 */

import type { MiddlewareHandler } from "hono";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { clientAddress } from "../client_address.ts";
import type { AppEnv } from "../services.ts";
import { RATE_WINDOW_MS, type SessionStore } from "../store.ts";

/** Options of {@linkcode limitPerClient}. */
export interface LimitPerClientOptions {
  store: SessionStore;
  /** Counter name (`init`, `refresh`). */
  scope: string;
  /** Requests per minute; 0 turns the limit off. */
  limit: number;
  trustProxyHops: number;
  now: () => number;
}

export function limitPerClient(options: LimitPerClientOptions): MiddlewareHandler<AppEnv> {
  const { store, scope, limit, trustProxyHops, now } = options;
  return async function limitPerClient(c, next) {
    if (limit > 0) {
      const count = await store.countRateLimited(scope, clientAddress(c, trustProxyHops));
      if (count > limit) {
        const retryAfterSeconds = Math.max(
          1,
          Math.ceil((RATE_WINDOW_MS - (now() % RATE_WINDOW_MS)) / 1000),
        );
        c.header("retry-after", String(retryAfterSeconds));
        throw new ClawauthError(
          ERROR_CODES.RATE_LIMITED,
          `too many ${scope} requests from this address: the limit is ${limit} a minute`,
          { status: 429, details: { retryAfterSeconds } },
        );
      }
    }
    await next();
  };
}
