/**
 * Asana.
 *
 * @see https://developers.asana.com/docs/oauth
 */

import type { ProviderSpec } from "../types.ts";

/** Asana's registry entry; `sources` says what settled each field. */
export const asana: ProviderSpec = {
  name: "asana",
  displayName: "Asana",
  authorizeUrl: "https://app.asana.com/-/oauth_authorize",
  tokenUrl: "https://app.asana.com/-/oauth_token",
  clientAuth: "body",
  pkce: "supported",
  scopeSeparator: " ",
  defaultScopes: [],
  tokenResponse: "oauth2",
  errorShape: { example: 'HTTP 400 {"error":"invalid_grant","error_description":"…"}' },
  refresh: {
    supported: true,
    rotates: false,
    note:
      "access tokens last one hour; a refresh answer has no refresh_token (keep the stored one)",
  },
  registerUrl: "https://app.asana.com/0/my-apps",
  docs: [
    "https://developers.asana.com/docs/oauth",
    "https://developers.asana.com/docs/getting-started-with-asana-oauth",
  ],
  userinfoUrl: "https://app.asana.com/api/1.0/users/me",
  identity: { source: "userinfo", id: "data.gid", email: "data.email", name: "data.name" },
  revoke: {
    url: "https://app.asana.com/-/oauth_revoke",
    style: "rfc7009",
    clientAuth: "body",
    token: "refresh_token",
  },
  api: { baseUrl: "https://app.asana.com/api/1.0", hosts: ["app.asana.com"] },
  notes:
    "Granular scopes (e.g. `users:read`) and full-permission apps are mutually exclusive, so no scope is sent by default; pass --scope for a granular-scope app.",
  sources: {
    endpoints:
      "developers.asana.com/docs/oauth quick reference (GET /-/oauth_authorize, POST /-/oauth_token, POST /-/oauth_revoke)",
    clientAuth:
      "developers.asana.com/docs/oauth: client_id + client_secret in a form-encoded body (JSON is not accepted)",
    pkce:
      "unconfirmed: believed supported (S256); developers.asana.com/docs/oauth quick reference does not say",
    refresh:
      "developers.asana.com/docs/oauth: the refresh_token grant returns a new access token only",
    revoke:
      "developers.asana.com/docs/oauth: POST /-/oauth_revoke with client_id, client_secret, token (refresh token)",
    identity: "developers.asana.com/reference/getuser (users/me: data.gid, data.email, data.name)",
    errors: "developers.asana.com/docs/oauth: RFC 6749 error codes",
    consent: "none documented",
  },
  source: "builtin",
};
