import type { ProviderFixture } from "./_types.ts";

const ACCESS = "https://docs.slack.dev/reference/methods/oauth.v2.access";
const PKCE = "https://docs.slack.dev/authentication/using-pkce";
const ROTATION = "https://docs.slack.dev/authentication/using-token-rotation";

export const slack: ProviderFixture = {
  name: "slack",
  endpoints: {
    value: {
      authorize: "https://slack.com/oauth/v2/authorize",
      token: "https://slack.com/api/oauth.v2.access",
      revoke: "https://slack.com/api/auth.revoke",
    },
    doc:
      "docs.slack.dev/reference/methods/oauth.v2.access + slackapi/node-slack-sdk packages/oauth",
  },
  authorize: {
    scope: { value: "users:read", doc: `${ACCESS} (user_scope)` },
    scopeParam: "user_scope",
    pkce: { value: "refused", doc: `${PKCE} (only PKCE-enabled, i.e. public, apps)` },
    consent: { value: null, doc: ACCESS },
  },
  token: {
    clientAuth: { value: "basic", doc: `${ACCESS} (HTTP Basic preferred)` },
    encoding: { value: "form", doc: ACCESS },
    success: {
      value: (m) => ({
        status: 200,
        body: {
          ok: true,
          app_id: "A1",
          team: { id: "T1", name: "Team" },
          enterprise: null,
          is_enterprise_install: false,
          authed_user: {
            id: m.accountId,
            scope: "users:read",
            access_token: m.accessToken,
            token_type: "user",
            refresh_token: m.refreshToken,
            expires_in: 43200,
          },
        },
      }),
      doc: "https://docs.slack.dev/tools/node-slack-sdk/reference/oauth/interfaces/OAuthV2Response",
    },
    refresh: {
      value: (m) => ({
        status: 200,
        body: {
          ok: true,
          app_id: "A1",
          access_token: m.accessToken,
          token_type: "user",
          refresh_token: m.refreshToken,
          expires_in: 43200,
          team: { id: "T1", name: "Team" },
        },
      }),
      doc: ROTATION,
    },
    rotates: { value: true, doc: `${ROTATION} (a refresh returns a new refresh token)` },
    refused: {
      value: { status: 200, body: { ok: false, error: "invalid_refresh_token" } },
      doc: ACCESS,
    },
  },
  identity: {
    value: { source: "token_response", expect: { id: "slack-account-7" } },
    doc:
      "https://docs.slack.dev/tools/node-slack-sdk/reference/oauth/interfaces/OAuthV2Response (authed_user.id)",
  },
  revoke: {
    value: {
      method: "POST",
      auth: "bearer",
      encoding: "empty",
      token: "access_token",
      answer: { status: 200, body: { ok: true, revoked: true } },
    },
    doc: "https://docs.slack.dev/reference/methods/auth.revoke",
  },
};
