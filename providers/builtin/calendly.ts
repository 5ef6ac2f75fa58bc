/**
 * Calendly.
 *
 * @see https://developer.calendly.com/api-docs/calendly-o-auth/o-auth/post-oauth-token
 */

import type { ProviderSpec } from "../types.ts";

/** Calendly's registry entry; `sources` says what settled each field. */
export const calendly: ProviderSpec = {
  name: "calendly",
  displayName: "Calendly",
  authorizeUrl: "https://auth.calendly.com/oauth/authorize",
  tokenUrl: "https://auth.calendly.com/oauth/token",
  clientAuth: "basic",
  pkce: "supported",
  scopeSeparator: " ",
  defaultScopes: [],
  tokenResponse: "oauth2",
  errorShape: {
    example:
      'HTTP 400 {"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, revoked, …"}',
  },
  refresh: {
    supported: true,
    rotates: true,
    note: "2 h access tokens; single-use refresh tokens",
  },
  registerUrl: "https://developer.calendly.com/",
  docs: [
    "https://developer.calendly.com/api-docs/calendly-o-auth/o-auth/get-oauth-authorize",
    "https://developer.calendly.com/api-docs/calendly-o-auth/o-auth/post-oauth-token",
    "https://developer.calendly.com/how-to-access-calendly-data-on-behalf-of-authenticated-users",
    "https://developer.calendly.com/refresh-token-rotation-guide",
  ],
  userinfoUrl: "https://api.calendly.com/users/me",
  identity: {
    source: "userinfo",
    id: "resource.uri",
    email: "resource.email",
    name: "resource.name",
  },
  revoke: {
    url: "https://auth.calendly.com/oauth/revoke",
    style: "rfc7009",
    clientAuth: "body",
    token: "refresh_token",
  },
  api: { baseUrl: "https://api.calendly.com", hosts: ["api.calendly.com"] },
  notes:
    "Calendly asks every app (web or native) to use PKCE (S256). Scopes (since 2026-03) are chosen when registering the app, so none is sent by default. Web clients authenticate at the token endpoint with HTTP Basic.",
  sources: {
    endpoints:
      "developer.calendly.com api-docs get-oauth-authorize, post-oauth-token, post-oauth-revoke",
    clientAuth:
      "developer.calendly.com api-docs post-oauth-token: web clients use HTTP Basic (issue 10)",
    pkce: "developer.calendly.com/creating-an-oauth-app: PKCE with S256 for all OAuth applications",
    refresh: "developer.calendly.com/refresh-token-rotation-guide: single-use refresh tokens",
    identity:
      "developer.calendly.com api-docs get-current-user (resource.uri, resource.email, resource.name)",
    revoke:
      "developer.calendly.com api-docs 'Revoke Access/Refresh Token': POST /oauth/revoke with client_id, client_secret, token",
    errors: "RFC 6749 invalid_grant; description unconfirmed",
    consent: "none documented",
  },
  source: "builtin",
};
