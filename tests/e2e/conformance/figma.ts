import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const DOC = "https://developers.figma.com/docs/rest-api/authentication/";

export const figma: ProviderFixture = {
  name: "figma",
  endpoints: {
    value: {
      authorize: "https://www.figma.com/oauth",
      token: "https://api.figma.com/v1/oauth/token",
      refresh: "https://api.figma.com/v1/oauth/refresh",
      userinfo: "https://api.figma.com/v1/me",
    },
    doc:
      "developers.figma.com/docs/rest-api/authentication/ (www.figma.com/oauth, api.figma.com/v1/oauth/token, /v1/oauth/refresh)",
  },
  authorize: {
    scope: {
      value: "current_user:read",
      doc: "https://developers.figma.com/docs/rest-api/scopes/",
    },
    pkce: { value: "accepted", doc: `${DOC} (PKCE unconfirmed; none sent)` },
    consent: { value: null, doc: DOC },
  },
  token: {
    clientAuth: { value: "basic", doc: DOC },
    encoding: { value: "form", doc: DOC },
    refreshPath: { value: "/refresh", doc: `${DOC} (POST /v1/oauth/refresh)` },
    success: {
      value: (m) => tokenAnswer(m, { expiresIn: 7776000, extra: { user_id_string: m.accountId } }),
      doc: DOC,
    },
    refresh: { value: (m) => tokenAnswer(m, { refresh: false, expiresIn: 7776000 }), doc: DOC },
    rotates: { value: false, doc: `${DOC} (no refresh_token in the refresh answer)` },
    refused: { value: invalidGrant(), doc: "unconfirmed: RFC 6749 invalid_grant" },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: (id) => ({ id, handle: "fig", email: "fig@example.com", img_url: "" }),
      expect: { id: "figma-account-7", login: "fig", email: "fig@example.com" },
    },
    doc: "https://developers.figma.com/docs/rest-api/users-endpoints/",
  },
  revoke: { value: null, doc: "unconfirmed: none documented" },
};
