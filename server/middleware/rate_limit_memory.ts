/**
 * Per-client-address rate limit kept in this instance's memory, for requests that must not
 * write to KV (opening the confirmation page: link previewers and crawlers open links, and
 * an open must cost no write). Fixed one-minute windows; at most `maxAddresses` addresses are
 * tracked per window (beyond that, new addresses share one overflow budget), so memory stays
 * bounded. Over the limit: 429 `rate_limited` with `Retry-After`.
 */

import type { MiddlewareHandler } from "hono";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { clientAddress } from "../client_address.ts";
import type { AppEnv } from "../services.ts";
import { RATE_WINDOW_MS } from "../store.ts";

/** Options of {@linkcode limitPerClientInMemory}. */
export interface LimitInMemoryOptions {
  /** Counter name, for the message (`link`). */
  scope: string;
  /** Requests per minute; 0 turns the limit off. */
  limit: number;
  trustProxyHops: number;
  now: () => number;
  /** Default 10 000. */
  maxAddresses?: number;
}

const OVERFLOW = "(overflow)";

export function limitPerClientInMemory(options: LimitInMemoryOptions): MiddlewareHandler<AppEnv> {
  const { scope, limit, trustProxyHops, now, maxAddresses = 10_000 } = options;
  let windowStart = 0;
  let counts = new Map<string, number>();
  return async function limitPerClientInMemory(c, next) {
    if (limit > 0) {
      const nowMs = now();
      const window = Math.floor(nowMs / RATE_WINDOW_MS) * RATE_WINDOW_MS;
      if (window !== windowStart) {
        windowStart = window;
        counts = new Map();
      }
      let address = clientAddress(c, trustProxyHops);
      if (!counts.has(address) && counts.size >= maxAddresses) address = OVERFLOW;
      const count = (counts.get(address) ?? 0) + 1;
      counts.set(address, count);
      if (count > limit) {
        const retryAfterSeconds = Math.max(1, Math.ceil((window + RATE_WINDOW_MS - nowMs) / 1000));
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
