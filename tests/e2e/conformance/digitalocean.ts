import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const DOC = "https://docs.digitalocean.com/documentation/oauth";
const REF = "https://docs.digitalocean.com/reference/api/oauth";

export const digitalocean: ProviderFixture = {
  name: "digitalocean",
  endpoints: {
    value: {
      authorize: "https://cloud.digitalocean.com/v1/oauth/authorize",
      token: "https://cloud.digitalocean.com/v1/oauth/token",
      revoke: "https://cloud.digitalocean.com/v1/oauth/revoke",
    },
    doc: "docs.digitalocean.com/documentation/oauth (authorize, token, revoke)",
  },
  authorize: {
    scope: { value: "read", doc: DOC },
    pkce: { value: "accepted", doc: `${DOC} (PKCE)` },
    consent: { value: null, doc: DOC },
  },
  token: {
    clientAuth: { value: "body", doc: DOC },
    encoding: { value: "form", doc: DOC },
    success: {
      value: (m) =>
        tokenAnswer(m, {
          expiresIn: 2592000,
          extra: {
            scope: "read",
            info: { name: "Dee O", email: "dee@example.com", uuid: m.accountId },
          },
        }),
      doc: REF,
    },
    refresh: {
      value: (m) =>
        tokenAnswer(m, {
          expiresIn: 2592000,
          extra: {
            scope: "read",
            info: { name: "Dee O", email: "dee@example.com", uuid: m.accountId },
          },
        }),
      doc: REF,
    },
    rotates: { value: true, doc: `${REF} (unconfirmed: old refresh token spent)` },
    refused: { value: invalidGrant(undefined, 401), doc: "unconfirmed: RFC 6749 invalid_grant" },
  },
  identity: {
    value: {
      source: "token_response",
      expect: { id: "digitalocean-account-7", email: "dee@example.com", name: "Dee O" },
    },
    doc: `${REF} (info {name, email, uuid})`,
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
    doc: `${DOC} (/revoke; authentication unconfirmed)`,
  },
};
