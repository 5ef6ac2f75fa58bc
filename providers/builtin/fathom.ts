/**
 * Fathom (the meeting notetaker, fathom.video).
 *
 * @see https://developers.fathom.ai/sdks/oauth
 */

import type { ProviderSpec } from "../types.ts";

/** Fathom's registry entry; `sources` says what settled each field. */
export const fathom: ProviderSpec = {
  name: "fathom",
  displayName: "Fathom",
  authorizeUrl: "https://fathom.video/external/v1/oauth2/authorize",
  tokenUrl: "https://fathom.video/external/v1/oauth2/token",
  clientAuth: "body",
  pkce: "none",
  scopeSeparator: " ",
  defaultScopes: ["public_api"],
  tokenResponse: "oauth2",
  errorShape: { example: 'HTTP 400 {"error":"invalid_grant","error_description":"…"}' },
  refresh: {
    supported: true,
    rotates: true,
    note: "24 h access tokens; refresh tokens are one-time use",
  },
  registerUrl: "https://developers.fathom.ai/oauth",
  docs: [
    "https://developers.fathom.ai/sdks/oauth",
    "https://app.unpkg.com/fathom-typescript@0.0.37/files/src/funcs/withAuthorization.ts",
  ],
  api: { baseUrl: "https://api.fathom.ai/external/v1", hosts: ["api.fathom.ai"] },
  notes:
    "Fathom the meeting notetaker, not Fathom Analytics. Endpoints are those of Fathom's official TypeScript SDK; one page of the docs names https://api.fathom.ai/external/v1/oauth2/token, reported not to work. The single scope is `public_api`. No identity or revocation endpoint is documented. Unconfirmed: PKCE.",
  sources: {
    endpoints:
      "fathom-typescript (official SDK) src/funcs/withAuthorization.ts: fathom.video/external/v1/oauth2/*",
    clientAuth:
      "fathom-typescript src/funcs/withAuthorization.ts: client_id + client_secret form fields",
    scopes: "developers.fathom.ai/sdks/oauth: scope public_api",
    refresh: "developers.fathom.ai/sdks/oauth: one-time-use refresh tokens",
    api: "developers.fathom.ai (https://api.fathom.ai/external/v1)",
    identity: "none documented",
    revoke: "none documented",
    errors: "unconfirmed: RFC 6749 invalid_grant",
    consent: "none documented",
  },
  source: "builtin",
};
