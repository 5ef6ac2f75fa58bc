/**
 * One browser per login. The first continue from the confirmation page gives the browser a
 * random, HttpOnly, SameSite=Lax cookie (Lax so the provider's redirect back to the callback,
 * a top-level GET from another site, still carries it) and stores only its SHA-256 in the
 * session. The callback must come from that browser; a continue from any other browser
 * contests the session (server/continue_login.ts).
 */

import { encodeBase64Url, randomBase64Url } from "../shared/base64.ts";

/** The per-session cookie name (a session id is a UUID: valid cookie-name characters). */
export function bindingCookieName(sessionId: string): string {
  return `clawauth_${sessionId}`;
}

/** A fresh cookie value: 32 random bytes, base64url. */
export function newBindingValue(): string {
  return randomBase64Url(32);
}

/** What KV stores for a cookie value (also used for `state`). */
export async function sha256Base64Url(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return encodeBase64Url(new Uint8Array(digest));
}

/** The cookie's `Path`: the public base URL's path, so the page and every callback see it. */
export function bindingCookiePath(baseUrl: string): string {
  return new URL(baseUrl).pathname.replace(/\/+$/, "") || "/";
}
