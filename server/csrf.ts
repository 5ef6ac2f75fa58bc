/**
 * The confirmation form's CSRF token, stateless: the page sets a random, HttpOnly,
 * SameSite=Strict cookie scoped to the page's path and embeds
 * `HMAC-SHA-256(secret, "csrf|" cookie "|" sessionId)` in a hidden field; the continue POST
 * must carry both. Nothing is stored, so opening the page writes nothing.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#signed-double-submit-cookie-recommended
 */

import { decodeBase64Url, encodeBase64Url, randomBase64Url } from "../shared/base64.ts";

/** Name of the CSRF cookie (its Path is the confirmation page's). */
export const CSRF_COOKIE = "clawauth_csrf";
/** Name of the hidden form field. */
export const CSRF_FIELD = "csrf";
const COOKIE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface CsrfGuard {
  /** A fresh cookie value (32 random bytes, base64url). */
  newCookieValue(): string;
  /** True when `value` looks like a cookie this server set (43 base64url characters). */
  isCookieValue(value: string | undefined): value is string;
  /** The token for a cookie value and session. */
  token(cookieValue: string, sessionId: string): Promise<string>;
  /** Constant-time check of a token against the cookie value and session. */
  verify(token: string | undefined, cookieValue: string, sessionId: string): Promise<boolean>;
}

const encoder = new TextEncoder();

/** Builds the guard over `secret` (`STATE_SIGNING_SECRET`); the key is imported once. */
export function createCsrfGuard(secret: string): CsrfGuard {
  const key = crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const message = (cookieValue: string, sessionId: string) =>
    encoder.encode(`csrf|${cookieValue}|${sessionId}`);

  return {
    newCookieValue: () => randomBase64Url(32),
    isCookieValue: (value): value is string => value !== undefined && COOKIE_PATTERN.test(value),
    async token(cookieValue, sessionId) {
      const mac = await crypto.subtle.sign("HMAC", await key, message(cookieValue, sessionId));
      return encodeBase64Url(new Uint8Array(mac));
    },
    async verify(token, cookieValue, sessionId) {
      if (token === undefined || !COOKIE_PATTERN.test(token)) return false;
      let mac: Uint8Array<ArrayBuffer>;
      try {
        mac = decodeBase64Url(token);
      } catch {
        return false;
      }
      return await crypto.subtle.verify("HMAC", await key, mac, message(cookieValue, sessionId));
    },
  };
}
