import { invalidGrant, tokenAnswer } from "./_oauth2.ts";
import type { ProviderFixture } from "./_types.ts";

const SDK = "https://app.unpkg.com/fathom-typescript@0.0.37/files/src/funcs/withAuthorization.ts";
const DOC = "https://developers.fathom.ai/sdks/oauth";

export const fathom: ProviderFixture = {
  name: "fathom",
  endpoints: {
    value: {
      authorize: "https://fathom.video/external/v1/oauth2/authorize",
      token: "https://fathom.video/external/v1/oauth2/token",
    },
    doc:
      "fathom-typescript (official SDK) src/funcs/withAuthorization.ts: fathom.video/external/v1/oauth2/*",
  },
  authorize: {
    scope: { value: "public_api", doc: DOC },
    pkce: { value: "accepted", doc: `${SDK} (no PKCE)` },
    consent: { value: null, doc: DOC },
  },
  token: {
    clientAuth: { value: "body", doc: SDK },
    encoding: { value: "form", doc: SDK },
    success: {
      value: (m) => tokenAnswer(m, { expiresIn: 86400, extra: { scope: "public_api" } }),
      doc: DOC,
    },
    refresh: {
      value: (m) => tokenAnswer(m, { expiresIn: 86400, extra: { scope: "public_api" } }),
      doc: DOC,
    },
    rotates: { value: true, doc: `${DOC} (one-time-use refresh tokens)` },
    refused: { value: invalidGrant(), doc: "unconfirmed: RFC 6749 invalid_grant" },
  },
  identity: { value: null, doc: `${DOC} (no identity endpoint)` },
  revoke: { value: null, doc: `${DOC} (no revocation endpoint)` },
};
