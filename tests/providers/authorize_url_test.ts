import assert from "node:assert/strict";
import { buildAuthorizeUrl, normalizeScope } from "../../providers/authorize_url.ts";
import { createRegistry } from "../../providers/registry.ts";
import type { ProviderSettings, ProviderSpec } from "../../providers/types.ts";

const SETTINGS: ProviderSettings = {
  clientId: "client id",
  clientSecret: "secret",
  redirectUri: "https://auth.example/callback",
  authorizeUrl: "https://idp.example/authorize",
  tokenUrl: "https://idp.example/token",
};

function spec(overrides: Partial<ProviderSpec> = {}): ProviderSpec {
  return {
    name: "idp",
    displayName: "IdP",
    authorizeUrl: "https://idp.example/authorize",
    tokenUrl: "https://idp.example/token",
    clientAuth: "basic",
    pkce: "supported",
    scopeSeparator: " ",
    defaultScopes: ["openid", "profile"],
    tokenResponse: "oauth2",
    refresh: { supported: true },
    registerUrl: "https://idp.example/apps",
    docs: ["https://idp.example/docs"],
    ...overrides,
  };
}

function params(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}

Deno.test("buildAuthorizeUrl() sets the core parameters and default scopes", () => {
  const url = buildAuthorizeUrl(spec(), SETTINGS, { state: "st" });
  assert.ok(url.startsWith("https://idp.example/authorize?"));
  assert.deepEqual(params(url), {
    response_type: "code",
    client_id: "client id",
    redirect_uri: "https://auth.example/callback",
    scope: "openid profile",
    state: "st",
  });
});

Deno.test("buildAuthorizeUrl() adds S256 PKCE parameters when a challenge is given", () => {
  const url = buildAuthorizeUrl(spec(), SETTINGS, { state: "st", codeChallenge: "abc" });
  assert.equal(params(url).code_challenge, "abc");
  assert.equal(params(url).code_challenge_method, "S256");
  const without = buildAuthorizeUrl(spec(), SETTINGS, { state: "st" });
  assert.equal(new URL(without).searchParams.has("code_challenge"), false);
  assert.equal(new URL(without).searchParams.has("code_challenge_method"), false);
});

Deno.test("buildAuthorizeUrl() joins requested scopes with the provider's separator", () => {
  const comma = spec({ scopeSeparator: "," });
  assert.equal(
    params(buildAuthorizeUrl(comma, SETTINGS, { state: "s", scope: "read write" })).scope,
    "read,write",
  );
  assert.equal(
    params(buildAuthorizeUrl(spec(), SETTINGS, { state: "s", scope: "a, b,c" })).scope,
    "a b c",
  );
  assert.equal(params(buildAuthorizeUrl(comma, SETTINGS, { state: "s" })).scope, "openid,profile");
});

Deno.test("buildAuthorizeUrl() falls back to default scopes for a blank scope and omits an empty one", () => {
  assert.equal(
    params(buildAuthorizeUrl(spec(), SETTINGS, { state: "s", scope: "  " })).scope,
    "openid profile",
  );
  const none = buildAuthorizeUrl(spec({ defaultScopes: [] }), SETTINGS, { state: "s" });
  assert.equal(new URL(none).searchParams.has("scope"), false);
});

Deno.test("buildAuthorizeUrl() adds extra parameters but never lets them override core ones", () => {
  const url = buildAuthorizeUrl(
    spec({
      authorizeParams: {
        token_access_type: "offline",
        state: "evil",
        client_id: "evil",
        redirect_uri: "https://evil.example",
        response_type: "token",
        scope: "admin",
        code_challenge: "evil",
        code_challenge_method: "plain",
      },
    }),
    SETTINGS,
    { state: "st", codeChallenge: "good" },
  );
  assert.deepEqual(params(url), {
    response_type: "code",
    client_id: "client id",
    redirect_uri: "https://auth.example/callback",
    scope: "openid profile",
    state: "st",
    code_challenge: "good",
    code_challenge_method: "S256",
    token_access_type: "offline",
  });
});

Deno.test("buildAuthorizeUrl() keeps a query already on the authorize URL", () => {
  const url = buildAuthorizeUrl(spec(), {
    ...SETTINGS,
    authorizeUrl: "https://idp.example/authorize?tenant=acme",
  }, { state: "st" });
  assert.equal(params(url).tenant, "acme");
  assert.equal(params(url).state, "st");
});

Deno.test("buildAuthorizeUrl() puts scopes in spec.scopeParam (Slack user_scope)", () => {
  const slack = createRegistry().get("slack")!;
  const url = buildAuthorizeUrl(slack, SETTINGS, { state: "st", scope: "search:read users:read" });
  assert.equal(params(url).user_scope, "search:read,users:read");
  assert.equal(new URL(url).searchParams.has("scope"), false);
});

Deno.test("buildAuthorizeUrl() carries the refresh-token parameters of Dropbox, Reddit and Trello", () => {
  const registry = createRegistry();
  const dropbox = params(buildAuthorizeUrl(registry.get("dropbox")!, SETTINGS, { state: "s" }));
  assert.equal(dropbox.token_access_type, "offline");
  const reddit = params(buildAuthorizeUrl(registry.get("reddit")!, SETTINGS, { state: "s" }));
  assert.equal(reddit.duration, "permanent");
  const trello = params(buildAuthorizeUrl(registry.get("trello")!, SETTINGS, { state: "s" }));
  assert.equal(trello.prompt, "consent");
  assert.ok(trello.scope.split(" ").includes("offline_access"));
  const notion = params(buildAuthorizeUrl(registry.get("notion")!, SETTINGS, { state: "s" }));
  assert.equal(notion.owner, "user");
  assert.equal("scope" in notion, false);
});

Deno.test("normalizeScope() splits on spaces and commas and drops empties", () => {
  assert.equal(normalizeScope(" a,,b  c ", "+"), "a+b+c");
  assert.equal(normalizeScope("", " "), "");
});
