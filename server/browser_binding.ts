/**
 * Binds the callback to the browser that opened the short link: the short-link redirect sets
 * a random, HttpOnly, SameSite=Lax cookie scoped to the callback path, and KV keeps only its
 * SHA-256. Each open stores its own hash, so a link previewer opening the link first does not
 * lock the person out. Someone who learns the `state` but never opened the link in their own
 * browser cannot finish (or poison) the session.
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

/** What KV stores for a cookie value. */
export async function hashBindingValue(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return encodeBase64Url(new Uint8Array(digest));
}

/** The cookie's `Path`: the callback route under the public base URL's path prefix. */
export function bindingCookiePath(baseUrl: string): string {
  return `${new URL(baseUrl).pathname.replace(/\/+$/, "")}/callback`;
}
