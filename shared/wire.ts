/**
 * Wire types of the clawauth protocol (compatible with the 0.4 CLI and worker).
 *
 * @see ../README.md#protocol
 */

/** `POST /init` request body. Keys are standard base64. */
export interface InitRequest {
  provider: string;
  scope?: string;
  ttlSeconds?: number;
  /** Ed25519 public key (32 bytes) that signs `/status` and `/claim` requests. */
  verifyKey: string;
  /** X25519 public key (32 bytes) the token response is sealed to. */
  boxPublicKey: string;
}

/** `POST /init` response body. */
export interface InitResponse {
  sessionId: string;
  provider: string;
  authUrl: string;
  shortAuthUrl: string;
  expiresIn: number;
  /**
   * Code the confirmation page shows (`KXRT-4MPQ`, RFC 8628 §6.1 alphabet); the agent shows it
   * to its person too. Absent from 0.4 servers.
   */
  confirmationCode?: string;
  /** Seconds between status polls the server asks for. Absent from 0.4 servers. */
  pollIntervalSeconds?: number;
}

/** Status of a login session. */
export type SessionStatus = "pending" | "completed" | "error";

/** `GET /status/{id}` response body (HTTP 200 for pending/completed, 400 for error, as 0.4). */
export interface StatusResponse {
  status: SessionStatus;
  provider: string;
  error?: string;
}

/** A `nacl.box` message: each field standard base64. */
export interface SealedBox {
  ephemeralPublicKey: string;
  nonce: string;
  ciphertext: string;
}

/** `GET /claim/{id}` response body once completed. */
export interface ClaimResponse {
  status: "completed";
  provider: string;
  blob: SealedBox;
}

/** Who an account is, as the provider's identity endpoint (or token response) says. */
export interface SealedIdentity {
  /** Stable account id at the provider. */
  id: string;
  login?: string;
  email?: string;
  name?: string;
}

/** Plaintext inside a claim or refresh blob. */
export interface SealedTokenPayload {
  provider: string;
  /** ISO 8601 time the server received the token response. */
  issuedAt: string;
  /** The provider's token response, as parsed JSON (or form-decoded) object. */
  tokenData: Record<string, unknown>;
  /** The account the token belongs to, when the provider names it (claims only). */
  identity?: SealedIdentity;
}

/** `POST /refresh` request body: refresh a delegated token through the server. */
export interface RefreshRequest {
  provider: string;
  refreshToken: string;
  /** X25519 public key (32 bytes, base64) the new token response is sealed to. */
  boxPublicKey: string;
  scope?: string;
}

/** `POST /refresh` response body. */
export interface RefreshResponse {
  provider: string;
  blob: SealedBox;
}

/** JSON error body of every server error: `error` stays a string for 0.4 clients. */
export interface ErrorBody {
  error: string;
  code: string;
  [extra: string]: unknown;
}
