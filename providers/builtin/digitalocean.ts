/**
 * DigitalOcean.
 *
 * @see https://docs.digitalocean.com/documentation/oauth
 */

import type { ProviderSpec } from "../types.ts";

/** DigitalOcean's registry entry; `sources` says what settled each field. */
export const digitalocean: ProviderSpec = {
  name: "digitalocean",
  displayName: "DigitalOcean",
  authorizeUrl: "https://cloud.digitalocean.com/v1/oauth/authorize",
  tokenUrl: "https://cloud.digitalocean.com/v1/oauth/token",
  clientAuth: "body",
  pkce: "supported",
  scopeSeparator: " ",
  defaultScopes: ["read"],
  tokenResponse: "oauth2",
  errorShape: { example: 'HTTP 401 {"error":"invalid_grant","error_description":"…"}' },
  refresh: { supported: true, note: "a refresh answer carries a refresh token; keep the newest" },
  registerUrl: "https://cloud.digitalocean.com/account/api/applications",
  docs: [
    "https://docs.digitalocean.com/documentation/oauth",
    "https://docs.digitalocean.com/reference/api/oauth",
  ],
  userinfoUrl: "https://api.digitalocean.com/v2/account",
  identity: { source: "token_response", id: "info.uuid", email: "info.email", name: "info.name" },
  revoke: {
    url: "https://cloud.digitalocean.com/v1/oauth/revoke",
    style: "rfc7009",
    clientAuth: "none",
    token: "access_token",
  },
  api: { baseUrl: "https://api.digitalocean.com", hosts: ["api.digitalocean.com"] },
  toolEnv: ["DIGITALOCEAN_ACCESS_TOKEN"],
  notes:
    "Refresh is grant_type=refresh_token on /token (an older page lists a /refresh endpoint). PKCE is documented for public clients. Unconfirmed: whether refresh spends the old refresh token, and whether /revoke wants the access token as Bearer besides the `token` parameter.",
  sources: {
    endpoints: "docs.digitalocean.com/documentation/oauth (authorize, token, revoke)",
    clientAuth: "docs.digitalocean.com/documentation/oauth: client_id + client_secret parameters",
    pkce: "docs.digitalocean.com/documentation/oauth: public clients use PKCE",
    refresh: "docs.digitalocean.com/documentation/oauth: /token with grant_type=refresh_token",
    identity:
      "docs.digitalocean.com/reference/api/oauth: the token response has info {name, email, uuid}",
    revoke:
      "docs.digitalocean.com/documentation/oauth /revoke (token parameter); unconfirmed authentication",
    toolEnv: "docs.digitalocean.com/reference/doctl: DIGITALOCEAN_ACCESS_TOKEN",
    errors: "unconfirmed: RFC 6749 invalid_grant",
    consent: "none documented",
  },
  source: "builtin",
};
