/**
 * Trello (OAuth 2.0 3LO on Atlassian's authorization server).
 *
 * @see https://developer.atlassian.com/cloud/trello/guides/rest-api/oauth-2-confidential-client-usage/
 */

import type { ProviderSpec } from "../types.ts";

/** Trello's registry entry; `sources` says what settled each field. */
export const trello: ProviderSpec = {
  name: "trello",
  displayName: "Trello",
  authorizeUrl: "https://auth.atlassian.com/authorize",
  tokenUrl: "https://auth.atlassian.com/oauth/token",
  clientAuth: "body",
  tokenBody: "json",
  pkce: "required",
  scopeSeparator: " ",
  defaultScopes: ["read:member:trello", "offline_access"],
  tokenResponse: "oauth2",
  errorShape: {
    invalidGrant: ["refresh_token is invalid"],
    example:
      'HTTP 403 {"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}',
  },
  refresh: {
    supported: true,
    rotates: true,
    note: "needs offline_access; 1 h access tokens, rotating refresh tokens (90 days)",
  },
  registerUrl: "https://trello.com/power-ups/admin",
  docs: [
    "https://developer.atlassian.com/cloud/trello/guides/rest-api/oauth-2-confidential-client-usage/",
    "https://developer.atlassian.com/cloud/trello/guides/rest-api/oauth-2-getting-started/",
    "https://developer.atlassian.com/cloud/confluence/oauth-2-3lo-apps/",
    "https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens",
  ],
  userinfoUrl: "https://api.trello.com/1/members/me",
  identity: { source: "userinfo", id: "id", login: "username", email: "email", name: "fullName" },
  consentParams: { prompt: "consent" },
  api: { baseUrl: "https://api.trello.com/1", hosts: ["api.trello.com"] },
  notes:
    "Trello OAuth 2.0 (3LO, PKCE) on Atlassian's authorization server; configure a confidential OAuth 2.0 client on the Trello app. Trello is not site-based, so no cloud id. `audience=api.atlassian.com` is no longer sent: Trello's pages do not ask for it. Unconfirmed: that members/me on api.trello.com accepts the OAuth 2.0 Bearer token, and the refused-refresh body (Atlassian 3LO's).",
  sources: {
    endpoints:
      "developer.atlassian.com/cloud/trello/guides/rest-api/oauth-2-confidential-client-usage/ (Atlassian 3LO authorize + oauth/token)",
    pkce:
      "developer.atlassian.com/cloud/trello/…/oauth-2-confidential-client-usage/: Trello adopted PKCE (RFC 7636)",
    tokenBody:
      "developer.atlassian.com/cloud/confluence/oauth-2-3lo-apps/: token requests are JSON",
    audience:
      "removed: not in Trello's OAuth 2.0 pages (the confidential-client page says site fields can be ignored); unconfirmed either way",
    consent: "developer.atlassian.com/cloud/confluence/oauth-2-3lo-apps/: prompt=consent",
    refresh:
      "developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens (rotating refresh tokens, offline_access) + Trello oauth-2-getting-started",
    errors:
      "developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens (403 invalid_grant 'Unknown or invalid refresh token.'; older answers: unauthorized_client 'refresh_token is invalid'); unconfirmed for Trello",
    identity:
      "developer.atlassian.com/cloud/trello/rest/api-group-members (members/me: id, username, fullName, email); unconfirmed with OAuth 2.0 tokens",
    revoke: "none documented for 3LO",
  },
  source: "builtin",
};
