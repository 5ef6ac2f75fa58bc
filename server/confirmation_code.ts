/**
 * The confirmation code a person compares between what their agent showed them and what the
 * confirmation page shows: 8 characters from the RFC 8628 §6.1 alphabet (consonants only, no
 * look-alikes, no words), shown as `XXXX-XXXX`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-6.1
 */

/** Base-20 alphabet without vowels (RFC 8628 §6.1). */
export const CONFIRMATION_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
const CODE_LENGTH = 8;
// 240 is the largest multiple of 20 below 256: bytes at or above it are skipped (no bias).
const UNBIASED_LIMIT = 256 - (256 % CONFIRMATION_CODE_ALPHABET.length);

/** A fresh code, `XXXX-XXXX`. */
export function newConfirmationCode(): string {
  let code = "";
  while (code.length < CODE_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(16))) {
      if (byte >= UNBIASED_LIMIT) continue;
      code += CONFIRMATION_CODE_ALPHABET[byte % CONFIRMATION_CODE_ALPHABET.length];
      if (code.length === CODE_LENGTH) break;
    }
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
