import type { ProviderFixture } from "./_types.ts";

const SDK_OAUTH =
  "https://github.com/makenotion/notion-sdk-js/blob/main/src/api-endpoints/oauth.ts";
const SDK_CLIENT = "https://github.com/makenotion/notion-sdk-js/blob/main/src/Client.ts";
const AUTH = "https://developers.notion.com/docs/authorization";

export const notion: ProviderFixture = {
  name: "notion",
  endpoints: {
    value: {
      authorize: "https://api.notion.com/v1/oauth/authorize",
      token: "https://api.notion.com/v1/oauth/token",
      revoke: "https://api.notion.com/v1/oauth/revoke",
    },
    doc:
      "makenotion/notion-sdk-js src/api-endpoints/oauth.ts (oauth/token, oauth/revoke) + developers.notion.com/docs/authorization (authorize, owner=user)",
  },
  authorize: {
    scope: { value: null, doc: `${AUTH} (no OAuth scopes)` },
    pkce: { value: "accepted", doc: `${AUTH} (no PKCE documented; none sent)` },
    consent: { value: null, doc: AUTH },
    extra: { value: { owner: "user" }, doc: AUTH },
  },
  token: {
    clientAuth: { value: "basic", doc: `${SDK_CLIENT} buildAuthHeader` },
    encoding: { value: "json", doc: `${SDK_CLIENT} buildRequestHeaders (application/json)` },
    success: {
      value: (m) => ({
        status: 200,
        body: {
          access_token: m.accessToken,
          token_type: "bearer",
          refresh_token: m.refreshToken,
          bot_id: "bot-1",
          workspace_id: "ws-1",
          workspace_name: "Docs",
          workspace_icon: null,
          duplicated_template_id: null,
          owner: {
            type: "user",
            user: {
              object: "user",
              id: m.accountId,
              name: "Ada Lovelace",
              avatar_url: null,
              type: "person",
              person: { email: "ada@example.com" },
            },
          },
        },
      }),
      doc: `${SDK_OAUTH} OauthTokenResponse`,
    },
    refresh: {
      value: (m) => ({
        status: 200,
        body: {
          access_token: m.accessToken,
          token_type: "bearer",
          refresh_token: m.refreshToken,
          bot_id: "bot-1",
          workspace_id: "ws-1",
        },
      }),
      doc: "https://developers.notion.com/reference/refresh-a-token",
    },
    rotates: { value: true, doc: "https://developers.notion.com/reference/refresh-a-token" },
    refused: {
      value: {
        status: 400,
        body: {
          object: "error",
          status: 400,
          code: "invalid_grant",
          message: "Invalid refresh token.",
          request_id: "req-1",
        },
      },
      doc:
        "https://github.com/makenotion/notion-sdk-js/blob/main/src/errors.ts (code + message); issue 10",
    },
  },
  identity: {
    value: {
      source: "token_response",
      expect: { id: "notion-account-7", email: "ada@example.com", name: "Ada Lovelace" },
    },
    doc: `${SDK_OAUTH} OauthTokenResponse.owner.user`,
  },
  revoke: {
    value: {
      method: "POST",
      auth: "basic",
      encoding: "json",
      tokenField: "token",
      token: "access_token",
      answer: { status: 200, body: { request_id: "req-2" } },
    },
    doc: `${SDK_OAUTH} oauthRevoke (POST oauth/revoke, body {token}, Basic)`,
  },
};
