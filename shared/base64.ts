/**
 * Standard base64 (RFC 4648 §4) and base64url without padding (RFC 4648 §5).
 *
 * Decoders throw a `TypeError` on characters outside the alphabet, so callers can turn
 * that into a validation error that names the field.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4648
 */

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

/** Encodes bytes as standard, padded base64. @see https://www.rfc-editor.org/rfc/rfc4648#section-4 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decodes standard, padded base64; throws `TypeError` on malformed input. @see https://www.rfc-editor.org/rfc/rfc4648#section-4 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== "string" || !BASE64_PATTERN.test(text)) {
    throw new TypeError("not valid base64");
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Encodes bytes as base64url without padding. @see https://www.rfc-editor.org/rfc/rfc4648#section-5 */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes unpadded base64url; throws `TypeError` on malformed input. @see https://www.rfc-editor.org/rfc/rfc4648#section-5 */
export function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== "string" || !BASE64URL_PATTERN.test(text) || text.length % 4 === 1) {
    throw new TypeError("not valid base64url");
  }
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return decodeBase64(padded);
}

/** Returns `n` cryptographically random bytes encoded as base64url (n=16 gives 22 characters). */
export function randomBase64Url(n: number): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(n)));
}
