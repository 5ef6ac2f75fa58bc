import assert from "node:assert/strict";
import { envPrefix, resolveProviderSettings } from "../../providers/settings.ts";
import type { ProviderSettings, ProviderSpec } from "../../providers/types.ts";

const SPEC: ProviderSpec = {
  name: "my-idp.v2",
  displayName: "My IdP",
  authorizeUrl: "https://idp.example/authorize",
  tokenUrl: "https://idp.example/token",
  clientAuth: "basic",
  pkce: "supported",
  scopeSeparator: " ",
  defaultScopes: [],
  tokenResponse: "oauth2",
  refresh: { supported: true },
  registerUrl: "https://idp.example/apps",
  docs: ["https://idp.example/docs"],
};

Deno.test("envPrefix() upper-cases and replaces non [A-Z0-9] with _", () => {
  assert.equal(envPrefix("github"), "GITHUB");
  assert.equal(envPrefix("my-idp.v2"), "MY_IDP_V2");
  assert.equal(envPrefix("a_b"), "A_B");
});

interface Row {
  name: string;
  spec?: Partial<ProviderSpec>;
  env: Record<string, string | undefined>;
  overrides?: Partial<ProviderSettings>;
  origin?: string;
  expected: ReturnType<typeof resolveProviderSettings>;
}

const ROWS: Row[] = [
  {
    name: "lists both names when nothing is set",
    env: {},
    expected: { ok: false, missing: ["MY_IDP_V2_CLIENT_ID", "MY_IDP_V2_CLIENT_SECRET"] },
  },
  {
    name: "lists only the secret when the id is set",
    env: { MY_IDP_V2_CLIENT_ID: "id" },
    expected: { ok: false, missing: ["MY_IDP_V2_CLIENT_SECRET"] },
  },
  {
    name: "treats an empty value as unset",
    env: { MY_IDP_V2_CLIENT_ID: "", MY_IDP_V2_CLIENT_SECRET: "s" },
    expected: { ok: false, missing: ["MY_IDP_V2_CLIENT_ID"] },
  },
  {
    name: "does not require a secret for a public client",
    spec: { clientAuth: "none" },
    env: { MY_IDP_V2_CLIENT_ID: "id" },
    origin: "https://auth.example",
    expected: {
      ok: true,
      settings: {
        clientId: "id",
        clientSecret: "",
        redirectUri: "https://auth.example/callback",
        authorizeUrl: "https://idp.example/authorize",
        tokenUrl: "https://idp.example/token",
      },
    },
  },
  {
    name: "defaults the redirect URI to origin/callback without a double slash",
    env: { MY_IDP_V2_CLIENT_ID: "id", MY_IDP_V2_CLIENT_SECRET: "s" },
    origin: "https://auth.example/",
    expected: {
      ok: true,
      settings: {
        clientId: "id",
        clientSecret: "s",
        redirectUri: "https://auth.example/callback",
        authorizeUrl: "https://idp.example/authorize",
        tokenUrl: "https://idp.example/token",
      },
    },
  },
  {
    name: "takes every field from the environment",
    env: {
      MY_IDP_V2_CLIENT_ID: "id",
      MY_IDP_V2_CLIENT_SECRET: "s",
      MY_IDP_V2_REDIRECT_URI: "https://other.example/cb",
      MY_IDP_V2_AUTH_URL: "http://127.0.0.1:9/auth",
      MY_IDP_V2_TOKEN_URL: "http://127.0.0.1:9/token",
      MY_IDP_V2_REFRESH_URL: "http://127.0.0.1:9/refresh",
      MY_IDP_V2_REVOKE_URL: "http://127.0.0.1:9/revoke",
      MY_IDP_V2_USERINFO_URL: "http://127.0.0.1:9/me",
    },
    expected: {
      ok: true,
      settings: {
        clientId: "id",
        clientSecret: "s",
        redirectUri: "https://other.example/cb",
        authorizeUrl: "http://127.0.0.1:9/auth",
        tokenUrl: "http://127.0.0.1:9/token",
        refreshUrl: "http://127.0.0.1:9/refresh",
        revokeUrl: "http://127.0.0.1:9/revoke",
        userinfoUrl: "http://127.0.0.1:9/me",
      },
    },
  },
  {
    name: "uses overrides when the environment is silent",
    env: {},
    overrides: {
      clientId: "json-id",
      clientSecret: "json-secret",
      redirectUri: "https://json.example/cb",
    },
    expected: {
      ok: true,
      settings: {
        clientId: "json-id",
        clientSecret: "json-secret",
        redirectUri: "https://json.example/cb",
        authorizeUrl: "https://idp.example/authorize",
        tokenUrl: "https://idp.example/token",
      },
    },
  },
  {
    name: "lets the environment win over overrides",
    env: { MY_IDP_V2_CLIENT_SECRET: "env-secret", MY_IDP_V2_TOKEN_URL: "https://env.example/t" },
    overrides: {
      clientId: "json-id",
      clientSecret: "json-secret",
      tokenUrl: "https://json.example/t",
    },
    expected: {
      ok: true,
      settings: {
        clientId: "json-id",
        clientSecret: "env-secret",
        redirectUri: "https://auth.example/callback",
        authorizeUrl: "https://idp.example/authorize",
        tokenUrl: "https://env.example/t",
      },
    },
  },
];

for (const row of ROWS) {
  Deno.test(`resolveProviderSettings() ${row.name}`, () => {
    const result = resolveProviderSettings({ ...SPEC, ...row.spec }, {
      env: row.env,
      origin: row.origin ?? "https://auth.example",
      overrides: row.overrides,
    });
    assert.deepEqual(result, row.expected);
  });
}
