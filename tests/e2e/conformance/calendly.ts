import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const TOKEN = "https://developer.calendly.com/api-docs/calendly-o-auth/o-auth/post-oauth-token";
const APP = "https://developer.calendly.com/creating-an-oauth-app";

export const calendly: ProviderFixture = {
  name: "calendly",
  endpoints: {
    value: {
      authorize: "https://auth.calendly.com/oauth/authorize",
      token: "https://auth.calendly.com/oauth/token",
      userinfo: "https://api.calendly.com/users/me",
      revoke: "https://auth.calendly.com/oauth/revoke",
    },
    doc: "developer.calendly.com api-docs get-oauth-authorize, post-oauth-token, post-oauth-revoke",
  },
  authorize: {
    scope: { value: null, doc: `${APP} (scopes chosen on the app)` },
    pkce: { value: "accepted", doc: `${APP} (PKCE with S256 for all apps)` },
    consent: { value: null, doc: TOKEN },
  },
  token: {
    clientAuth: { value: "basic", doc: `${TOKEN} (web clients: HTTP Basic)` },
    encoding: { value: "form", doc: TOKEN },
    success: {
      value: (m) =>
        tokenAnswer(m, {
          expiresIn: 7200,
          extra: {
            owner: `https://api.calendly.com/users/${m.accountId}`,
            organization: "https://api.calendly.com/organizations/O1",
          },
        }),
      doc: TOKEN,
    },
    refresh: {
      value: (m) => tokenAnswer(m, { expiresIn: 7200 }),
      doc: "https://developer.calendly.com/refresh-token-rotation-guide",
    },
    rotates: { value: true, doc: "https://developer.calendly.com/refresh-token-rotation-guide" },
    refused: { value: invalidGrant("The provided authorization grant is invalid"), doc: TOKEN },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: (id) => ({
        resource: {
          uri: `https://api.calendly.com/users/${id}`,
          email: "cal@example.com",
          name: "Cal Endly",
        },
      }),
      expect: {
        id: "https://api.calendly.com/users/calendly-account-7",
        email: "cal@example.com",
        name: "Cal Endly",
      },
    },
    doc: "https://developer.calendly.com/api-docs/users/get-current-user",
  },
  revoke: {
    value: {
      method: "POST",
      auth: "body",
      encoding: "form",
      tokenField: "token",
      token: "refresh_token",
      answer: { status: 200, body: {} },
    },
    doc: "https://developer.calendly.com/api-docs/calendly-o-auth/o-auth/post-oauth-revoke",
  },
};
