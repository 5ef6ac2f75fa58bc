/**
 * Linear.
 *
 * @see https://linear.app/developers/oauth-2-0-authentication
 */

import type { ProviderSpec } from "../types.ts";

/** Linear's registry entry; `sources` says what settled each field. */
export const linear: ProviderSpec = {
  name: "linear",
  displayName: "Linear",
  authorizeUrl: "https://linear.app/oauth/authorize",
  tokenUrl: "https://api.linear.app/oauth/token",
  clientAuth: "body",
  pkce: "supported",
  scopeSeparator: ",",
  defaultScopes: ["read"],
  tokenResponse: "oauth2",
  errorShape: {
    example: 'HTTP 400 {"error":"invalid_grant","error_description":"…"}',
  },
  refresh: {
    supported: true,
    rotates: true,
    note:
      "24 h access tokens; every refresh returns a new refresh token (all apps since 2026-04-01)",
  },
  registerUrl: "https://linear.app/settings/api/applications/new",
  docs: ["https://linear.app/developers/oauth-2-0-authentication"],
  consentParams: { prompt: "consent" },
  revoke: {
    url: "https://api.linear.app/oauth/revoke",
    style: "bearer",
    clientAuth: "none",
    token: "access_token",
  },
  api: { baseUrl: "https://api.linear.app", hosts: ["api.linear.app"] },
  notes:
    "Scopes are comma separated; `read` is always granted. Identity only via the GraphQL API (POST https://api.linear.app/graphql, `viewer { id name email }`): no REST identity endpoint, so none is registered.",
  sources: {
    endpoints: "linear.app/developers/oauth-2-0-authentication (authorize, token, revoke)",
    clientAuth:
      "linear.app/developers/oauth-2-0-authentication: client_id + client_secret form parameters",
    pkce: "linear.app/developers/oauth-2-0-authentication: code_challenge (plain or S256)",
    refresh:
      "linear.app/developers/oauth-2-0-authentication: a refresh returns a new access token and a new refresh token",
    consent:
      "linear.app/developers/oauth-2-0-authentication: prompt=consent shows the consent screen every time",
    revoke:
      "linear.app/developers/oauth-2-0-authentication: POST /oauth/revoke with the access token as Bearer (200; 400 already revoked)",
    identity: "none: GraphQL only (linear.app/developers/oauth-2-0-authentication, `viewer`)",
    errors: "unconfirmed on Linear's page: RFC 6749 invalid_grant",
  },
  source: "builtin",
};
