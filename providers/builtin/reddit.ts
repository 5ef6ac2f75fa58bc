/**
 * Reddit.
 *
 * @see https://github.com/reddit-archive/reddit/wiki/OAuth2
 */

import type { ProviderSpec } from "../types.ts";

const USER_AGENT = "server:clawauth:1 (delegated OAuth for agents)";

/** Reddit's registry entry; `sources` says what settled each field. */
export const reddit: ProviderSpec = {
  name: "reddit",
  displayName: "Reddit",
  authorizeUrl: "https://www.reddit.com/api/v1/authorize",
  tokenUrl: "https://www.reddit.com/api/v1/access_token",
  clientAuth: "basic",
  pkce: "none",
  scopeSeparator: " ",
  defaultScopes: ["identity"],
  authorizeParams: { duration: "permanent" },
  tokenHeaders: { "user-agent": USER_AGENT },
  tokenResponse: "oauth2",
  errorShape: { example: 'HTTP 400 {"error":"invalid_grant"}' },
  refresh: { supported: true, rotates: false, note: "only with duration=permanent" },
  registerUrl: "https://www.reddit.com/prefs/apps",
  docs: ["https://github.com/reddit-archive/reddit/wiki/OAuth2"],
  userinfoUrl: "https://oauth.reddit.com/api/v1/me",
  identity: { source: "userinfo", headers: { "user-agent": USER_AGENT }, id: "id", login: "name" },
  revoke: {
    url: "https://www.reddit.com/api/v1/revoke_token",
    style: "rfc7009",
    clientAuth: "basic",
    token: "refresh_token",
  },
  api: {
    baseUrl: "https://oauth.reddit.com",
    hosts: ["oauth.reddit.com"],
    headers: { "user-agent": USER_AGENT },
  },
  notes:
    "Create a 'web app'. The token endpoint wants HTTP Basic and a descriptive User-Agent. The wiki is archived (2017); Reddit's current API terms require approval for commercial use.",
  sources: {
    endpoints:
      "github.com/reddit-archive/reddit/wiki/OAuth2 (authorize, access_token, revoke_token)",
    clientAuth: "reddit-archive wiki OAuth2: HTTP Basic client_id:client_secret",
    refresh:
      "reddit-archive wiki OAuth2: duration=permanent; the refresh answer has no new refresh token",
    identity: "reddit.com/dev/api#GET_api_v1_me (id, name) on oauth.reddit.com",
    revoke:
      "reddit-archive wiki OAuth2 'Manually Revoking a Token': POST revoke_token, Basic, token + token_type_hint",
    errors: "reddit-archive wiki OAuth2: error=invalid_grant",
    consent: "none documented",
  },
  source: "builtin",
};
