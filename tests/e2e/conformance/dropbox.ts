import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const HTTP = "https://www.dropbox.com/developers/documentation/http/documentation";
const OFFLINE = "https://dropbox.tech/developers/using-oauth-2-0-with-offline-access";

export const dropbox: ProviderFixture = {
  name: "dropbox",
  endpoints: {
    value: {
      authorize: "https://www.dropbox.com/oauth2/authorize",
      token: "https://api.dropboxapi.com/oauth2/token",
      revoke: "https://api.dropboxapi.com/2/auth/token/revoke",
    },
    doc:
      "dropbox/dropbox-sdk-js src/constants.js (www.dropbox.com/oauth2/authorize, api.dropboxapi.com/oauth2/token) + HTTP docs #oauth2-authorize",
  },
  authorize: {
    scope: { value: "account_info.read", doc: `${HTTP}#oauth2-authorize` },
    pkce: {
      value: "accepted",
      doc: "https://github.com/dropbox/dropbox-sdk-js/blob/main/src/auth.js",
    },
    consent: { value: { force_reapprove: "true" }, doc: `${HTTP}#oauth2-authorize` },
    extra: { value: { token_access_type: "offline" }, doc: OFFLINE },
  },
  token: {
    clientAuth: { value: "basic", doc: `${HTTP}#oauth2-token` },
    encoding: { value: "form", doc: `${HTTP}#oauth2-token` },
    success: {
      value: (m) =>
        tokenAnswer(m, {
          expiresIn: 14400,
          extra: { scope: "account_info.read", account_id: m.accountId, uid: "12345" },
        }),
      doc: `${HTTP}#oauth2-token`,
    },
    refresh: { value: (m) => tokenAnswer(m, { refresh: false, expiresIn: 14400 }), doc: OFFLINE },
    rotates: { value: false, doc: OFFLINE },
    refused: {
      value: invalidGrant("refresh token is invalid or revoked"),
      doc: `${HTTP}#oauth2-token`,
    },
  },
  identity: {
    value: { source: "token_response", expect: { id: "dropbox-account-7" } },
    doc: `${HTTP}#oauth2-token (account_id)`,
  },
  revoke: {
    value: {
      method: "POST",
      auth: "bearer",
      encoding: "empty",
      token: "access_token",
      answer: { status: 200, body: null },
    },
    doc: `${HTTP}#auth-token-revoke`,
  },
};
