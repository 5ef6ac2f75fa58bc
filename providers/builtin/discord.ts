/**
 * Discord.
 *
 * @see https://discord.com/developers/docs/topics/oauth2
 */

import type { ProviderSpec } from "../types.ts";

/** Discord's registry entry; `sources` says what settled each field. */
export const discord: ProviderSpec = {
  name: "discord",
  displayName: "Discord",
  authorizeUrl: "https://discord.com/oauth2/authorize",
  tokenUrl: "https://discord.com/api/oauth2/token",
  clientAuth: "basic",
  pkce: "supported",
  scopeSeparator: " ",
  defaultScopes: ["identify"],
  tokenResponse: "oauth2",
  errorShape: {
    example:
      'HTTP 400 {"error":"invalid_grant","error_description":"Invalid \\"refresh_token\\" in request."}',
  },
  refresh: { supported: true, note: "a refresh returns a refresh token; keep the newest" },
  registerUrl: "https://discord.com/developers/applications",
  docs: [
    "https://discord.com/developers/docs/topics/oauth2",
    "https://discord.com/.well-known/oauth-authorization-server",
  ],
  userinfoUrl: "https://discord.com/api/users/@me",
  identity: {
    source: "userinfo",
    id: "id",
    login: "username",
    email: "email",
    name: "global_name",
  },
  consentParams: { prompt: "consent" },
  revoke: {
    url: "https://discord.com/api/oauth2/token/revoke",
    style: "rfc7009",
    clientAuth: "basic",
    token: "access_token",
  },
  api: { baseUrl: "https://discord.com/api/v10", hosts: ["discord.com"] },
  notes:
    "Authorization-server metadata lists client_secret_basic, client_secret_post and none, and S256. `email` is present only with the `email` scope. Unconfirmed: whether a refresh spends the old refresh token (the newest one is kept).",
  sources: {
    endpoints:
      "discord.com/developers/docs/topics/oauth2 (authorize, token, token/revoke) + /.well-known/oauth-authorization-server",
    clientAuth: "discord.com/.well-known/oauth-authorization-server (client_secret_basic)",
    pkce: "discord.com/.well-known/oauth-authorization-server (S256)",
    consent: "discord.com/developers/docs/topics/oauth2: prompt=consent|none",
    identity:
      "discord.com/developers/docs/resources/user#get-current-user (id, username, global_name, email with the email scope)",
    revoke:
      "discord.com/developers/docs/topics/oauth2 (POST /oauth2/token/revoke, token + token_type_hint, Basic)",
    api: "discord.com/developers/docs/reference (https://discord.com/api/v10)",
    errors:
      "RFC 6749 §5.2 shape (discord.com/developers/docs/topics/oauth2 examples); unconfirmed exact description",
    refresh: "unconfirmed: rotation",
  },
  source: "builtin",
};
