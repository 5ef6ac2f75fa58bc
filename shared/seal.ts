/**
 * End-to-end encryption of a token response to the CLI session's X25519 key with
 * `nacl.box` (X25519 + XSalsa20-Poly1305), a fresh ephemeral key pair and a random
 * 24-byte nonce per message. The wire format is the 0.4 one:
 * `{ ephemeralPublicKey, nonce, ciphertext }`, each standard base64.
 *
 * @see https://nacl.cr.yp.to/box.html
 */
import nacl from "tweetnacl";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { ClawauthError, ERROR_CODES } from "./errors.ts";
import type { SealedBox } from "./wire.ts";

/** Seals `value` (JSON-serialised, UTF-8) to `recipientPublicKey` (32 bytes). */
export function sealJson(value: unknown, recipientPublicKey: Uint8Array): SealedBox {
  if (recipientPublicKey.length !== nacl.box.publicKeyLength) {
    throw new TypeError(`X25519 public key must be 32 bytes: got ${recipientPublicKey.length}`);
  }
  const ephemeral = nacl.box.keyPair();
  const nonce = nacl.randomBytes(nacl.box.nonceLength);
  const plaintext = new TextEncoder().encode(JSON.stringify(value));
  const ciphertext = nacl.box(plaintext, nonce, recipientPublicKey, ephemeral.secretKey);
  ephemeral.secretKey.fill(0);
  return {
    ephemeralPublicKey: encodeBase64(ephemeral.publicKey),
    nonce: encodeBase64(nonce),
    ciphertext: encodeBase64(ciphertext),
  };
}

/**
 * Opens a {@linkcode SealedBox} with the recipient's 32-byte X25519 secret key and parses
 * the JSON inside. Throws `ClawauthError(decrypt_failed)` on any malformed field, failed
 * authentication or non-JSON plaintext.
 */
export function openSealedJson(box: unknown, recipientSecretKey: Uint8Array): unknown {
  const fail = (why: string) =>
    new ClawauthError(ERROR_CODES.DECRYPT_FAILED, `cannot open the sealed token: ${why}`);
  if (typeof box !== "object" || box === null) throw fail("blob is not an object");
  const { ephemeralPublicKey, nonce, ciphertext } = box as Record<string, unknown>;
  let epk: Uint8Array, n: Uint8Array, ct: Uint8Array;
  try {
    epk = decodeBase64(String(ephemeralPublicKey));
    n = decodeBase64(String(nonce));
    ct = decodeBase64(String(ciphertext));
  } catch {
    throw fail("a field is not base64");
  }
  if (epk.length !== nacl.box.publicKeyLength) throw fail("ephemeralPublicKey is not 32 bytes");
  if (n.length !== nacl.box.nonceLength) throw fail("nonce is not 24 bytes");
  const opened = nacl.box.open(ct, n, epk, recipientSecretKey);
  if (!opened) throw fail("authentication failed (wrong key or tampered ciphertext)");
  try {
    return JSON.parse(new TextDecoder().decode(opened));
  } catch {
    throw fail("plaintext is not JSON");
  }
}
