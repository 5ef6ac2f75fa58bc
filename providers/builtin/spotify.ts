/**
 * Spotify.
 *
 * @see https://developer.spotify.com/documentation/web-api/tutorials/code-flow
 */

import type { ProviderSpec } from "../types.ts";

/** Spotify's registry entry; `sources` says what settled each field. */
export const spotify: ProviderSpec = {
  name: "spotify",
  displayName: "Spotify",
  authorizeUrl: "https://accounts.spotify.com/authorize",
  tokenUrl: "https://accounts.spotify.com/api/token",
  clientAuth: "basic",
  pkce: "supported",
  scopeSeparator: " ",
  defaultScopes: ["user-read-private"],
  tokenResponse: "oauth2",
  errorShape: {
    example: 'HTTP 400 {"error":"invalid_grant","error_description":"Invalid refresh token"}',
  },
  refresh: {
    supported: true,
    note: "a refresh may or may not return a new refresh token; keep the old one when absent",
  },
  registerUrl: "https://developer.spotify.com/dashboard",
  docs: [
    "https://developer.spotify.com/documentation/web-api/tutorials/code-flow",
    "https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens",
  ],
  userinfoUrl: "https://api.spotify.com/v1/me",
  identity: { source: "userinfo", id: "id", email: "email", name: "display_name" },
  consentParams: { show_dialog: "true" },
  api: { baseUrl: "https://api.spotify.com/v1", hosts: ["api.spotify.com"] },
  notes:
    "Redirect URIs must be HTTPS or a loopback IP literal (not `localhost`). Spotify offers no token revocation endpoint (people remove apps at spotify.com/account/apps).",
  sources: {
    endpoints:
      "spotify/spotify-web-api-ts-sdk src/auth (accounts.spotify.com/authorize, /api/token) + developer.spotify.com code-flow tutorial",
    clientAuth:
      "developer.spotify.com code-flow tutorial: Authorization: Basic client_id:client_secret",
    pkce: "spotify/spotify-web-api-ts-sdk AuthorizationCodeWithPKCEStrategy (S256)",
    refresh:
      "developer.spotify.com refreshing-tokens tutorial: a new refresh token may be returned; keep the old one when not",
    consent: "developer.spotify.com code-flow tutorial: show_dialog=true forces approval again",
    identity:
      "developer.spotify.com reference get-current-users-profile (id, display_name, email with user-read-email)",
    revoke: "none offered",
    errors: "RFC 6749 shape (invalid_grant); description unconfirmed",
  },
  source: "builtin",
};
