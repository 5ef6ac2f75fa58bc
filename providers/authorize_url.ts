/**
 * Builds the authorization request URL a person is sent to.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */

import type { ProviderSettings, ProviderSpec } from "./types.ts";

/**
 * Parameters of one authorization request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 */
export interface AuthorizeRequestOptions {
  /** Opaque, signed `state` value. */
  state: string;
  /**
   * Scopes the caller asked for, separated by spaces or commas; re-joined with the
   * provider's separator. Blank or absent: `spec.defaultScopes`.
   */
  scope?: string;
  /** S256 PKCE challenge; adds `code_challenge_method=S256`. */
  codeChallenge?: string;
}

/**
 * Parameters this module owns; `spec.authorizeParams` never replaces them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 */
export const CORE_AUTHORIZE_PARAMS: readonly string[] = [
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
];

/**
 * Splits a scope string given by a person or agent (`"a b"`, `"a,b"`, `"a, b"`) and re-joins
 * it with `separator`; returns `""` when there is none.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function normalizeScope(scope: string, separator: string): string {
  return scope.split(/[\s,]+/).filter((part) => part !== "").join(separator);
}

/**
 * Returns the authorize URL: `settings.authorizeUrl` (keeping any query it already has) plus
 * `response_type=code`, `client_id`, `redirect_uri`, `scope` (or `spec.scopeParam`; omitted when
 * empty), `state`,
 * PKCE parameters when `codeChallenge` is given, then `spec.authorizeParams`, which never
 * override the core parameters.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
export function buildAuthorizeUrl(
  spec: ProviderSpec,
  settings: ProviderSettings,
  options: AuthorizeRequestOptions,
): string {
  const url = new URL(settings.authorizeUrl);
  const params = url.searchParams;
  params.set("response_type", "code");
  params.set("client_id", settings.clientId);
  params.set("redirect_uri", settings.redirectUri);
  const requested = options.scope === undefined
    ? ""
    : normalizeScope(options.scope, spec.scopeSeparator);
  const scope = requested !== "" ? requested : spec.defaultScopes.join(spec.scopeSeparator);
  const scopeParam = spec.scopeParam ?? "scope";
  if (scope !== "") params.set(scopeParam, scope);
  else params.delete(scopeParam);
  params.set("state", options.state);
  if (options.codeChallenge !== undefined) {
    params.set("code_challenge", options.codeChallenge);
    params.set("code_challenge_method", "S256");
  }
  for (const [key, value] of Object.entries(spec.authorizeParams ?? {})) {
    if (CORE_AUTHORIZE_PARAMS.includes(key) || key === scopeParam) continue;
    params.set(key, value);
  }
  return url.toString();
}
