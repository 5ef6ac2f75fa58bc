import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const WIKI = "https://github.com/reddit-archive/reddit/wiki/OAuth2";
const UA = "server:clawauth:1 (delegated OAuth for agents)";

export const reddit: ProviderFixture = {
  name: "reddit",
  endpoints: {
    value: {
      authorize: "https://www.reddit.com/api/v1/authorize",
      token: "https://www.reddit.com/api/v1/access_token",
      userinfo: "https://oauth.reddit.com/api/v1/me",
      revoke: "https://www.reddit.com/api/v1/revoke_token",
    },
    doc: "github.com/reddit-archive/reddit/wiki/OAuth2 (authorize, access_token, revoke_token)",
  },
  authorize: {
    scope: { value: "identity", doc: WIKI },
    pkce: { value: "accepted", doc: `${WIKI} (no PKCE; none sent)` },
    consent: { value: null, doc: WIKI },
    extra: {
      value: { duration: "permanent" },
      doc: `${WIKI} (duration=permanent for a refresh token)`,
    },
  },
  token: {
    clientAuth: { value: "basic", doc: WIKI },
    encoding: { value: "form", doc: WIKI },
    headers: {
      value: { "user-agent": UA },
      doc: "https://github.com/reddit-archive/reddit/wiki/API (User-Agent)",
    },
    success: { value: (m) => tokenAnswer(m, { extra: { scope: "identity" } }), doc: WIKI },
    refresh: {
      value: (m) => tokenAnswer(m, { refresh: false, extra: { scope: "identity" } }),
      doc: WIKI,
    },
    rotates: { value: false, doc: WIKI },
    refused: { value: invalidGrant(), doc: WIKI },
  },
  identity: {
    value: {
      source: "userinfo",
      headers: { "user-agent": UA },
      answer: (id) => ({ id, name: "spez" }),
      expect: { id: "reddit-account-7", login: "spez" },
    },
    doc: "https://www.reddit.com/dev/api#GET_api_v1_me",
  },
  revoke: {
    value: {
      method: "POST",
      auth: "basic",
      encoding: "form",
      tokenField: "token",
      token: "refresh_token",
      answer: { status: 204, body: undefined },
    },
    doc: `${WIKI} (Manually Revoking a Token)`,
  },
};
