/**
 * Reads a token endpoint's answer (authorization code or refresh grant) into a
 * {@linkcode TokenResponseResult}, for the three reporting styles of `TokenResponseStyle`.
 *
 * Every field used is type-checked, as oauth4webapi's `processAuthorizationCodeResponse`
 * does; a description never contains a token and is at most 200 characters.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 * @see https://docs.slack.dev/reference/methods/oauth.v2.access
 */

import type { ProviderSpec, TokenResponseResult } from "./types.ts";

/**
 * Longest description a failure carries.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const MAX_DESCRIPTION_LENGTH = 200;

/**
 * Largest token response body read (bytes); anything larger is `invalid_response`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const MAX_TOKEN_RESPONSE_BYTES = 1_000_000;

const TOKEN_FIELDS = ["access_token", "refresh_token", "id_token"] as const;
const LIFTED_USER_FIELDS = [
  "access_token",
  "refresh_token",
  "expires_in",
  "scope",
  "token_type",
] as const;
const NUMERIC_FIELDS = ["expires_in", "refresh_token_expires_in"] as const;
const OAUTH_ERROR_PATTERN = /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,100}$/;

/**
 * Provider-specific error codes that mean what RFC 6749's `invalid_grant` means (the code or
 * refresh token is invalid, expired, revoked or spent): callers branch on `invalid_grant` to
 * ask for a new login, so these are reported as `invalid_grant` (the original code stays in
 * the description).
 *
 * @see https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 * @see https://docs.slack.dev/reference/methods/oauth.v2.access
 */
export const INVALID_GRANT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  github: ["bad_verification_code", "bad_refresh_token"],
  slack: ["invalid_code", "code_already_used", "invalid_refresh_token", "code_expired"],
  oauth2: [],
};

type Failure = Extract<TokenResponseResult, { ok: false }>;

/**
 * Makes `text` safe to show: drops control characters, replaces every `secrets` value with
 * `[redacted]` and truncates to {@linkcode MAX_DESCRIPTION_LENGTH} characters.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 (error_description)
 */
export function sanitizeDescription(text: string, secrets: readonly string[] = []): string {
  // deno-lint-ignore no-control-regex -- control characters are exactly what is removed
  let out = text.replace(/[\x00-\x1F\x7F]+/g, " ");
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  out = out.trim();
  return out.length > MAX_DESCRIPTION_LENGTH ? `${out.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…` : out;
}

function failure(
  error: string,
  description: string,
  transient: boolean,
  secrets: readonly string[] = [],
): Failure {
  return { ok: false, error, description: sanitizeDescription(description, secrets), transient };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function readBody(response: Response): Promise<string | undefined> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_TOKEN_RESPONSE_BYTES) {
        await reader.cancel();
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** JSON object, form-encoded object, or `undefined` when the body is neither. */
function parseBody(text: string, contentType: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  const looksJson = contentType.includes("json") || trimmed.startsWith("{");
  if (looksJson) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  const isForm = contentType.includes("application/x-www-form-urlencoded") ||
    ((contentType === "" || contentType.includes("text/plain")) &&
      /^[^=&\s]+=[^\s]*$/.test(trimmed));
  if (!isForm || trimmed === "") return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(trimmed)) out[key] = value;
  return out;
}

/** Secret-looking values of a parsed body, so no description ever repeats them. */
function tokenValues(body: Record<string, unknown> | undefined): string[] {
  if (body === undefined) return [];
  const values: string[] = [];
  const visit = (record: Record<string, unknown>) => {
    for (const field of TOKEN_FIELDS) {
      if (typeof record[field] === "string") values.push(record[field] as string);
    }
  };
  visit(body);
  if (isRecord(body.authed_user)) visit(body.authed_user);
  return values;
}

/**
 * The provider's error code and message, type-checked: `spec.errorShape.codeField` (Notion
 * `code`) before `error`, and a Notion-style `{"object":"error","code":…}` body even without a
 * registry entry; `messageField` before `error_description` and `message`.
 */
function providerError(
  spec: ProviderSpec,
  body: Record<string, unknown> | undefined,
): { error: string; description?: string } | undefined {
  if (body === undefined) return undefined;
  const shape = spec.errorShape;
  const candidates = [
    shape?.codeField !== undefined ? body[shape.codeField] : undefined,
    body.error,
    body.object === "error" ? body.code : undefined,
  ];
  const error = candidates.find((value): value is string =>
    typeof value === "string" && OAUTH_ERROR_PATTERN.test(value)
  );
  if (error === undefined) return undefined;
  const messages = [
    shape?.messageField !== undefined ? body[shape.messageField] : undefined,
    body.error_description,
    body.message,
  ];
  const raw = messages.find((value) => typeof value === "string");
  return { error, description: typeof raw === "string" ? raw : undefined };
}

/**
 * `invalid_grant` when the provider's code (or, for providers like Twitch whose `error` is the
 * HTTP reason phrase, its exact message) is one that means the grant is gone; else the code.
 *
 * @see ./types.ts ErrorShapeSpec
 */
function normalizeErrorCode(
  spec: ProviderSpec,
  upstream: { error: string; description?: string },
): string {
  const aliases = [
    ...(INVALID_GRANT_ALIASES[spec.tokenResponse] ?? []),
    ...(spec.errorShape?.invalidGrant ?? []),
  ].map((alias) => alias.toLowerCase());
  const code = upstream.error.toLowerCase();
  const message = upstream.description?.trim().toLowerCase();
  if (aliases.includes(code) || (message !== undefined && aliases.includes(message))) {
    return "invalid_grant";
  }
  return upstream.error;
}

