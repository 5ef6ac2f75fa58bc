/**
 * Dropbox.
 *
 * @see https://www.dropbox.com/developers/documentation/http/documentation#oauth2-authorize
 */

import type { ProviderSpec } from "../types.ts";

/** Dropbox's registry entry; `sources` says what settled each field. */
export const dropbox: ProviderSpec = {
  name: "dropbox",
  displayName: "Dropbox",
  authorizeUrl: "https://www.dropbox.com/oauth2/authorize",
  tokenUrl: "https://api.dropboxapi.com/oauth2/token",
  clientAuth: "basic",
  pkce: "supported",
  scopeSeparator: " ",
  defaultScopes: ["account_info.read"],
  authorizeParams: { token_access_type: "offline" },
  tokenResponse: "oauth2",
  errorShape: {
    example:
      'HTTP 400 {"error":"invalid_grant","error_description":"refresh token is invalid or revoked"}',
  },
  refresh: {
    supported: true,
    rotates: false,
    note:
      "short-lived (4 h) access tokens; the refresh answer has no refresh_token (keep the long-lived one)",
  },
  registerUrl: "https://www.dropbox.com/developers/apps",
  docs: [
    "https://www.dropbox.com/developers/documentation/http/documentation#oauth2-authorize",
    "https://dropbox.tech/developers/using-oauth-2-0-with-offline-access",
  ],
  userinfoUrl: "https://api.dropboxapi.com/2/users/get_current_account",
  identity: { source: "token_response", id: "account_id" },
  consentParams: { force_reapprove: "true" },
  revoke: {
    url: "https://api.dropboxapi.com/2/auth/token/revoke",
    style: "bearer",
    clientAuth: "none",
    token: "access_token",
  },
  api: {
    baseUrl: "https://api.dropboxapi.com",
    hosts: ["api.dropboxapi.com", "content.dropboxapi.com"],
  },
  notes:
    "Refresh tokens only with token_access_type=offline. The token response names the account (account_id); users/get_current_account is a POST with no body, so it is not used for identity.",
  sources: {
    endpoints:
      "dropbox/dropbox-sdk-js src/auth.js (OAuth2AuthorizationUrl, OAuth2TokenUrl from src/utils.js) + HTTP docs #oauth2-authorize, #oauth2-token",
    clientAuth:
      "www.dropbox.com/developers/documentation/http/documentation#oauth2-token: Basic app key:secret accepted",
    pkce:
      "dropbox/dropbox-sdk-js src/auth.js getAuthenticationUrl(usePKCE): code_challenge_method=S256",
    refresh:
      "dropbox.tech/developers/using-oauth-2-0-with-offline-access (token_access_type=offline) + dropbox/dropbox-sdk-js src/auth.js refreshAccessToken (reads access_token + expires_in only)",
    identity: "HTTP docs #oauth2-token: the token response has account_id (and uid)",
    consent: "HTTP docs #oauth2-authorize: force_reapprove=true",
    revoke:
      "HTTP docs #auth-token-revoke: POST 2/auth/token/revoke with the access token as Bearer, no body",
    api: "HTTP docs (api.dropboxapi.com RPC, content.dropboxapi.com content endpoints)",
    errors: "HTTP docs #oauth2-token: RFC 6749 error codes (400 invalid_grant)",
  },
  source: "builtin",
};
