/**
 * Notion (public integrations).
 *
 * @see https://developers.notion.com/docs/authorization
 */

import type { ProviderSpec } from "../types.ts";

/** Notion's registry entry; `sources` says what settled each field. */
export const notion: ProviderSpec = {
  name: "notion",
  displayName: "Notion",
  authorizeUrl: "https://api.notion.com/v1/oauth/authorize",
  tokenUrl: "https://api.notion.com/v1/oauth/token",
  clientAuth: "basic",
  tokenBody: "json",
  pkce: "none",
  scopeSeparator: " ",
  defaultScopes: [],
  authorizeParams: { owner: "user" },
  tokenResponse: "oauth2",
  errorShape: {
    codeField: "code",
    messageField: "message",
    example: '{"object":"error","status":400,"code":"invalid_grant","message":"…"}',
  },
  refresh: {
    supported: true,
    rotates: true,
    note: "each refresh returns a new access and refresh token; the old refresh token is spent",
  },
  registerUrl: "https://www.notion.so/profile/integrations",
  docs: [
    "https://developers.notion.com/docs/authorization",
    "https://developers.notion.com/reference/create-a-token",
    "https://developers.notion.com/reference/refresh-a-token",
  ],
  userinfoUrl: "https://api.notion.com/v1/users/me",
  identity: {
    source: "token_response",
    id: "owner.user.id",
    email: "owner.user.person.email",
    name: "owner.user.name",
  },
  revoke: {
    url: "https://api.notion.com/v1/oauth/revoke",
    style: "rfc7009",
    clientAuth: "basic",
    token: "access_token",
    encoding: "json",
  },
  api: {
    baseUrl: "https://api.notion.com",
    hosts: ["api.notion.com"],
    headers: { "Notion-Version": "2025-09-03" },
  },
  notes:
    "Public integration only; no OAuth scopes (the person picks pages). The token response names the person under owner.user (owner.type may be `workspace` for internal-style installs, then there is no person). /v1/users/me answers the integration's bot user, not the person.",
  sources: {
    endpoints:
      "makenotion/notion-sdk-js src/api-endpoints/oauth.ts (oauth/token, oauth/revoke) + developers.notion.com/docs/authorization (authorize, owner=user)",
    clientAuth:
      "makenotion/notion-sdk-js src/Client.ts buildAuthHeader: Basic client_id:client_secret; body is JSON (buildRequestHeaders content-type application/json)",
    refresh:
      "makenotion/notion-sdk-js src/api-endpoints/oauth.ts: grant_type refresh_token, response refresh_token string|null; developers.notion.com/reference/refresh-a-token",
    identity:
      "makenotion/notion-sdk-js src/api-endpoints/oauth.ts OauthTokenResponse.owner.user {id, name, person.email}",
    revoke:
      "makenotion/notion-sdk-js src/api-endpoints/oauth.ts oauthRevoke: POST oauth/revoke, JSON body {token}, Basic auth",
    api:
      "makenotion/notion-sdk-js src/Client.ts defaultNotionVersion 2025-09-03, Notion-Version header",
    errors:
      "makenotion/notion-sdk-js src/errors.ts (API errors carry code + message); shape {object:error,status,code,message} per issue 10",
    consent: "none documented",
  },
  source: "builtin",
};
