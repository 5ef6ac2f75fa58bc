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
  /**
   * S256 PKCE challenge; adds `code_challenge_method=S256` where {@linkcode pkceApplies}, and is
   * left out for a provider that must not see PKCE from this client (Slack's confidential apps).
   */
  codeChallenge?: string;
  /**
   * Adds `spec.consentParams` (`prompt=consent`, Twitch `force_verify=true`, Spotify
   * `show_dialog=true`) so the provider shows its consent screen, and its account choice, even
   * to a person who approved before. Default `true`: a delegated login should be a deliberate
   * approval by the person who opens the link.
   */
  forceConsent?: boolean;
}

/**
 * Whether PKCE (S256) is sent to this provider: always for a public client (no secret, PKCE is
 * its only proof), else when the registry says the provider accepts it (`required` or
 * `supported`). `none` covers both "ignores it" and "refuses it from a confidential client"
 * (Slack: PKCE parameters only from apps switched to PKCE, which makes them public for good).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 * @see https://docs.slack.dev/authentication/using-pkce
 */
export function pkceApplies(spec: ProviderSpec): boolean {
  return spec.clientAuth === "none" || spec.pkce !== "none";
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
 * empty), `state`, PKCE parameters when `codeChallenge` is given and {@linkcode pkceApplies},
 * then `spec.authorizeParams` and (unless `forceConsent` is `false`) `spec.consentParams`,
 * which never override the core parameters.
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
  if (options.codeChallenge !== undefined && pkceApplies(spec)) {
    params.set("code_challenge", options.codeChallenge);
    params.set("code_challenge_method", "S256");
  } else {
    params.delete("code_challenge");
    params.delete("code_challenge_method");
  }
  const extra = {
    ...spec.authorizeParams,
    ...(options.forceConsent === false ? {} : spec.consentParams),
  };
  for (const [key, value] of Object.entries(extra)) {
    if (CORE_AUTHORIZE_PARAMS.includes(key) || key === scopeParam) continue;
    params.set(key, value);
  }
  return url.toString();
}
