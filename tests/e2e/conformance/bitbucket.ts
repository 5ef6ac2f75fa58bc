import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const DOC = "https://developer.atlassian.com/cloud/bitbucket/oauth-2/";

export const bitbucket: ProviderFixture = {
  name: "bitbucket",
  endpoints: {
    value: {
      authorize: "https://bitbucket.org/site/oauth2/authorize",
      token: "https://bitbucket.org/site/oauth2/access_token",
      userinfo: "https://api.bitbucket.org/2.0/user",
    },
    doc:
      "developer.atlassian.com/cloud/bitbucket/oauth-2/ (site/oauth2/authorize, site/oauth2/access_token)",
  },
  authorize: {
    scope: { value: null, doc: `${DOC} (scopes are the consumer's permissions)` },
    pkce: { value: "accepted", doc: `${DOC} (PKCE unconfirmed; none sent)` },
    consent: { value: null, doc: DOC },
  },
  token: {
    clientAuth: { value: "basic", doc: `${DOC} (curl -u key:secret)` },
    encoding: { value: "form", doc: DOC },
    success: {
      value: (m) => tokenAnswer(m, { expiresIn: 7200, extra: { scopes: "account" } }),
      doc: DOC,
    },
    refresh: {
      value: (m) => tokenAnswer(m, { expiresIn: 7200, extra: { scopes: "account" } }),
      doc: DOC,
    },
    rotates: { value: false, doc: `${DOC} (unconfirmed: the same refresh token comes back)` },
    refused: { value: invalidGrant("Invalid refresh_token"), doc: DOC },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: (id) => ({ uuid: `{${id}}`, username: "bucky", display_name: "Bit Bucket" }),
      expect: { id: "{bitbucket-account-7}", login: "bucky", name: "Bit Bucket" },
    },
    doc: "https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/#api-user-get",
  },
  revoke: { value: null, doc: "unconfirmed: none documented" },
};
