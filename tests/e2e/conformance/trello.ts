import { tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const TRELLO =
  "https://developer.atlassian.com/cloud/trello/guides/rest-api/oauth-2-confidential-client-usage/";
const THREE_LO = "https://developer.atlassian.com/cloud/confluence/oauth-2-3lo-apps/";

export const trello: ProviderFixture = {
  name: "trello",
  endpoints: {
    value: {
      authorize: "https://auth.atlassian.com/authorize",
      token: "https://auth.atlassian.com/oauth/token",
      userinfo: "https://api.trello.com/1/members/me",
    },
    doc:
      "developer.atlassian.com/cloud/trello/guides/rest-api/oauth-2-confidential-client-usage/ (Atlassian 3LO authorize + oauth/token)",
  },
  authorize: {
    scope: {
      value: "read:member:trello offline_access",
      doc: `${TRELLO} + ${THREE_LO} (offline_access)`,
    },
    pkce: { value: "required", doc: `${TRELLO} (Trello adopted PKCE)` },
    consent: { value: { prompt: "consent" }, doc: `${THREE_LO} (prompt=consent)` },
  },
  token: {
    clientAuth: { value: "body", doc: THREE_LO },
    encoding: { value: "json", doc: `${THREE_LO} (JSON token requests)` },
    success: {
      value: (m) => tokenAnswer(m, { extra: { scope: "read:member:trello offline_access" } }),
      doc: THREE_LO,
    },
    refresh: {
      value: (m) => tokenAnswer(m, { extra: { scope: "read:member:trello offline_access" } }),
      doc: THREE_LO,
    },
    rotates: { value: true, doc: `${THREE_LO} (rotating refresh tokens)` },
    refused: {
      value: {
        status: 403,
        body: { error: "invalid_grant", error_description: "Unknown or invalid refresh token." },
      },
      doc:
        "https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens (unconfirmed for Trello)",
    },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: (id) => ({ id, username: "tre", fullName: "Tre Llo", email: "tre@example.com" }),
      expect: { id: "trello-account-7", login: "tre", email: "tre@example.com", name: "Tre Llo" },
    },
    doc:
      "https://developer.atlassian.com/cloud/trello/rest/api-group-members/ (unconfirmed with OAuth 2.0)",
  },
  revoke: { value: null, doc: `${THREE_LO} (no revocation endpoint)` },
};
