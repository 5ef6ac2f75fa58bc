import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const DOC = "https://discord.com/developers/docs/topics/oauth2";
const META = "https://discord.com/.well-known/oauth-authorization-server";

export const discord: ProviderFixture = {
  name: "discord",
  endpoints: {
    value: {
      authorize: "https://discord.com/oauth2/authorize",
      token: "https://discord.com/api/oauth2/token",
      userinfo: "https://discord.com/api/users/@me",
      revoke: "https://discord.com/api/oauth2/token/revoke",
    },
    doc:
      "discord.com/developers/docs/topics/oauth2 (authorize, token, token/revoke) + /.well-known/oauth-authorization-server",
  },
  authorize: {
    scope: { value: "identify", doc: DOC },
    pkce: { value: "accepted", doc: `${META} (S256)` },
    consent: { value: { prompt: "consent" }, doc: `${DOC} (prompt=consent)` },
  },
  token: {
    clientAuth: { value: "basic", doc: `${META} (client_secret_basic)` },
    encoding: { value: "form", doc: DOC },
    success: {
      value: (m) => tokenAnswer(m, { expiresIn: 604800, extra: { scope: "identify" } }),
      doc: DOC,
    },
    refresh: {
      value: (m) => tokenAnswer(m, { expiresIn: 604800, extra: { scope: "identify" } }),
      doc: DOC,
    },
    rotates: {
      value: true,
      doc: `${DOC} (a refresh answer carries a refresh token; the newest is kept)`,
    },
    refused: { value: invalidGrant('Invalid "refresh_token" in request.'), doc: DOC },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: (id) => ({ id, username: "nelly", global_name: "Nelly", email: "nelly@example.com" }),
      expect: {
        id: "discord-account-7",
        login: "nelly",
        email: "nelly@example.com",
        name: "Nelly",
      },
    },
    doc: "https://discord.com/developers/docs/resources/user#get-current-user",
  },
  revoke: {
    value: {
      method: "POST",
      auth: "basic",
      encoding: "form",
      tokenField: "token",
      token: "access_token",
      answer: { status: 200, body: {} },
    },
    doc: `${DOC} (token revocation, RFC 7009)`,
  },
};
