/**
 * Refuses a state-changing browser request that is not same-origin, the way Hono's `csrf`
 * middleware decides: `Sec-Fetch-Site` must be `same-origin`; without it, `Origin` must be
 * the server's public origin; with neither, the request is refused.
 *
 * @see https://github.com/honojs/hono/blob/main/src/middleware/csrf/index.ts
 * @see https://www.w3.org/TR/fetch-metadata/
 */

import type { MiddlewareHandler } from "hono";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import type { AppEnv } from "../services.ts";

/** Options of {@linkcode requireSameOrigin}. */
export interface RequireSameOriginOptions {
  /** The server's public origin for a request (`PUBLIC_BASE_URL`'s, else the request's). */
  originOf: (requestUrl: string) => string;
}

export function requireSameOrigin(options: RequireSameOriginOptions): MiddlewareHandler<AppEnv> {
  const { originOf } = options;
  return async function requireSameOrigin(c, next) {
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const ok = site !== undefined
      ? site === "same-origin"
      : origin !== undefined && origin === originOf(c.req.url);
    if (!ok) {
      throw new ClawauthError(
        ERROR_CODES.CROSS_SITE_REQUEST,
        "This request did not come from the sign-in page itself, so it was refused. Open the " +
          "link you were sent and press the button on that page.",
        { status: 403 },
      );
    }
    await next();
  };
}
