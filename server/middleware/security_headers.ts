/**
 * Security headers on every response, errors and 404s included: the pages load nothing and
 * run no script, are never framed, never cached, and never leak the URL (which can carry a
 * `state` or `code`) in a Referer.
 */

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../services.ts";

/** The headers every response carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
};

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeaders(c, next) {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
    // Only the confirmation page has a form: it posts to itself and is redirected to the
    // provider, and browsers check `form-action` on that redirect too.
    const formAction = c.get("formAction");
    if (formAction !== undefined) {
      c.res.headers.set(
        "content-security-policy",
        SECURITY_HEADERS["content-security-policy"].replace(
          "form-action 'none'",
          `form-action ${formAction}`,
        ),
      );
    }
  };
}
