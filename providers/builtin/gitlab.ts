/**
 * GitLab (gitlab.com; self-managed instances move every endpoint with `GITLAB_*_URL`).
 *
 * @see https://docs.gitlab.com/api/oauth2/
 */

import type { ProviderSpec } from "../types.ts";

/** GitLab's registry entry; `sources` says what settled each field. */
export const gitlab: ProviderSpec = {
  name: "gitlab",
  displayName: "GitLab",
  authorizeUrl: "https://gitlab.com/oauth/authorize",
  tokenUrl: "https://gitlab.com/oauth/token",
  clientAuth: "body",
  pkce: "supported",
  scopeSeparator: " ",
  defaultScopes: ["read_user"],
  tokenResponse: "oauth2",
  errorShape: {
    example:
      'HTTP 400 {"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, revoked, …"}',
  },
  refresh: {
    supported: true,
    rotates: true,
    note: "2 h access tokens; a refresh returns a new refresh token",
  },
  registerUrl: "https://gitlab.com/-/user_settings/applications",
  docs: ["https://docs.gitlab.com/api/oauth2/"],
  userinfoUrl: "https://gitlab.com/api/v4/user",
  identity: { source: "userinfo", id: "id", login: "username", email: "email", name: "name" },
  revoke: {
    url: "https://gitlab.com/oauth/revoke",
    style: "rfc7009",
    clientAuth: "body",
    token: "access_token",
  },
  api: { baseUrl: "https://gitlab.com/api/v4", hosts: ["gitlab.com"] },
  toolEnv: ["GITLAB_TOKEN"],
  notes:
    "Self-managed instances: set GITLAB_AUTH_URL, GITLAB_TOKEN_URL, GITLAB_USERINFO_URL and GITLAB_REVOKE_URL. The `email` of /user is the public email (may be empty).",
  sources: {
    endpoints: "docs.gitlab.com/api/oauth2/ (oauth/authorize, oauth/token, oauth/revoke)",
    clientAuth: "docs.gitlab.com/api/oauth2/: client_id + client_secret parameters",
    pkce: "docs.gitlab.com/api/oauth2/: authorization code with PKCE (S256)",
    refresh: "docs.gitlab.com/api/oauth2/: refresh_token grant returns a new refresh token",
    identity:
      "docs.gitlab.com/api/users/#for-non-administrator-users (GET /user: id, username, name, email)",
    revoke:
      "docs.gitlab.com/api/oauth2/#revoke-a-token (POST /oauth/revoke with client_id, client_secret, token)",
    toolEnv: "docs.gitlab.com/cli (glab reads GITLAB_TOKEN)",
    errors: "Doorkeeper (GitLab's OAuth server) RFC 6749 invalid_grant",
    consent: "none documented",
  },
  source: "builtin",
};
