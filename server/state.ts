/**
 * The OAuth `state` parameter: 32 random bytes, base64url, made by each continue from the
 * confirmation page. It says nothing (not the session, not the provider); KV maps its SHA-256
 * to the session, and the session remembers which `state` is current, so a `state` works for
 * exactly one authorization and only for the session and provider it was made for.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 (CSRF protection with `state`)
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.7 (OAuth 2.0 security BCP)
 */

import { randomBase64Url } from "../shared/base64.ts";

/** Longest `state` a callback reads (ours are 43 characters). */
export const MAX_STATE_LENGTH = 128;

/** A fresh, opaque `state`. */
export function newState(): string {
  return randomBase64Url(32);
}
