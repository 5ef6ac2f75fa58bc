/**
 * The signed request's canonical string, wire-compatible with clawauth 0.4:
 * `timestamp|sessionId|METHOD|path|nonce`, signed as UTF-8.
 *
 * `path` is the URL path only (`/status/<id>`), without query string or origin, so the
 * signature survives a reverse proxy that rewrites the host.
 */

/** Parts that make up a signed request. */
export interface CanonicalRequestParts {
  /** Unix time in whole seconds, as sent in `x-timestamp`. */
  timestamp: string;
  sessionId: string;
  /** HTTP method, upper case (`GET`). */
  method: string;
  /** URL path, e.g. `/claim/<sessionId>`. */
  path: string;
  /** The `x-request-nonce` value (base64url, 12–120 characters). */
  nonce: string;
}

/** Builds the canonical string `timestamp|sessionId|METHOD|path|nonce`. */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  return `${parts.timestamp}|${parts.sessionId}|${parts.method.toUpperCase()}|${parts.path}|${parts.nonce}`;
}

/** Header names of a signed request. */
export const SIGNATURE_HEADERS = {
  TIMESTAMP: "x-timestamp",
  NONCE: "x-request-nonce",
  SIGNATURE: "x-signature",
} as const;

/** Allowed clock skew between CLI and server, in seconds (either direction). */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/** `x-request-nonce`: base64url, 12 to 120 characters. */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{12,120}$/;
