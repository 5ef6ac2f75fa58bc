/**
 * Bitbucket Cloud (OAuth consumers, not Atlassian 3LO).
 *
 * @see https://developer.atlassian.com/cloud/bitbucket/oauth-2/
 */

import type { ProviderSpec } from "../types.ts";

/** Bitbucket's registry entry; `sources` says what settled each field. */
export const bitbucket: ProviderSpec = {
  name: "bitbucket",
  displayName: "Bitbucket",
  authorizeUrl: "https://bitbucket.org/site/oauth2/authorize",
  tokenUrl: "https://bitbucket.org/site/oauth2/access_token",
  clientAuth: "basic",
  pkce: "none",
  scopeSeparator: " ",
  defaultScopes: [],
  tokenResponse: "oauth2",
  errorShape: {
    example: 'HTTP 400 {"error":"invalid_grant","error_description":"Invalid refresh_token"}',
  },
  refresh: { supported: true, note: "access tokens expire after 2 hours" },
  registerUrl: "https://bitbucket.org/account/workspaces/",
  docs: [
    "https://developer.atlassian.com/cloud/bitbucket/oauth-2/",
    "https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/",
  ],
  userinfoUrl: "https://api.bitbucket.org/2.0/user",
  identity: { source: "userinfo", id: "uuid", login: "username", name: "display_name" },
  api: { baseUrl: "https://api.bitbucket.org/2.0", hosts: ["api.bitbucket.org"] },
  notes:
    "An OAuth consumer is created under Workspace settings → OAuth consumers, and its permission checkboxes are the scopes (no scope parameter needed). /2.0/user has no email (that needs /2.0/user/emails and the email scope). Unconfirmed: PKCE, refresh-token rotation, a revocation endpoint (none registered).",
  sources: {
    endpoints:
      "developer.atlassian.com/cloud/bitbucket/oauth-2/ (site/oauth2/authorize, site/oauth2/access_token)",
    clientAuth:
      "developer.atlassian.com/cloud/bitbucket/oauth-2/: curl -u client_id:secret (HTTP Basic)",
    scopes:
      "support.atlassian.com …/use-oauth-on-bitbucket-cloud/: scopes are the consumer's permissions",
    refresh:
      "developer.atlassian.com/cloud/bitbucket/oauth-2/: refresh_token grant; 2 h access tokens",
    identity:
      "developer.atlassian.com/cloud/bitbucket/rest/api-group-users/#api-user-get (uuid, username, display_name)",
    revoke: "unconfirmed: none documented",
    errors: "RFC 6749 invalid_grant; description unconfirmed",
    consent: "none documented",
  },
  source: "builtin",
};
