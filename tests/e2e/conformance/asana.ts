import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const DOC = "https://developers.asana.com/docs/oauth";

export const asana: ProviderFixture = {
  name: "asana",
  endpoints: {
    value: {
      authorize: "https://app.asana.com/-/oauth_authorize",
      token: "https://app.asana.com/-/oauth_token",
      userinfo: "https://app.asana.com/api/1.0/users/me",
      revoke: "https://app.asana.com/-/oauth_revoke",
    },
    doc: "developers.asana.com/docs/oauth (oauth_authorize, oauth_token, oauth_revoke)",
  },
  authorize: {
    scope: { value: null, doc: `${DOC} (full-permission apps send no scope)` },
    pkce: { value: "accepted", doc: `${DOC} (PKCE S256)` },
    consent: { value: null, doc: DOC },
  },
  token: {
    clientAuth: { value: "body", doc: DOC },
    encoding: { value: "form", doc: DOC },
    success: {
      value: (m) =>
        tokenAnswer(m, {
          extra: { data: { id: 1, gid: m.accountId, name: "Asa Na", email: "asa@example.com" } },
        }),
      doc: DOC,
    },
    refresh: {
      value: (m) => tokenAnswer(m, { refresh: false }),
      doc: `${DOC} (no new refresh token)`,
    },
    rotates: { value: false, doc: DOC },
    refused: { value: invalidGrant(), doc: DOC },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: (id) => ({ data: { gid: id, email: "asa@example.com", name: "Asa Na" } }),
      expect: { id: "asana-account-7", email: "asa@example.com", name: "Asa Na" },
    },
    doc: "https://developers.asana.com/reference/getuser",
  },
  revoke: {
    value: {
      method: "POST",
      auth: "body",
      encoding: "form",
      tokenField: "token",
      token: "refresh_token",
      answer: { status: 200, body: undefined },
    },
    doc: `${DOC} (POST /-/oauth_revoke with client_id, client_secret, token)`,
  },
};
