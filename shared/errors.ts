/**
 * Stable error codes shared by the server (JSON error bodies) and the CLI
 * (`{ "error": { "code", "message" } }` under `--json`).
 *
 * A code never changes once released: agents branch on it. Messages are for humans and
 * never contain a token, code, secret or key.
 */
export const ERROR_CODES = {
  // request shape
  INVALID_JSON: "invalid_json",
  INVALID_REQUEST: "invalid_request",
  NOT_FOUND: "not_found",
  METHOD_NOT_ALLOWED: "method_not_allowed",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  // providers
  UNKNOWN_PROVIDER: "provider_not_implemented",
  PROVIDER_NOT_CONFIGURED: "provider_not_configured",
  SERVER_MISCONFIGURED: "server_misconfigured",
  // sessions
  SESSION_NOT_FOUND: "session_not_found",
  SESSION_EXPIRED: "session_expired",
  SESSION_COMPLETED: "session_completed",
  SESSION_FAILED: "session_failed",
  /** A second browser continued a login another browser had bound: the login is stopped. */
  SESSION_CONTESTED: "session_contested",
  /** The session was already handed to its agent. */
  SESSION_CLAIMED: "session_claimed",
  // signed requests
  INVALID_TIMESTAMP: "invalid_timestamp",
  INVALID_NONCE: "invalid_nonce",
  INVALID_SIGNATURE: "invalid_signature",
  REPLAY_DETECTED: "replay_detected",
  RATE_LIMITED: "rate_limited",
  // OAuth callback / token endpoint
  INVALID_STATE: "invalid_state",
  BROWSER_MISMATCH: "browser_mismatch",
  /** A state-changing browser request that is not same-origin (CSRF defence). */
  CROSS_SITE_REQUEST: "cross_site_request",
  /** The confirmation form's CSRF token does not match its cookie. */
  CSRF_MISMATCH: "csrf_mismatch",
  /** The provider's `iss` authorization-response parameter is not its issuer (RFC 9207). */
  ISSUER_MISMATCH: "issuer_mismatch",
  PROVIDER_ERROR: "provider_error",
  TOKEN_EXCHANGE_FAILED: "token_exchange_failed",
  REFRESH_FAILED: "refresh_failed",
  INVALID_GRANT: "invalid_grant",
  UPSTREAM_UNAVAILABLE: "upstream_unavailable",
  // crypto
  DECRYPT_FAILED: "decrypt_failed",
  // agent access (exec, api, mcp)
  API_HOST_REFUSED: "api_host_refused",
  API_NOT_CONFIGURED: "api_not_configured",
  HTTP_ERROR: "http_error",
  EXEC_FAILED: "exec_failed",
  EXEC_NESTED: "exec_nested",
  // CLI
  USAGE: "usage",
  KEYCHAIN_UNAVAILABLE: "keychain_unavailable",
  KEYCHAIN_TIMEOUT: "keychain_timeout",
  KEYCHAIN_ERROR: "keychain_error",
  TOKEN_NOT_FOUND: "token_not_found",
  NEEDS_LOGIN: "needs_login",
  TRANSIENT: "transient_error",
  SERVER_UNREACHABLE: "server_unreachable",
  SERVER_ERROR: "server_error",
  PROVIDER_MISMATCH: "provider_mismatch",
  /** A claim would replace the account stored in a profile with another account. */
  ACCOUNT_MISMATCH: "account_mismatch",
  LOCK_TIMEOUT: "lock_timeout",
  WAIT_TIMEOUT: "wait_timeout",
  ALREADY_CLAIMED: "already_claimed",
  STORAGE_FAILED: "storage_failed",
  INTERNAL: "internal_error",
} as const;

/** One of the values of {@linkcode ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[keyof typeof ERROR_CODES];

/** Options of {@linkcode ClawauthError}. */
export interface ClawauthErrorOptions {
  /** HTTP status the server answers with (server side only). */
  status?: number;
  /** Extra, non-secret fields merged into the JSON error body. */
  details?: Record<string, unknown>;
  /** The original error. */
  cause?: unknown;
}

/**
 * The one error class of clawauth: a stable `code`, a human `message`, an optional HTTP
 * `status` and non-secret `details`.
 *
 * @see https://github.com/panva/oauth4webapi (OperationProcessingError, the model)
 */
export class ClawauthError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ClawauthErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = this.constructor.name;
    this.code = code;
    this.status = options.status ?? 400;
    this.details = options.details ?? {};
  }
}

/** True when `value` is a {@linkcode ClawauthError} (also across module copies). */
export function isClawauthError(value: unknown): value is ClawauthError {
  return value instanceof ClawauthError ||
    (value instanceof Error && typeof (value as { code?: unknown }).code === "string" &&
      value.name === "ClawauthError");
}
