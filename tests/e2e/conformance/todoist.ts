import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const SDK = "https://github.com/Doist/todoist-api-typescript/blob/main/src/authentication.ts";
const ENDPOINTS =
  "https://github.com/Doist/todoist-api-typescript/blob/main/src/consts/endpoints.ts";
const REFRESH = "https://doist.github.io/todoist-sdk-typescript/api/functions/refreshAuthToken";

export const todoist: ProviderFixture = {
  name: "todoist",
  endpoints: {
    value: {
      authorize: "https://todoist.com/oauth/authorize",
      token: "https://todoist.com/oauth/access_token",
      userinfo: "https://api.todoist.com/api/v1/user",
      revoke: "https://api.todoist.com/api/v1/revoke",
    },
    doc:
      "Doist/todoist-api-typescript src/consts/endpoints.ts (getAuthBaseUri https://todoist.com/oauth/ + authorize, access_token; getSyncBaseUri https://api.todoist.com/api/v1/ + revoke, user) and src/authentication.ts",
  },
  authorize: {
    scope: { value: "data:read", doc: `${SDK} getAuthorizationUrl (permissions joined with ',')` },
    pkce: { value: "accepted", doc: `${SDK} (no PKCE parameters)` },
    consent: { value: null, doc: SDK },
  },
  token: {
    clientAuth: { value: "body", doc: `${SDK} getAuthToken (client_id, client_secret, code)` },
    encoding: {
      value: "form",
      doc: "https://developer.todoist.com/api/v1/#tag/Authorization/OAuth",
    },
    success: { value: (m) => tokenAnswer(m), doc: REFRESH },
    refresh: { value: (m) => tokenAnswer(m), doc: REFRESH },
    rotates: { value: true, doc: `${REFRESH} (the server rotates the refresh token)` },
    refused: { value: invalidGrant(), doc: "unconfirmed: RFC 6749 §5.2 invalid_grant" },
  },
  identity: {
    value: {
      source: "userinfo",
      answer: (id) => ({ id, email: "tod@example.com", full_name: "Tod Ist" }),
      expect: { id: "todoist-account-7", email: "tod@example.com", name: "Tod Ist" },
    },
    doc: `${ENDPOINTS} ENDPOINT_REST_USER`,
  },
  revoke: {
    value: {
      method: "POST",
      auth: "basic",
      encoding: "form",
      tokenField: "token",
      token: "access_token",
      answer: { status: 200, body: undefined },
    },
    doc: `${SDK} revokeToken (RFC 7009, Basic)`,
  },
};
