import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const TOKEN = "https://developer.box.com/reference/post-oauth2-token/";
const REFRESH = "https://developer.box.com/guides/authentication/tokens/refresh";

export const box: ProviderFixture = {
  name: "box",
  endpoints: {
    value: {
      authorize: "https://account.box.com/api/oauth2/authorize",
      token: "https://api.box.com/oauth2/token",
      userinfo: "https://api.box.com/2.0/users/me",
      revoke: "https://api.box.com/oauth2/revoke",
    },
    doc:
      "box/box-typescript-sdk-gen src/box/oauth.ts (account.box.com/api/oauth2/authorize, api.box.com/oauth2/token) + developer.box.com guides",
  },
  authorize: {
    scope: {
      value: null,
      doc: "https://developer.box.com/guides/authentication/oauth2/ (scopes set on the app)",
    },
    pkce: { value: "accepted", doc: "unconfirmed: none sent" },
    consent: { value: null, doc: TOKEN },
  },
  token: {
    clientAuth: { value: "body", doc: TOKEN },
    encoding: { value: "form", doc: TOKEN },
    success: { value: (m) => tokenAnswer(m, { extra: { restricted_to: [] } }), doc: TOKEN },
    refresh: { value: (m) => tokenAnswer(m, { extra: { restricted_to: [] } }), doc: REFRESH },
    rotates: { value: true, doc: `${REFRESH} (single use)` },
    refused: { value: invalidGrant("Refresh token has expired"), doc: TOKEN },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: (id) => ({ type: "user", id, login: "boxy@example.com", name: "Box Y" }),
      expect: { id: "box-account-7", login: "boxy@example.com", name: "Box Y" },
    },
    doc: "https://developer.box.com/reference/get-users-me/",
  },
  revoke: {
    value: {
      method: "POST",
      auth: "body",
      encoding: "form",
      tokenField: "token",
      token: "access_token",
      answer: { status: 200, body: undefined },
    },
    doc: "https://developer.box.com/reference/post-oauth2-revoke/",
  },
};
