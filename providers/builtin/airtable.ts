/**
 * Airtable.
 *
 * @see https://airtable.com/developers/web/api/oauth-reference
 */

import type { ProviderSpec } from "../types.ts";

/** Airtable's registry entry; `sources` says what settled each field. */
export const airtable: ProviderSpec = {
  name: "airtable",
  displayName: "Airtable",
  authorizeUrl: "https://airtable.com/oauth2/v1/authorize",
  tokenUrl: "https://airtable.com/oauth2/v1/token",
  clientAuth: "basic",
  pkce: "required",
  scopeSeparator: " ",
  defaultScopes: ["user.email:read"],
  tokenResponse: "oauth2",
  errorShape: { example: 'HTTP 400 {"error":"invalid_grant","error_description":"…"}' },
  refresh: {
    supported: true,
    rotates: true,
    note: "refresh tokens are single use; refresh_expires_in is returned",
  },
  registerUrl: "https://airtable.com/create/oauth",
  docs: [
    "https://airtable.com/developers/web/api/oauth-reference",
    "https://airtable.com/developers/web/api/get-user-id-scopes",
  ],
  userinfoUrl: "https://api.airtable.com/v0/meta/whoami",
  identity: { source: "userinfo", id: "id", email: "email" },
  api: { baseUrl: "https://api.airtable.com", hosts: ["api.airtable.com"] },
  notes:
    "PKCE S256 is mandatory and at least one scope must be requested; scopes must also be enabled on the integration. Confidential integrations authenticate with HTTP Basic. No revocation endpoint is documented.",
  sources: {
    endpoints: "airtable.com/developers/web/api/oauth-reference",
    clientAuth: "airtable.com/developers/web/api/oauth-reference: Basic for confidential clients",
    pkce: "airtable.com/developers/web/api/oauth-reference: code_challenge required (S256)",
    refresh: "airtable.com/developers/web/api/oauth-reference: single-use refresh tokens",
    identity: "airtable.com/developers/web/api/get-user-id-scopes (id, email with user.email:read)",
    revoke: "none documented",
    consent: "none documented",
    errors: "airtable.com/developers/web/api/oauth-reference: RFC 6749 error codes",
  },
  source: "builtin",
};
