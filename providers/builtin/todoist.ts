/**
 * Todoist.
 *
 * @see https://developer.todoist.com/api/v1/#tag/Authorization/OAuth
 */

import type { ProviderSpec } from "../types.ts";

/** Todoist's registry entry; `sources` says what settled each field. */
export const todoist: ProviderSpec = {
  name: "todoist",
  displayName: "Todoist",
  authorizeUrl: "https://todoist.com/oauth/authorize",
  tokenUrl: "https://todoist.com/oauth/access_token",
  clientAuth: "body",
  pkce: "none",
  scopeSeparator: ",",
  defaultScopes: ["data:read"],
  tokenResponse: "oauth2",
  errorShape: { example: 'HTTP 400 {"error":"invalid_grant"}' },
  refresh: {
    supported: true,
    rotates: true,
    note:
      "refresh tokens are on by default for new apps and rotate: each refresh returns a new refresh token that replaces the old one",
  },
  registerUrl: "https://developer.todoist.com/appconsole.html",
  docs: [
    "https://developer.todoist.com/api/v1/#tag/Authorization/OAuth",
    "https://doist.github.io/todoist-sdk-typescript/api/functions/refreshAuthToken",
  ],
  userinfoUrl: "https://api.todoist.com/api/v1/user",
  identity: { source: "userinfo", id: "id", email: "email", name: "full_name" },
  revoke: {
    url: "https://api.todoist.com/api/v1/revoke",
    style: "rfc7009",
    clientAuth: "basic",
    token: "access_token",
  },
  api: { baseUrl: "https://api.todoist.com/api/v1", hosts: ["api.todoist.com"] },
  notes:
    "Scopes are comma separated. Apps created without refresh tokens get long-lived access tokens and no refresh token (the refresh then is never attempted). Unconfirmed: the exact error body of a spent refresh token.",
  sources: {
    endpoints:
      "Doist/todoist-api-typescript src/consts/endpoints.ts (getAuthBaseUri https://todoist.com/oauth/ + authorize, access_token; getSyncBaseUri https://api.todoist.com/api/v1/ + revoke, user) and src/authentication.ts",
    clientAuth:
      "Doist/todoist-api-typescript src/authentication.ts getAuthToken: client_id + client_secret in the body",
    pkce:
      "Doist/todoist-api-typescript src/authentication.ts getAuthorizationUrl: no PKCE parameters",
    scopes: "Doist/todoist-api-typescript src/authentication.ts: permissions joined with ','",
    refresh:
      "doist.github.io/todoist-sdk-typescript refreshAuthToken: refresh tokens default for new apps; the server rotates the refresh token",
    revoke:
      "Doist/todoist-api-typescript src/authentication.ts revokeToken: RFC 7009 POST api/v1/revoke, Basic client credentials, token_type_hint access_token",
    identity:
      "Doist/todoist-api-typescript src/consts/endpoints.ts ENDPOINT_REST_USER (api/v1/user: id, email, full_name)",
    errors: "unconfirmed: RFC 6749 invalid_grant",
    consent: "none documented",
  },
  source: "builtin",
};
