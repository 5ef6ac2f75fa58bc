/**
 * Figma.
 *
 * @see https://developers.figma.com/docs/rest-api/authentication/
 */

import type { ProviderSpec } from "../types.ts";

/** Figma's registry entry; `sources` says what settled each field. */
export const figma: ProviderSpec = {
  name: "figma",
  displayName: "Figma",
  authorizeUrl: "https://www.figma.com/oauth",
  tokenUrl: "https://api.figma.com/v1/oauth/token",
  refreshUrl: "https://api.figma.com/v1/oauth/refresh",
  clientAuth: "basic",
  pkce: "none",
  scopeSeparator: " ",
  defaultScopes: ["current_user:read"],
  tokenResponse: "oauth2",
  errorShape: { example: 'HTTP 400 {"error":"invalid_grant","message":"…"}' },
  refresh: {
    supported: true,
    rotates: false,
    note:
      "refresh at /v1/oauth/refresh (FIGMA_REFRESH_URL moves it); the response has no new refresh token (keep the old one)",
  },
  registerUrl: "https://www.figma.com/developers/apps",
  docs: [
    "https://developers.figma.com/docs/rest-api/authentication/",
    "https://developers.figma.com/docs/rest-api/users-endpoints/",
  ],
  userinfoUrl: "https://api.figma.com/v1/me",
  identity: { source: "userinfo", id: "id", login: "handle", email: "email" },
  api: { baseUrl: "https://api.figma.com", hosts: ["api.figma.com"] },
  notes:
    "The old token URL https://www.figma.com/api/oauth/token was retired on 2025-02-26. The scope `files:read` is deprecated in favour of granular scopes. Unconfirmed: PKCE support (not sent) and a revocation endpoint (none registered).",
  sources: {
    endpoints:
      "developers.figma.com/docs/rest-api/authentication/ (www.figma.com/oauth, api.figma.com/v1/oauth/token, /v1/oauth/refresh)",
    clientAuth:
      "developers.figma.com/docs/rest-api/authentication/ (HTTP Basic client credentials on api.figma.com/v1/oauth/*); unconfirmed in a readable excerpt",
    refresh:
      "developers.figma.com/docs/rest-api/authentication/ + arcticjs.dev/providers/figma: the refresh answer has access_token + expires_in only",
    scopes: "developers.figma.com/docs/rest-api/scopes/ (current_user:read)",
    identity: "developers.figma.com/docs/rest-api/users-endpoints/ (GET /v1/me: id, handle, email)",
    revoke: "unconfirmed: none documented",
    errors: "unconfirmed: RFC 6749 invalid_grant",
    consent: "none documented",
  },
  source: "builtin",
};
