/**
 * The OAuth `state` parameter: the session id encrypted with AES-256-GCM under a key derived
 * from `STATE_SIGNING_SECRET`, with a fresh random IV per continue. It reveals nothing (not the
 * session, not the provider; it does not decode without the key), cannot be forged, and needs
 * no KV key of its own: the session stores the SHA-256 of its current `state`, so a `state`
 * works for exactly one authorization and only for the session it was made for.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 (CSRF protection with `state`)
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.7 (OAuth 2.0 security BCP)
 */

import { decodeBase64Url, encodeBase64Url } from "../shared/base64.ts";

/** Longest `state` a callback reads (ours are 86 characters). */
export const MAX_STATE_LENGTH = 256;
const IV_BYTES = 12;

export interface StateCipher {
  /** A fresh, opaque `state` for `sessionId`. */
  seal(sessionId: string): Promise<string>;
  /** The session id inside a `state` this server made, else null. */
  open(state: string | undefined): Promise<string | null>;
}

const encoder = new TextEncoder();

/** Builds the cipher over `secret`; the key (SHA-256 of a label and the secret) is made once. */
export function createStateCipher(secret: string): StateCipher {
  const key = (async () => {
    const raw = await crypto.subtle.digest(
      "SHA-256",
      encoder.encode(`clawauth state v1|${secret}`),
    );
    return await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  })();

  return {
    async seal(sessionId) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await key, encoder.encode(sessionId)),
      );
      const out = new Uint8Array(IV_BYTES + sealed.length);
      out.set(iv);
      out.set(sealed, IV_BYTES);
      return encodeBase64Url(out);
    },
    async open(state) {
      if (state === undefined || state.length > MAX_STATE_LENGTH) return null;
      try {
        const bytes = decodeBase64Url(state);
        if (bytes.length <= IV_BYTES + 16) return null;
        const plain = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: bytes.slice(0, IV_BYTES) },
          await key,
          bytes.slice(IV_BYTES),
        );
        return new TextDecoder().decode(plain);
      } catch {
        return null;
      }
    },
  };
}
