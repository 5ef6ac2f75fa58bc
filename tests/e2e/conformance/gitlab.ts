import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const DOC = "https://docs.gitlab.com/api/oauth2/";

export const gitlab: ProviderFixture = {
  name: "gitlab",
  endpoints: {
    value: {
      authorize: "https://gitlab.com/oauth/authorize",
      token: "https://gitlab.com/oauth/token",
      userinfo: "https://gitlab.com/api/v4/user",
      revoke: "https://gitlab.com/oauth/revoke",
    },
    doc: "docs.gitlab.com/api/oauth2/ (oauth/authorize, oauth/token, oauth/revoke)",
  },
  authorize: {
    scope: { value: "read_user", doc: DOC },
    pkce: { value: "accepted", doc: `${DOC} (PKCE)` },
    consent: { value: null, doc: DOC },
  },
  token: {
    clientAuth: { value: "body", doc: DOC },
    encoding: { value: "form", doc: DOC },
    success: {
      value: (m) =>
        tokenAnswer(m, { expiresIn: 7200, extra: { scope: "read_user", created_at: 1 } }),
      doc: DOC,
    },
    refresh: {
      value: (m) =>
        tokenAnswer(m, { expiresIn: 7200, extra: { scope: "read_user", created_at: 2 } }),
      doc: DOC,
    },
    rotates: { value: true, doc: DOC },
    refused: {
      value: invalidGrant(
        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
      ),
      doc: "Doorkeeper invalid_grant (GitLab's OAuth server)",
    },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: () => ({ id: 42, username: "gitty", email: "git@example.com", name: "Git Lab" }),
      expect: { id: "42", login: "gitty", email: "git@example.com", name: "Git Lab" },
    },
    doc: "https://docs.gitlab.com/api/users/",
  },
  revoke: {
    value: {
      method: "POST",
      auth: "body",
      encoding: "form",
      tokenField: "token",
      token: "access_token",
      answer: { status: 200, body: {} },
    },
    doc: `${DOC}#revoke-a-token`,
  },
};
