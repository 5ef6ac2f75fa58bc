import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const DOC = "https://airtable.com/developers/web/api/oauth-reference";

export const airtable: ProviderFixture = {
  name: "airtable",
  endpoints: {
    value: {
      authorize: "https://airtable.com/oauth2/v1/authorize",
      token: "https://airtable.com/oauth2/v1/token",
      userinfo: "https://api.airtable.com/v0/meta/whoami",
    },
    doc: "airtable.com/developers/web/api/oauth-reference",
  },
  authorize: {
    scope: { value: "user.email:read", doc: DOC },
    pkce: { value: "required", doc: `${DOC} (code_challenge required)` },
    consent: { value: null, doc: DOC },
  },
  token: {
    clientAuth: { value: "basic", doc: `${DOC} (confidential clients: Basic)` },
    encoding: { value: "form", doc: DOC },
    success: {
      value: (m) =>
        tokenAnswer(m, { extra: { scope: "user.email:read", refresh_expires_in: 5184000 } }),
      doc: DOC,
    },
    refresh: {
      value: (m) =>
        tokenAnswer(m, { extra: { scope: "user.email:read", refresh_expires_in: 5184000 } }),
      doc: DOC,
    },
    rotates: { value: true, doc: `${DOC} (single-use refresh tokens)` },
    refused: { value: invalidGrant(), doc: DOC },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: (id) => ({ id, email: "ann@example.com", scopes: ["user.email:read"] }),
      expect: { id: "airtable-account-7", email: "ann@example.com" },
    },
    doc: "https://airtable.com/developers/web/api/get-user-id-scopes",
  },
  revoke: { value: null, doc: `${DOC} (no revocation endpoint)` },
};
