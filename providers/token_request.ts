/**
 * Sends a token request (authorization code or refresh grant) to a provider's token
 * endpoint and reads the answer with {@linkcode processTokenResponse}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */

import { encodeBase64 } from "../shared/base64.ts";
import { pkceApplies } from "./authorize_url.ts";
import { processTokenResponse, sanitizeDescription } from "./token_response.ts";
import type { ProviderSettings, ProviderSpec, TokenResponseResult } from "./types.ts";

/**
 * How long a token endpoint may take before the request counts as a network failure.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export const TOKEN_REQUEST_TIMEOUT_MS = 15_000;

/**
 * The grant a token request carries.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export type TokenGrant =
  | { type: "authorization_code"; code: string; codeVerifier?: string }
  | { type: "refresh_token"; refreshToken: string; scope?: string };

/**
 * Options of {@linkcode tokenRequest}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export interface TokenRequestOptions {
  /** Injected `fetch` (tests, the server's instrumented fetch). */
  fetch?: typeof fetch;
  /** Aborts the request (the result is then a transient `network_error`). */
  signal?: AbortSignal;
  /** Defaults to {@linkcode TOKEN_REQUEST_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/**
 * `application/x-www-form-urlencoded` encoding of one value, as RFC 6749 §2.3.1 asks for the
 * client id and secret before they are joined with `:` and base64-encoded.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
export function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * The `Authorization: Basic` value for `client_secret_basic`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const credentials = `${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`;
  return `Basic ${encodeBase64(new TextEncoder().encode(credentials))}`;
}

/**
 * POSTs the grant to `settings.tokenUrl` (refresh: `spec.refreshUrl` when set and the token URL
 * is not overridden) with the spec's client authentication
 * (`basic`: RFC 6749 §2.3.1 header; `body`: `client_id` + `client_secret` in the form;
 * `none`: `client_id` only), `accept: application/json`, `spec.tokenHeaders`, and a 15 s
 * timeout. The body is form-encoded, or JSON when `spec.tokenBody` is `json`; the PKCE
 * verifier is sent only where {@linkcode pkceApplies}. Network failures, timeouts and aborts resolve to a transient `network_error`;
 * no description ever contains the secret, code, verifier or refresh token.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.5
 */
export async function tokenRequest(
  spec: ProviderSpec,
  settings: ProviderSettings,
  grant: TokenGrant,
  options: TokenRequestOptions = {},
): Promise<TokenResponseResult> {
  const { fetch: fetchImpl = fetch, signal, timeoutMs = TOKEN_REQUEST_TIMEOUT_MS } = options;
  const body = new URLSearchParams();
  const secrets = [settings.clientSecret];
  if (grant.type === "authorization_code") {
    body.set("grant_type", "authorization_code");
    body.set("code", grant.code);
    body.set("redirect_uri", settings.redirectUri);
    // PKCE per registry: a provider that takes no PKCE from a confidential client (Slack) never
    // sees a verifier, even when a caller made one.
    if (grant.codeVerifier !== undefined && pkceApplies(spec)) {
      body.set("code_verifier", grant.codeVerifier);
    }
    secrets.push(grant.code, grant.codeVerifier ?? "");
  } else {
    body.set("grant_type", "refresh_token");
    body.set("refresh_token", grant.refreshToken);
    if (grant.scope !== undefined && grant.scope !== "") body.set("scope", grant.scope);
    secrets.push(grant.refreshToken);
  }

  const headers = new Headers(spec.tokenHeaders ?? {});
  headers.set("accept", "application/json");
  if (spec.clientAuth === "basic") {
    headers.set("authorization", basicAuthorization(settings.clientId, settings.clientSecret));
  } else {
    body.set("client_id", settings.clientId);
    if (spec.clientAuth === "body") body.set("client_secret", settings.clientSecret);
  }
  let encoded: string;
  if (spec.tokenBody === "json") {
    headers.set("content-type", "application/json");
    encoded = JSON.stringify(Object.fromEntries(body));
  } else {
    headers.set("content-type", "application/x-www-form-urlencoded;charset=UTF-8");
    encoded = body.toString();
  }

  // A refresh endpoint of its own (Figma) applies only while the token URL is the spec's; an
  // operator who repoints `<PREFIX>_TOKEN_URL` (a test double, a proxy) repoints refresh too.
  const url = grant.type !== "refresh_token" ? settings.tokenUrl : settings.refreshUrl ??
    (spec.refreshUrl !== undefined && settings.tokenUrl === spec.tokenUrl
      ? spec.refreshUrl
      : settings.tokenUrl);

  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: "POST",
      headers,
      body: encoded,
      // A redirected POST could carry the code or secret elsewhere; treat it as a failure.
      redirect: "manual",
      signal: combined,
    });
  } catch (error) {
    const reason = timeout.aborted
      ? `token endpoint did not answer within ${timeoutMs / 1000} s`
      : signal?.aborted
      ? "token request was aborted"
      : `token endpoint unreachable: ${error instanceof Error ? error.message : String(error)}`;
    return {
      ok: false,
      error: "network_error",
      description: sanitizeDescription(reason, secrets),
      transient: true,
    };
  }
  const result = await processTokenResponse(spec, response);
  if (!result.ok) result.description = sanitizeDescription(result.description, secrets);
  return result;
}
