/**
 * What the agent is told when the provider redirects back with an error: only an
 * allow-listed RFC 6749 / OpenID error code and a fixed explanation written here. The
 * `error_description` comes from the browser side (anyone can put text in that URL), so it
 * is shown to the person on the page (escaped) and never stored for the agent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthError
 */

const EXPLANATIONS: Record<string, string> = {
  access_denied: "the user declined the sign-in at the provider",
  invalid_request: "the provider rejected the authorization request",
  unauthorized_client: "the provider does not allow this OAuth app to use this flow",
  unsupported_response_type: "the provider does not support the authorization code flow here",
  invalid_scope: "the provider rejected the requested scope",
  server_error: "the provider had an internal error",
  temporarily_unavailable: "the provider is temporarily unavailable",
  interaction_required: "the provider needs the user to interact",
  login_required: "the provider needs the user to sign in",
  consent_required: "the provider needs the user's consent",
  account_selection_required: "the provider needs the user to choose an account",
};

// RFC 6749 §5.2.
const TOKEN_ERRORS = [
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
];

/** The fallback code for anything not on the list. */
export const UNKNOWN_PROVIDER_ERROR = "provider_error";

/** The allow-listed error code of a provider's error redirect. */
export function providerErrorCode(error: string): string {
  return Object.hasOwn(EXPLANATIONS, error) ? error : UNKNOWN_PROVIDER_ERROR;
}

/** `"<code>: <fixed explanation>"`: the only text the agent reads about a provider error. */
export function providerErrorMessage(error: string): string {
  const code = providerErrorCode(error);
  return `${code}: ${EXPLANATIONS[code] ?? "the provider reported an error"}`;
}

/** The same for a failed code exchange (the token endpoint's text is not relayed either). */
export function exchangeErrorMessage(error: string): string {
  const code = TOKEN_ERRORS.includes(error) ? error : "invalid_response";
  return `token_exchange_failed: the provider refused to issue a token (${code})`;
}
