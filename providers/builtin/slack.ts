/**
 * Slack (user tokens).
 *
 * @see https://docs.slack.dev/reference/methods/oauth.v2.access
 */

import type { ProviderSpec } from "../types.ts";

/** Slack's registry entry; `sources` says what settled each field. */
export const slack: ProviderSpec = {
  name: "slack",
  displayName: "Slack",
  authorizeUrl: "https://slack.com/oauth/v2/authorize",
  tokenUrl: "https://slack.com/api/oauth.v2.access",
  clientAuth: "basic",
  pkce: "none",
  scopeSeparator: ",",
  defaultScopes: ["users:read"],
  scopeParam: "user_scope",
  tokenResponse: "slack",
  errorShape: {
    invalidGrant: ["invalid_code", "code_already_used", "code_expired", "invalid_refresh_token"],
    example: 'HTTP 200 {"ok":false,"error":"invalid_refresh_token"}',
  },
  refresh: {
    supported: true,
    note: "only when token rotation is enabled for the app (12 h access tokens)",
  },
  registerUrl: "https://api.slack.com/apps",
  docs: [
    "https://docs.slack.dev/reference/methods/oauth.v2.access",
    "https://docs.slack.dev/authentication/using-pkce",
    "https://docs.slack.dev/authentication/using-token-rotation",
  ],
  userinfoUrl: "https://slack.com/api/auth.test",
  identity: { source: "token_response", id: "authed_user.id" },
  revoke: {
    url: "https://slack.com/api/auth.revoke",
    style: "bearer",
    clientAuth: "none",
    token: "access_token",
  },
  api: { baseUrl: "https://slack.com/api", hosts: ["slack.com"] },
  notes:
    "Requests a user token (scopes go in `user_scope`); the user token arrives under `authed_user` and is lifted to the top level. Errors come with HTTP 200 and ok:false. No PKCE: Slack takes PKCE parameters only from apps that switched PKCE on, which makes them public clients for good; a confidential app (client secret, HTTP Basic) must not send them.",
  sources: {
    endpoints:
      "docs.slack.dev/reference/methods/oauth.v2.access + slackapi/node-slack-sdk packages/oauth",
    clientAuth:
      "docs.slack.dev/reference/methods/oauth.v2.access: HTTP Basic preferred over body credentials",
    pkce:
      "docs.slack.dev/authentication/using-pkce: enabling PKCE marks the app public, one-way; so a confidential app sends none",
    scopes:
      "docs.slack.dev/reference/methods/oauth.v2.access + slackapi/node-slack-sdk OAuthV2Response (authed_user.access_token for user_scope)",
    refresh:
      "docs.slack.dev/authentication/using-token-rotation (grant_type=refresh_token on oauth.v2.access)",
    errors:
      "docs.slack.dev/reference/methods/oauth.v2.access errors (invalid_code, code_already_used, invalid_refresh_token, …) with ok:false, HTTP 200",
    identity: "slackapi/node-slack-sdk OAuthV2Response.authed_user.id",
    revoke: "docs.slack.dev/reference/methods/auth.revoke (token as Bearer; ok:false on failure)",
    consent: "none documented",
  },
  source: "builtin",
};
