import type { ProviderFixture } from "./_types.ts";

const CODE = "https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/";
const REFRESH = "https://dev.twitch.tv/docs/authentication/refresh-tokens/";

export const twitch: ProviderFixture = {
  name: "twitch",
  endpoints: {
    value: {
      authorize: "https://id.twitch.tv/oauth2/authorize",
      token: "https://id.twitch.tv/oauth2/token",
      userinfo: "https://api.twitch.tv/helix/users",
      revoke: "https://id.twitch.tv/oauth2/revoke",
    },
    doc:
      "dev.twitch.tv/docs/authentication/getting-tokens-oauth/ + twurple packages/api-call/src/helpers/url.ts (id.twitch.tv/oauth2/*)",
  },
  authorize: {
    scope: { value: "user:read:email", doc: `${CODE} (scope is required)` },
    pkce: { value: "accepted", doc: `${CODE} (no PKCE; none sent)` },
    consent: { value: { force_verify: "true" }, doc: `${CODE} (force_verify)` },
  },
  token: {
    clientAuth: { value: "body", doc: CODE },
    encoding: { value: "form", doc: CODE },
    success: {
      value: (m) => ({
        status: 200,
        body: {
          access_token: m.accessToken,
          expires_in: 14124,
          refresh_token: m.refreshToken,
          scope: ["user:read:email"],
          token_type: "bearer",
        },
      }),
      doc: CODE,
    },
    refresh: {
      value: (m) => ({
        status: 200,
        body: {
          access_token: m.accessToken,
          refresh_token: m.refreshToken,
          scope: ["user:read:email"],
          token_type: "bearer",
        },
      }),
      doc: REFRESH,
    },
    rotates: { value: true, doc: `${REFRESH} (refresh tokens may change: keep the new one)` },
    refused: {
      value: {
        status: 400,
        body: { error: "Bad Request", status: 400, message: "Invalid refresh token" },
      },
      doc: REFRESH,
    },
  },
  identity: {
    value: {
      source: "userinfo",
      headers: { "client-id": "{client_id}" },
      answer: (id) => ({
        data: [{ id, login: "twitchy", display_name: "Twitchy", email: "tw@example.com" }],
      }),
      expect: {
        id: "twitch-account-7",
        login: "twitchy",
        email: "tw@example.com",
        name: "Twitchy",
      },
    },
    doc: "https://dev.twitch.tv/docs/api/reference/#get-users",
  },
  revoke: {
    value: {
      method: "POST",
      auth: "none",
      encoding: "form",
      tokenField: "token",
      token: "access_token",
      answer: { status: 200, body: undefined },
    },
    doc: "https://dev.twitch.tv/docs/authentication/revoke-tokens/",
  },
};
