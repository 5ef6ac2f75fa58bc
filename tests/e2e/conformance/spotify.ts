import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const CODE = "https://developer.spotify.com/documentation/web-api/tutorials/code-flow";
const REFRESH = "https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens";

export const spotify: ProviderFixture = {
  name: "spotify",
  endpoints: {
    value: {
      authorize: "https://accounts.spotify.com/authorize",
      token: "https://accounts.spotify.com/api/token",
      userinfo: "https://api.spotify.com/v1/me",
    },
    doc:
      "spotify/spotify-web-api-ts-sdk src/auth (accounts.spotify.com/authorize, /api/token) + developer.spotify.com code-flow tutorial",
  },
  authorize: {
    scope: { value: "user-read-private", doc: CODE },
    pkce: {
      value: "accepted",
      doc: "https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow",
    },
    consent: { value: { show_dialog: "true" }, doc: `${CODE} (show_dialog)` },
  },
  token: {
    clientAuth: { value: "basic", doc: CODE },
    encoding: { value: "form", doc: CODE },
    success: { value: (m) => tokenAnswer(m, { extra: { scope: "user-read-private" } }), doc: CODE },
    refresh: {
      value: (m) => tokenAnswer(m, { refresh: false, extra: { scope: "user-read-private" } }),
      doc: REFRESH,
    },
    rotates: { value: false, doc: `${REFRESH} (a new refresh token may be returned; here none)` },
    refused: { value: invalidGrant("Invalid refresh token"), doc: REFRESH },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: (id) => ({ id, display_name: "Spot", email: "spot@example.com" }),
      expect: { id: "spotify-account-7", email: "spot@example.com", name: "Spot" },
    },
    doc: "https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile",
  },
  revoke: { value: null, doc: "none offered" },
};
