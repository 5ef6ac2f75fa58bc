/**
 * PKCE (RFC 7636) verifier and S256 challenge, shared by the server (confidential clients)
 * and the CLI (public-client loopback login).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */

import { encodeBase64Url, randomBase64Url } from "../shared/base64.ts";

/**
 * A PKCE code verifier and its S256 code challenge.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export interface PkcePair {
  /** 43 base64url characters (32 random bytes): keep secret until the token request. */
  verifier: string;
  /** `BASE64URL(SHA-256(ASCII(verifier)))`, sent on the authorize URL. */
  challenge: string;
}

/**
 * Computes the S256 code challenge of a verifier.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export async function computeCodeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return encodeBase64Url(new Uint8Array(digest));
}

/**
 * Creates a fresh verifier (32 random bytes, base64url: 43 characters) and its S256 challenge.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export async function createPkcePair(): Promise<PkcePair> {
  const verifier = randomBase64Url(32);
  return { verifier, challenge: await computeCodeChallenge(verifier) };
}
