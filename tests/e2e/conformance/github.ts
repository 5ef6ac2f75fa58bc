import type { ProviderFixture } from "./_types.ts";

const AUTH =
  "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps";
const REFRESH =
  "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens";

export const github: ProviderFixture = {
  name: "github",
  endpoints: {
    value: {
      authorize: "https://github.com/login/oauth/authorize",
      token: "https://github.com/login/oauth/access_token",
      userinfo: "https://api.github.com/user",
      revoke: "https://api.github.com/applications/{client_id}/grant",
    },
    doc: "docs.github.com …/authorizing-oauth-apps (authorize, access_token)",
  },
  authorize: {
    scope: { value: "read:user", doc: AUTH },
    pkce: {
      value: "accepted",
      doc:
        "https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication",
    },
    consent: { value: { prompt: "select_account" }, doc: `${AUTH} (prompt=select_account)` },
  },
  token: {
    clientAuth: { value: "body", doc: AUTH },
    encoding: { value: "form", doc: AUTH },
    headers: { value: { accept: "application/json" }, doc: `${AUTH} (Accept: application/json)` },
    success: {
      value: (m) => ({
        status: 200,
        body: {
          access_token: m.accessToken,
          expires_in: 28800,
          refresh_token: m.refreshToken,
          refresh_token_expires_in: 15897600,
          scope: "",
          token_type: "bearer",
        },
      }),
      doc: REFRESH,
    },
    refresh: {
      value: (m) => ({
        status: 200,
        body: {
          access_token: m.accessToken,
          expires_in: 28800,
          refresh_token: m.refreshToken,
          refresh_token_expires_in: 15897600,
          scope: "",
          token_type: "bearer",
        },
      }),
      doc: REFRESH,
    },
    rotates: { value: true, doc: `${REFRESH} (a used refresh token no longer works)` },
    refused: {
      value: {
        status: 200,
        body: {
          error: "bad_refresh_token",
          error_description: "The refresh token passed is incorrect or expired.",
          error_uri: "https://docs.github.com",
        },
      },
      doc: `${REFRESH} (bad_refresh_token with HTTP 200)`,
    },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: (id) => ({ id: 583231, login: "octocat", email: "octo@example.com", name: id }),
      expect: {
        id: "583231",
        login: "octocat",
        email: "octo@example.com",
        name: "github-account-7",
      },
    },
    doc: "https://docs.github.com/en/rest/users/users#get-the-authenticated-user",
  },
  revoke: {
    value: {
      method: "DELETE",
      path: "/applications/{client_id}/grant",
      auth: "basic",
      encoding: "json",
      tokenField: "access_token",
      token: "access_token",
      answer: { status: 204, body: undefined },
    },
    doc: "https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization",
  },
};
