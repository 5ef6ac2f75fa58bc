/**
 * Signs a request with the session's Ed25519 key and returns the three headers to send.
 *
 * Keys are tweetnacl's 64-byte secret keys (seed ‖ public key) as the 0.4 CLI stores them;
 * signing uses Web Crypto through a PKCS#8 wrapping of the 32-byte seed, which is much
 * cheaper than tweetnacl's pure-JS signing.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8032 (Ed25519)
 * @see https://www.rfc-editor.org/rfc/rfc8410#section-7 (PKCS#8 form of an Ed25519 key)
 */
import { encodeBase64, randomBase64Url } from "./base64.ts";
import { canonicalRequest, SIGNATURE_HEADERS } from "./canonical_request.ts";

// DER prefix of a PKCS#8 PrivateKeyInfo holding an Ed25519 seed (RFC 8410 §7).
const PKCS8_ED25519_PREFIX = new Uint8Array([
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
]);

/** Imports a tweetnacl 64-byte (or bare 32-byte seed) Ed25519 secret key for Web Crypto signing. */
export function importSigningKey(secretKey: Uint8Array): Promise<CryptoKey> {
  if (secretKey.length !== 64 && secretKey.length !== 32) {
    throw new TypeError(`Ed25519 secret key must be 32 or 64 bytes: got ${secretKey.length}`);
  }
  const pkcs8 = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
  pkcs8.set(PKCS8_ED25519_PREFIX);
  pkcs8.set(secretKey.subarray(0, 32), PKCS8_ED25519_PREFIX.length);
  return crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
}

/** Options of {@linkcode signRequest}. */
export interface SignRequestOptions {
  sessionId: string;
  path: string;
  method?: string;
  /** Unix seconds; defaults to now. Inject for tests and pre-signed load generation. */
  timestamp?: number;
  /** Defaults to 16 random bytes as base64url. */
  nonce?: string;
}

/** Signs `timestamp|sessionId|METHOD|path|nonce` and returns the request headers. */
export async function signRequest(
  key: CryptoKey | Uint8Array,
  options: SignRequestOptions,
): Promise<Record<string, string>> {
  const cryptoKey = key instanceof Uint8Array ? await importSigningKey(key) : key;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBase64Url(16);
  const message = canonicalRequest({
    timestamp,
    sessionId: options.sessionId,
    method: options.method ?? "GET",
    path: options.path,
    nonce,
  });
  const signature = await crypto.subtle.sign(
    "Ed25519",
    cryptoKey,
    new TextEncoder().encode(message),
  );
  return {
    [SIGNATURE_HEADERS.TIMESTAMP]: timestamp,
    [SIGNATURE_HEADERS.NONCE]: nonce,
    [SIGNATURE_HEADERS.SIGNATURE]: encodeBase64(new Uint8Array(signature)),
  };
}
