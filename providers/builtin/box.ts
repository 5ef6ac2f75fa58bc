/**
 * Box.
 *
 * @see https://developer.box.com/guides/authentication/oauth2/
 */

import type { ProviderSpec } from "../types.ts";

/** Box's registry entry; `sources` says what settled each field. */
export const box: ProviderSpec = {
  name: "box",
  displayName: "Box",
  authorizeUrl: "https://account.box.com/api/oauth2/authorize",
  tokenUrl: "https://api.box.com/oauth2/token",
  clientAuth: "body",
  pkce: "none",
  scopeSeparator: " ",
  defaultScopes: [],
  tokenResponse: "oauth2",
  errorShape: {
    example: 'HTTP 400 {"error":"invalid_grant","error_description":"Refresh token has expired"}',
  },
  refresh: {
    supported: true,
    rotates: true,
    note: "refresh tokens are single use and valid 60 days; access tokens 60 minutes",
  },
  registerUrl: "https://app.box.com/developers/console",
  docs: [
    "https://developer.box.com/guides/authentication/tokens/access-tokens/",
    "https://developer.box.com/guides/authentication/tokens/refresh",
    "https://developer.box.com/reference/post-oauth2-revoke/",
  ],
  userinfoUrl: "https://api.box.com/2.0/users/me",
  identity: { source: "userinfo", id: "id", login: "login", name: "name" },
  revoke: {
    url: "https://api.box.com/oauth2/revoke",
    style: "rfc7009",
    clientAuth: "body",
    token: "access_token",
  },
  api: { baseUrl: "https://api.box.com/2.0", hosts: ["api.box.com", "upload.box.com"] },
  notes:
    "Scopes are configured on the app; the optional `scope` parameter can only narrow them. Unconfirmed: PKCE support (not sent).",
  sources: {
    endpoints:
      "box/box-typescript-sdk-gen src/box/oauth.generated.ts (getAuthorizeUrl: account.box.com/api/oauth2/authorize) + developer.box.com/reference/post-oauth2-token/",
    clientAuth:
      "box/box-typescript-sdk-gen src/box/oauth.generated.ts getTokensAuthorizationCodeGrant: clientId + clientSecret in the request",
    refresh:
      "developer.box.com/guides/authentication/tokens/refresh: single-use refresh tokens, 60 days",
    pkce:
      "box/box-typescript-sdk-gen src/box/oauth.generated.ts getAuthorizeUrl: no PKCE parameters",
    identity: "developer.box.com/reference/get-users-me/ (id, login, name)",
    revoke:
      "box/box-typescript-sdk-gen src/box/oauth.generated.ts revokeToken (clientId, clientSecret, token = the access token) + developer.box.com/reference/post-oauth2-revoke/",
    errors: "developer.box.com/reference/post-oauth2-token/: 400 invalid_grant",
    consent: "none documented",
  },
  source: "builtin",
};
