/**
 * Twitch.
 *
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/
 */

import type { ProviderSpec } from "../types.ts";

/** Twitch's registry entry; `sources` says what settled each field. */
export const twitch: ProviderSpec = {
  name: "twitch",
  displayName: "Twitch",
  authorizeUrl: "https://id.twitch.tv/oauth2/authorize",
  tokenUrl: "https://id.twitch.tv/oauth2/token",
  clientAuth: "body",
  pkce: "none",
  scopeSeparator: " ",
  defaultScopes: ["user:read:email"],
  tokenResponse: "oauth2",
  errorShape: {
    messageField: "message",
    invalidGrant: ["Invalid refresh token", "Invalid authorization code"],
    example: 'HTTP 400 {"error":"Bad Request","status":400,"message":"Invalid refresh token"}',
  },
  refresh: {
    supported: true,
    note:
      "confidential clients' refresh tokens do not expire; a refresh returns a refresh token that may differ (keep the newest)",
  },
  registerUrl: "https://dev.twitch.tv/console/apps",
  docs: [
    "https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/",
    "https://dev.twitch.tv/docs/authentication/refresh-tokens/",
    "https://dev.twitch.tv/docs/authentication/revoke-tokens/",
  ],
  userinfoUrl: "https://api.twitch.tv/helix/users",
  identity: {
    source: "userinfo",
    headers: { "client-id": "{client_id}" },
    id: "data.0.id",
    login: "data.0.login",
    email: "data.0.email",
    name: "data.0.display_name",
  },
  consentParams: { force_verify: "true" },
  revoke: {
    url: "https://id.twitch.tv/oauth2/revoke",
    style: "rfc7009",
    clientAuth: "none",
    token: "access_token",
  },
  api: { baseUrl: "https://api.twitch.tv/helix", hosts: ["api.twitch.tv"] },
  notes:
    "The token response's `scope` is a JSON array. `scope` is required in the authorize request, so user:read:email is asked for by default. Helix calls need a Client-Id header beside the Bearer token. A refused refresh is HTTP 400 with the reason phrase in `error` and the cause in `message`.",
  sources: {
    endpoints:
      "dev.twitch.tv/docs/authentication/getting-tokens-oauth/ + twurple packages/api-call/src/helpers/url.ts (id.twitch.tv/oauth2/*)",
    clientAuth:
      "twurple packages/auth/src/helpers.external.ts createExchangeCodeQuery: client_id + client_secret parameters",
    scopes:
      "dev.twitch.tv/docs/authentication/getting-tokens-oauth/ (authorization code grant: scope is required)",
    consent: "dev.twitch.tv/docs/authentication/getting-tokens-oauth/: force_verify=true",
    refresh:
      "dev.twitch.tv/docs/authentication/refresh-tokens/ (refresh tokens may change: store the new one)",
    errors:
      'dev.twitch.tv/docs/authentication/refresh-tokens/: {"error":"Bad Request","status":400,"message":"Invalid refresh token"}',
    identity:
      "dev.twitch.tv/docs/api/reference/#get-users (data[0].id, login, display_name, email with user:read:email; Client-Id header) + twurple packages/api-call/src/apiCall.ts",
    revoke:
      "dev.twitch.tv/docs/authentication/revoke-tokens/ + twurple packages/auth/src/helpers.ts revokeToken (POST oauth2/revoke, client_id + token)",
  },
  source: "builtin",
};
