import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const DOC = "https://linear.app/developers/oauth-2-0-authentication";

export const linear: ProviderFixture = {
  name: "linear",
  endpoints: {
    value: {
      authorize: "https://linear.app/oauth/authorize",
      token: "https://api.linear.app/oauth/token",
      revoke: "https://api.linear.app/oauth/revoke",
    },
    doc: "linear.app/developers/oauth-2-0-authentication (authorize, token, revoke)",
  },
  authorize: {
    scope: { value: "read", doc: `${DOC} (comma-separated scopes)` },
    pkce: { value: "accepted", doc: `${DOC} (PKCE)` },
    consent: { value: { prompt: "consent" }, doc: `${DOC} (prompt=consent)` },
  },
  token: {
    clientAuth: { value: "body", doc: DOC },
    encoding: { value: "form", doc: `${DOC} (application/x-www-form-urlencoded)` },
    success: {
      value: (m) => tokenAnswer(m, { expiresIn: 86399, extra: { scope: "read" } }),
      doc: DOC,
    },
    refresh: {
      value: (m) => tokenAnswer(m, { expiresIn: 86399, extra: { scope: "read" } }),
      doc: DOC,
    },
    rotates: { value: true, doc: `${DOC} (a new access token and a new refresh token)` },
    refused: { value: invalidGrant("Token has been expired or revoked."), doc: DOC },
  },
  identity: { value: null, doc: `${DOC} (identity only via GraphQL viewer)` },
  revoke: {
    value: {
      method: "POST",
      auth: "bearer",
      encoding: "empty",
      token: "access_token",
      answer: { status: 200, body: undefined },
    },
    doc: `${DOC} (Revoke an access token: Bearer)`,
  },
};