function describe(error: { error: string; description?: string }, fallback: string): string {
  return error.description !== undefined && error.description.trim() !== ""
    ? `${fallback}: ${error.error}: ${error.description}`
    : `${fallback}: ${error.error}`;
}

/** Slack puts a user token under `authed_user`; lift it when the top level has none. */
function liftSlackUserToken(body: Record<string, unknown>): Record<string, unknown> {
  if (typeof body.access_token === "string") return body;
  const user = body.authed_user;
  if (!isRecord(user) || typeof user.access_token !== "string") return body;
  const lifted: Record<string, unknown> = { ...body };
  for (const field of LIFTED_USER_FIELDS) {
    if (user[field] !== undefined) lifted[field] = user[field];
  }
  return lifted;
}

/** Checks and normalizes the standard fields of a successful response. */
function checkSuccess(
  body: Record<string, unknown>,
  secrets: readonly string[],
): TokenResponseResult {
  if (typeof body.access_token !== "string" || body.access_token === "") {
    return failure(
      "invalid_response",
      "token response has no 'access_token' string",
      false,
      secrets,
    );
  }
  const tokenData: Record<string, unknown> = { ...body };
  for (const field of NUMERIC_FIELDS) {
    const value = tokenData[field];
    if (value === undefined || value === null) {
      delete tokenData[field];
      continue;
    }
    // Form-encoded bodies (and a few JSON ones) carry numbers as strings.
    const number = typeof value === "string" && /^\d{1,12}$/.test(value) ? Number(value) : value;
    if (typeof number !== "number" || !Number.isFinite(number) || number < 0) {
      return failure(
        "invalid_response",
        `token response '${field}' must be a non-negative number: got ${typeof value}`,
        false,
      );
    }
    tokenData[field] = number;
  }
  for (const field of ["refresh_token", "token_type", "id_token"] as const) {
    const value = tokenData[field];
    if (value === null) delete tokenData[field];
    else if (value !== undefined && typeof value !== "string") {
      return failure(
        "invalid_response",
        `token response '${field}' must be a string: got ${typeof value}`,
        false,
      );
    }
  }
  const scope = tokenData.scope;
  if (
    scope !== undefined && typeof scope !== "string" &&
    !(Array.isArray(scope) && scope.every((item) => typeof item === "string"))
  ) {
    return failure(
      "invalid_response",
      "token response 'scope' must be a string or an array of strings",
      false,
    );
  }
  return { ok: true, tokenData };
}

/**
 * Interprets a token endpoint response for `spec.tokenResponse`:
 * - HTTP 5xx and 429 → transient failure (`http_<status>`, or the provider's `error`);
 * - other non-2xx → the provider's error code (`invalid_grant` stays `invalid_grant`; codes and
 *   messages listed in `INVALID_GRANT_ALIASES` or `spec.errorShape.invalidGrant` become
 *   `invalid_grant`; Notion's `code` field is read like `error`), or `http_<status>` when the
 *   body has none; not transient (except 408);
 * - HTTP 2xx with an `error` field (GitHub style, and defensively everywhere) or `ok:false`
 *   (Slack style) → that error;
 * - Slack: a top level without `access_token` but with `authed_user.access_token` gets the
 *   user token's fields lifted up (the original `authed_user` stays);
 * - a success without a non-empty string `access_token` → `invalid_response`.
 *
 * Bodies may be JSON or `application/x-www-form-urlencoded`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 * @see https://docs.slack.dev/reference/methods/oauth.v2.access
 */
export async function processTokenResponse(
  spec: ProviderSpec,
  response: Response,
): Promise<TokenResponseResult> {
  const status = response.status;
  let text: string | undefined;
  try {
    text = await readBody(response);
  } catch {
    return failure("network_error", "token response body could not be read", true);
  }
  if (text === undefined) {
    return failure("invalid_response", "token response body is larger than 1 MB", false);
  }
  const body = parseBody(text, (response.headers.get("content-type") ?? "").toLowerCase());
  const secrets = tokenValues(body);
  const upstream = providerError(spec, body);

  if (status >= 500 || status === 429 || status === 408) {
    const label = `token endpoint answered HTTP ${status}`;
    return failure(
      upstream?.error ?? `http_${status}`,
      upstream ? describe(upstream, label) : label,
      true,
      secrets,
    );
  }
  if (status < 200 || status > 299) {
    const label = `token endpoint answered HTTP ${status}`;
    if (upstream) {
      return failure(normalizeErrorCode(spec, upstream), describe(upstream, label), false, secrets);
    }
    return failure(`http_${status}`, label, false);
  }
  if (body === undefined) {
    return failure(
      "invalid_response",
      `token endpoint answered HTTP ${status} with a body that is neither a JSON object nor form-encoded`,
      false,
    );
  }
  if (spec.tokenResponse === "slack" && body.ok === false) {
    const error = upstream?.error ?? "provider_error";
    return failure(
      normalizeErrorCode(spec, { error }),
      `token endpoint reported ok:false: ${error}`,
      false,
      secrets,
    );
  }
  if (upstream && (spec.tokenResponse === "github" || typeof body.access_token !== "string")) {
    return failure(
      normalizeErrorCode(spec, upstream),
      describe(upstream, `token endpoint reported an error with HTTP ${status}`),
      false,
      secrets,
    );
  }
  const normalized = spec.tokenResponse === "slack" ? liftSlackUserToken(body) : body;
  return checkSuccess(normalized, secrets);
}
