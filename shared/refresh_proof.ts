/**
 * Proof of possession for `POST /refresh` and `POST /revoke`, modelled on DPoP (RFC 9449):
 * the CLI signs, with the profile's Ed25519 refresh key, the method, the target URI (origin
 * and path only), a timestamp, a single-use random id and a hash of the request body. The
 * server checks each part (server/refresh_proof_check.ts), then the key's thumbprint
 * against the refresh token's binding.
 *
 * Headers (all required when a binding is sent):
 *
 * | header | value |
 * |---|---|
 * | `x-proof-key` | the 32-byte Ed25519 public key, standard base64 |
 * | `x-proof-htu` | `origin + path` the proof is for, e.g. `https://auth.example/refresh` |
 * | `x-proof-iat` | Unix seconds |
 * | `x-proof-jti` | 16 random bytes, base64url (single use) |
 * | `x-proof-body` | base64url SHA-256 of the exact request body bytes |
 * | `x-proof-signature` | Ed25519 signature of {@linkcode proofMessage}, standard base64 |
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
import { encodeBase64, encodeBase64Url, randomBase64Url } from "./base64.ts";
import { importSigningKey } from "./sign_request.ts";

/** Header names of a refresh proof. */
export const PROOF_HEADERS = {
  KEY: "x-proof-key",
  HTU: "x-proof-htu",
  IAT: "x-proof-iat",
  JTI: "x-proof-jti",
  BODY: "x-proof-body",
  SIGNATURE: "x-proof-signature",
} as const;

/** A proof's `iat` is accepted up to this many seconds either side of the server's clock. */
export const PROOF_MAX_SKEW_SECONDS = 60;

/** `x-proof-jti`: base64url, 16 to 64 characters. */
export const PROOF_JTI_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** The parts a proof signs. */
export interface ProofParts {
  /** Upper-case HTTP method. */
  htm: string;
  /** Origin and path of the target, no query or fragment. */
  htu: string;
  /** Unix seconds. */
  iat: number;
  jti: string;
  /** base64url SHA-256 of the body. */
  bodyHash: string;
}

/** The signed string: `clawauth-proof|v1|METHOD|htu|iat|jti|bodyHash` (UTF-8). */
export function proofMessage(parts: ProofParts): string {
  return `clawauth-proof|v1|${parts.htm.toUpperCase()}|${parts.htu}|${parts.iat}|${parts.jti}|${parts.bodyHash}`;
}

/** base64url SHA-256 of `bytes` (or of the UTF-8 of a string). */
export async function sha256Base64Url(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  return encodeBase64Url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>)),
  );
}

/**
 * Thumbprint of an Ed25519 public key: base64url SHA-256 of its 32 raw bytes (the raw key is
 * the whole of an OKP key's RFC 7638 input that varies, so hashing it directly is equivalent
 * for binding purposes and needs no JSON canonicalisation).
 */
export function keyThumbprint(publicKey: Uint8Array): Promise<string> {
  return sha256Base64Url(publicKey);
}

/** Options of {@linkcode createProofHeaders}. */
export interface CreateProofOptions {
  method: string;
  /** Full URL of the request; only origin and path are signed. */
  url: string;
  body: string;
  /** Epoch ms. */
  now: number;
  /** Defaults to 16 random bytes. */
  jti?: string;
}

/** `origin + path` of a URL (no query, no fragment). */
export function htuOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * Signs a proof with a tweetnacl 64-byte Ed25519 secret key (seed ‖ public key) and returns
 * the headers to send.
 */
export async function createProofHeaders(
  secretKey: Uint8Array,
  options: CreateProofOptions,
): Promise<Record<string, string>> {
  if (secretKey.length !== 64) {
    throw new TypeError(
      `refresh key must be a 64-byte Ed25519 secret key: got ${secretKey.length}`,
    );
  }
  const parts: ProofParts = {
    htm: options.method.toUpperCase(),
    htu: htuOf(options.url),
    iat: Math.floor(options.now / 1000),
    jti: options.jti ?? randomBase64Url(16),
    bodyHash: await sha256Base64Url(options.body),
  };
  const key = await importSigningKey(secretKey);
  const signature = new Uint8Array(
    await crypto.subtle.sign("Ed25519", key, new TextEncoder().encode(proofMessage(parts))),
  );
  return {
    [PROOF_HEADERS.KEY]: encodeBase64(secretKey.subarray(32)),
    [PROOF_HEADERS.HTU]: parts.htu,
    [PROOF_HEADERS.IAT]: String(parts.iat),
    [PROOF_HEADERS.JTI]: parts.jti,
    [PROOF_HEADERS.BODY]: parts.bodyHash,
    [PROOF_HEADERS.SIGNATURE]: encodeBase64(signature),
  };
}
