import assert from "node:assert/strict";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import {
  discoveryUrl,
  loadCustomProviders,
  parseCustomProviders,
  pickClientAuth,
} from "../../providers/custom.ts";
import { createRegistry } from "../../providers/registry.ts";
import { resolveProviderSettings } from "../../providers/settings.ts";

const BASE = {
  name: "acme",
  type: "oauth2",
  authorizeUrl: "https://acme.example/oauth/authorize",
  tokenUrl: "https://acme.example/oauth/token",
};

function entry(extra: Record<string, unknown>): string {
  return JSON.stringify([{ ...BASE, ...extra }]);
}

function assertRejects(text: string, message: string, code: string = ERROR_CODES.INVALID_REQUEST) {
  assert.throws(
    () => parseCustomProviders(text),
    (error: unknown) => {
      assert.ok(error instanceof ClawauthError, `expected ClawauthError, got ${error}`);
      assert.equal(error.code, code);
      assert.equal(error.message, message);
      return true;
    },
  );
}

const MALFORMED: [string, string, string][] = [
  [
    "top level not a list",
    JSON.stringify({ foo: 1 }),
    'provider config must be an array of providers or { "providers": [...] }: got object',
  ],
  ["entry not an object", JSON.stringify([1]), "providers[0] must be an object: got number"],
  [
    "unknown field",
    entry({ clientid: "x" }),
    "providers[0].clientid is not a known field (allowed: name, displayName, type, issuer, authorizeUrl, tokenUrl, refreshUrl, userinfoUrl, clientId, clientSecret, redirectUri, clientAuth, pkce, scopes, scopeSeparator, scopeParam, authorizeParams, tokenHeaders, tokenBody, tokenResponse, errorShape, refresh, identity, consentParams, revoke, api, toolEnv)",
  ],
  [
    "identity without a source",
    entry({ identity: { id: "sub" } }),
    'providers[0].identity (acme).source must be "userinfo" or "token_response": got undefined',
  ],
  [
    "identity path with a space",
    entry({ identity: { source: "userinfo", id: "a b" } }),
    'providers[0].identity (acme).id must be a dot path such as "user.id": got "a b"',
  ],
  [
    "revoke over plain http",
    entry({ revoke: { url: "http://acme.example/revoke" } }),
    'providers[0].revoke (acme).url must be an https URL (http only on loopback): got "http://acme.example/revoke"',
  ],
  [
    "api setting Authorization",
    entry({ api: { baseUrl: "https://api.acme.example", headers: { Authorization: "x" } } }),
    "providers[0].api (acme).headers.Authorization (providers[0].api (acme)) is set by clawauth and cannot be configured",
  ],
  [
    "toolEnv lower case",
    entry({ toolEnv: ["acme_token"] }),
    'providers[0].toolEnv (acme) must be an array of environment names ([A-Z][A-Z0-9_]*): got ["acme_token"]',
  ],
  [
    "name missing",
    JSON.stringify([{ type: "oauth2" }]),
    "providers[0].name must be a string: got undefined",
  ],
  ["name not a string", entry({ name: 5 }), "providers[0].name must be a string: got number"],
  [
    "name with bad characters",
    entry({ name: "Acme Co" }),
    'providers[0].name must be 1 to 64 characters of [a-z0-9_-]: got "Acme Co"',
  ],
  [
    "name too long",
    entry({ name: "a".repeat(65) }),
    `providers[0].name must be 1 to 64 characters of [a-z0-9_-]: got "${"a".repeat(65)}"`,
  ],
  [
    "name reserved",
    entry({ name: "callback" }),
    'providers[0].name "callback" is reserved (it would collide with a server route)',
  ],
  [
    "type missing",
    entry({ type: undefined }),
    'providers[0].type (acme) must be "oauth2" or "oidc": got undefined',
  ],
  [
    "type unknown",
    entry({ type: "saml" }),
    'providers[0].type (acme) must be "oauth2" or "oidc": got "saml"',
  ],
  [
    "displayName empty",
    entry({ displayName: "" }),
    'providers[0].displayName (acme) must be a non-empty string: got ""',
  ],
  [
    "oidc without issuer",
    JSON.stringify([{ name: "idp", type: "oidc" }]),
    'providers[0].issuer (idp) is required when type is "oidc"',
  ],
  [
    "issuer on oauth2",
    entry({ issuer: "https://idp.example" }),
    'providers[0].issuer (acme) is only allowed when type is "oidc"',
  ],
  [
    "oauth2 without authorizeUrl",
    entry({ authorizeUrl: undefined }),
    'providers[0].authorizeUrl (acme) is required when type is "oauth2"',
  ],
  [
    "oauth2 without tokenUrl",
    entry({ tokenUrl: undefined }),
    'providers[0].tokenUrl (acme) is required when type is "oauth2"',
  ],
  [
    "plain http endpoint",
    entry({ tokenUrl: "http://acme.example/token" }),
    'providers[0].tokenUrl (acme) must be an absolute https URL (http only on loopback), without credentials or fragment: got "http://acme.example/token"',
  ],
  [
    "relative endpoint",
    entry({ authorizeUrl: "/oauth/authorize" }),
    'providers[0].authorizeUrl (acme) must be an absolute https URL (http only on loopback), without credentials or fragment: got "/oauth/authorize"',
  ],
  [
    "endpoint with credentials",
    entry({ refreshUrl: "https://user:pw@acme.example/refresh" }),
    'providers[0].refreshUrl (acme) must be an absolute https URL (http only on loopback), without credentials or fragment: got "https://user:pw@acme.example/refresh"',
  ],
  [
    "userinfoUrl not a string",
    entry({ userinfoUrl: 1 }),
    "providers[0].userinfoUrl (acme) must be a non-empty string: got 1",
  ],
  [
    "redirectUri with fragment",
    entry({ redirectUri: "https://auth.example/callback#x" }),
    'providers[0].redirectUri (acme) must be an absolute https URL (http only on loopback), without credentials or fragment: got "https://auth.example/callback#x"',
  ],
  [
    "clientId empty",
    entry({ clientId: "" }),
    "providers[0].clientId (acme) must be a non-empty string: got string",
  ],
  [
    "clientSecret not a string",
    entry({ clientSecret: 42 }),
    "providers[0].clientSecret (acme) must be a non-empty string: got number",
  ],
  [
    "clientAuth with an OIDC method name",
    entry({ clientAuth: "client_secret_basic" }),
    'providers[0].clientAuth (acme) must be one of basic, body, none: got "client_secret_basic"',
  ],
  [
    "pkce boolean",
    entry({ pkce: true }),
    "providers[0].pkce (acme) must be one of required, supported, none: got true",
  ],
  [
    "public client without PKCE",
    entry({ clientAuth: "none", pkce: "none" }),
    'providers[0].pkce (acme) must not be "none" when clientAuth is "none" (a public client needs PKCE)',
  ],
  [
    "tokenResponse unknown",
    entry({ tokenResponse: "xml" }),
    'providers[0].tokenResponse (acme) must be one of oauth2, github, slack: got "xml"',
  ],
  [
    "scopes a string",
    entry({ scopes: "read" }),
    "providers[0].scopes (acme) must be an array of strings: got string",
  ],
  [
    "scope with a space",
    entry({ scopes: ["read write"] }),
    'providers[0].scopes[0] (acme) must be a non-empty scope token without spaces or quotes: got "read write"',
  ],
  [
    "scopeSeparator empty",
    entry({ scopeSeparator: "" }),
    'providers[0].scopeSeparator (acme) must be a string of 1 to 3 characters: got ""',
  ],
  [
    "scopeParam a core parameter",
    entry({ scopeParam: "state" }),
    'providers[0].scopeParam (acme) must be a parameter name of [A-Za-z0-9_.-] other than the core authorize parameters: got "state"',
  ],
  [
    "authorizeParams not an object",
    entry({ authorizeParams: ["prompt=consent"] }),
    "providers[0].authorizeParams (acme) must be an object of strings: got array",
  ],
  [
    "authorizeParams value not a string",
    entry({ authorizeParams: { prompt: 1 } }),
    "providers[0].authorizeParams.prompt (acme) must be a string: got number",
  ],
  [
    "authorizeParams overriding a core parameter",
    entry({ authorizeParams: { redirect_uri: "https://evil.example" } }),
    "providers[0].authorizeParams.redirect_uri (acme) is set by clawauth and cannot be configured",
  ],
  [
    "tokenHeaders setting authorization",
    entry({ tokenHeaders: { Authorization: "Bearer x" } }),
    "providers[0].tokenHeaders.Authorization (acme) is set by clawauth and cannot be configured",
  ],
  [
    "tokenHeaders with a bad header name",
    entry({ tokenHeaders: { "bad header": "x" } }),
    "providers[0].tokenHeaders.bad header (acme) is not a valid header name",
  ],
  [
    "refresh a string",
    entry({ refresh: "yes" }),
    'providers[0].refresh (acme) must be a boolean or { "supported": boolean, "rotates"?: boolean }: got "yes"',
  ],
  [
    "refresh object with a wrong field",
    entry({ refresh: { supported: true, rotate: true } }),
    'providers[0].refresh (acme) must be a boolean or { "supported": boolean, "rotates"?: boolean }: got {"supported":true,"rotate":true}',
  ],
  [
    "duplicate names",
    JSON.stringify([BASE, { ...BASE, displayName: "Again" }]),
    'providers[1].name "acme" is defined more than once',
  ],
];

for (const [label, text, message] of MALFORMED) {
  Deno.test(`parseCustomProviders() rejects: ${label}`, () => {
    assertRejects(text, message);
  });
}

Deno.test("parseCustomProviders() rejects text that is not JSON, naming it", () => {
  assert.throws(() => parseCustomProviders("{"), (error: unknown) => {
    assert.ok(error instanceof ClawauthError);
    assert.equal(error.code, ERROR_CODES.INVALID_REQUEST);
    assert.match(error.message, /^provider config is not valid JSON: /);
    return true;
  });
});

Deno.test("parseCustomProviders() reports the index of the bad entry", () => {
  assertRejects(
    JSON.stringify([BASE, { ...BASE, name: "second", pkce: "maybe" }]),
    'providers[1].pkce (second) must be one of required, supported, none: got "maybe"',
  );
});

Deno.test("parseCustomProviders() accepts an array or { providers: [...] } with every field", () => {
  const full = {
    ...BASE,
    displayName: "Acme",
    refreshUrl: "https://acme.example/oauth/refresh",
    userinfoUrl: "https://api.acme.example/me",
    clientId: "cid",
    clientSecret: "csecret",
    redirectUri: "http://127.0.0.1:8787/callback",
    clientAuth: "body",
    pkce: "required",
    scopes: ["read", "write:all"],
    scopeSeparator: ",",
    scopeParam: "user_scope",
    authorizeParams: { prompt: "consent" },
    tokenHeaders: { "x-api-version": "2" },
    tokenResponse: "github",
    refresh: { supported: true, rotates: true },
  };
  const expected = [{ ...full, refresh: { supported: true, rotates: true } }];
  assert.deepEqual(parseCustomProviders(JSON.stringify([full])), expected);
  assert.deepEqual(parseCustomProviders(JSON.stringify({ providers: [full] })), expected);
  assert.deepEqual(parseCustomProviders("[]"), []);
  assert.deepEqual(parseCustomProviders(entry({ refresh: false }))[0].refresh, {
    supported: false,
  });
});

Deno.test("loadCustomProviders() returns nothing when neither variable is set", async () => {
  assert.deepEqual(await loadCustomProviders({ env: {} }), { specs: [], overrides: {} });
  assert.deepEqual(await loadCustomProviders({ env: { CLAWAUTH_PROVIDERS: "  " } }), {
    specs: [],
    overrides: {},
  });
});

Deno.test("loadCustomProviders() refuses both variables at once", async () => {
  await assert.rejects(
    loadCustomProviders({
      env: { CLAWAUTH_PROVIDERS: "[]", CLAWAUTH_PROVIDERS_FILE: "/tmp/providers.json" },
    }),
    (error: unknown) => {
      assert.ok(error instanceof ClawauthError);
      assert.equal(error.code, ERROR_CODES.SERVER_MISCONFIGURED);
      assert.equal(error.message, "set only one of CLAWAUTH_PROVIDERS and CLAWAUTH_PROVIDERS_FILE");
      return true;
    },
  );
});

Deno.test("loadCustomProviders() builds an oauth2 spec with defaults and settings overrides", async () => {
  const { specs, overrides } = await loadCustomProviders({
    env: {
      CLAWAUTH_PROVIDERS: JSON.stringify([{
        ...BASE,
        clientId: "cid",
        clientSecret: "csecret",
        scopes: ["read"],
      }]),
    },
  });
  assert.deepEqual(specs, [{
    name: "acme",
    displayName: "acme",
    authorizeUrl: "https://acme.example/oauth/authorize",
    tokenUrl: "https://acme.example/oauth/token",
    clientAuth: "basic",
    pkce: "none",
    scopeSeparator: " ",
    defaultScopes: ["read"],
    tokenResponse: "oauth2",
    refresh: { supported: true },
    registerUrl: "https://acme.example",
    docs: [],
    source: "custom",
    notes: 'refresh support assumed (set "refresh" in the provider config to say otherwise)',
  }]);
  assert.deepEqual(overrides, { acme: { clientId: "cid", clientSecret: "csecret" } });
  const resolved = resolveProviderSettings(specs[0], {
    env: { ACME_CLIENT_SECRET: "from-env" },
    origin: "https://auth.example",
    overrides: overrides.acme,
  });
  assert.deepEqual(resolved, {
    ok: true,
    settings: {
      clientId: "cid",
      clientSecret: "from-env",
      redirectUri: "https://auth.example/callback",
      authorizeUrl: "https://acme.example/oauth/authorize",
      tokenUrl: "https://acme.example/oauth/token",
    },
  });
});

Deno.test("loadCustomProviders() reads CLAWAUTH_PROVIDERS_FILE and can replace a builtin", async () => {
  const paths: string[] = [];
  const { specs } = await loadCustomProviders({
    env: { CLAWAUTH_PROVIDERS_FILE: "/etc/clawauth/providers.json" },
    readTextFile: (path) => {
      paths.push(path);
      return Promise.resolve(JSON.stringify({ providers: [{ ...BASE, name: "github" }] }));
    },
  });
  assert.deepEqual(paths, ["/etc/clawauth/providers.json"]);
  const registry = createRegistry(specs);
  assert.equal(registry.get("github")?.source, "custom");
  assert.equal(registry.get("github")?.tokenUrl, "https://acme.example/oauth/token");
});

Deno.test("loadCustomProviders() reads a real file from disk", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/providers.json`;
    await Deno.writeTextFile(path, JSON.stringify([BASE]));
    const { specs } = await loadCustomProviders({ env: { CLAWAUTH_PROVIDERS_FILE: path } });
    assert.deepEqual(specs.map((spec) => spec.name), ["acme"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadCustomProviders() names the file it cannot read", async () => {
  await assert.rejects(
    loadCustomProviders({
      env: { CLAWAUTH_PROVIDERS_FILE: "/nonexistent/providers.json" },
      readTextFile: () => Promise.reject(new Error("No such file or directory")),
    }),
    (error: unknown) => {
      assert.ok(error instanceof ClawauthError);
      assert.equal(error.code, ERROR_CODES.SERVER_MISCONFIGURED);
      assert.equal(
        error.message,
        'CLAWAUTH_PROVIDERS_FILE: cannot read "/nonexistent/providers.json": No such file or directory',
      );
      return true;
    },
  );
});

Deno.test("discoveryUrl() appends the well-known path once", () => {
  assert.equal(
    discoveryUrl("https://idp.example/tenant/"),
    "https://idp.example/tenant/.well-known/openid-configuration",
  );
  assert.equal(
    discoveryUrl("https://idp.example"),
    "https://idp.example/.well-known/openid-configuration",
  );
});

Deno.test("pickClientAuth() prefers basic, then post, then none", () => {
  assert.equal(pickClientAuth(undefined), "basic");
  assert.equal(pickClientAuth(["client_secret_post", "client_secret_basic"]), "basic");
  assert.equal(pickClientAuth(["private_key_jwt", "client_secret_post"]), "body");
  assert.equal(pickClientAuth(["none"]), "none");
  assert.equal(pickClientAuth(["private_key_jwt"]), undefined);
});

/** A real discovery server on 127.0.0.1: `/<tenant>/.well-known/openid-configuration`. */
function startIssuer(documents: Record<string, (issuer: string) => Response>) {
  const requested: string[] = [];
  const server: Deno.HttpServer<Deno.NetAddr> = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
  }, (request): Response => {
    const url = new URL(request.url);
    const path = url.pathname;
    requested.push(path);
    const match = path.match(/^\/([^/]+)\/\.well-known\/openid-configuration$/);
    const make = match ? documents[match[1]] : undefined;
    if (!make) return new Response("not found", { status: 404 });
    return make(`${url.origin}/${match![1]}`);
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  return { origin, requested, close: () => server.shutdown() };
}

function metadata(issuer: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/me`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ["code"],
    ...extra,
  });
}

Deno.test("loadCustomProviders() completes OIDC providers from their discovery documents", async () => {
  const issuer = startIssuer({
    basic: (iss) =>
      metadata(iss, {
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        code_challenge_methods_supported: ["S256"],
        grant_types_supported: ["authorization_code", "refresh_token"],
        revocation_endpoint: `${iss}/revoke`,
        authorization_response_iss_parameter_supported: true,
      }),
    post: (iss) =>
      metadata(iss, {
        token_endpoint_auth_methods_supported: ["client_secret_post"],
        code_challenge_methods_supported: ["plain"],
      }),
    bare: (iss) => metadata(iss),
  });
  try {
    const { specs, overrides } = await loadCustomProviders({
      env: {
        CLAWAUTH_PROVIDERS: JSON.stringify([
          {
            name: "demo",
            type: "oidc",
            issuer: `${issuer.origin}/basic`,
            clientId: "demo-client",
            clientSecret: "demo-secret",
            scopes: ["openid", "offline_access"],
            authorizeParams: { prompt: "consent" },
          },
          { name: "post", type: "oidc", issuer: `${issuer.origin}/post` },
          { name: "bare", type: "oidc", issuer: `${issuer.origin}/bare`, displayName: "Bare IdP" },
        ]),
      },
    });
    const [demo, post, bare] = specs;
    assert.deepEqual(demo, {
      name: "demo",
      displayName: "demo",
      authorizeUrl: `${issuer.origin}/basic/auth`,
      tokenUrl: `${issuer.origin}/basic/token`,
      userinfoUrl: `${issuer.origin}/basic/me`,
      clientAuth: "basic",
      pkce: "supported",
      scopeSeparator: " ",
      defaultScopes: ["openid", "offline_access"],
      authorizeParams: { prompt: "consent" },
      tokenResponse: "oauth2",
      refresh: { supported: true },
      registerUrl: `${issuer.origin}/basic`,
      docs: [`${issuer.origin}/basic/.well-known/openid-configuration`],
      source: "custom",
      issuer: `${issuer.origin}/basic`,
      issuerInResponse: true,
      identity: {
        source: "userinfo",
        id: "sub",
        login: "preferred_username",
        email: "email",
        name: "name",
      },
      consentParams: { prompt: "consent" },
      revoke: {
        url: `${issuer.origin}/basic/revoke`,
        style: "rfc7009",
        clientAuth: "basic",
        token: "refresh_token",
      },
    });
    assert.equal(post.revoke, undefined);
    assert.equal(post.issuerInResponse, undefined);
    assert.equal(post.clientAuth, "body");
    assert.equal(post.pkce, "none");
    assert.deepEqual(post.refresh, { supported: false });
    assert.deepEqual(post.defaultScopes, ["openid"]);
    assert.equal(bare.clientAuth, "basic");
    assert.equal(bare.pkce, "none");
    assert.equal(bare.displayName, "Bare IdP");
    assert.deepEqual(overrides, {
      demo: { clientId: "demo-client", clientSecret: "demo-secret" },
      post: {},
      bare: {},
    });
    assert.deepEqual(issuer.requested, [
      "/basic/.well-known/openid-configuration",
      "/post/.well-known/openid-configuration",
      "/bare/.well-known/openid-configuration",
    ]);
  } finally {
    await issuer.close();
  }
});

Deno.test("loadCustomProviders() lets explicit fields win over discovery", async () => {
  const issuer = startIssuer({
    t: (iss) =>
      metadata(iss, {
        token_endpoint_auth_methods_supported: ["client_secret_basic"],
        code_challenge_methods_supported: ["S256"],
      }),
  });
  try {
    const { specs } = await loadCustomProviders({
      env: {
        CLAWAUTH_PROVIDERS: JSON.stringify([{
          name: "t",
          type: "oidc",
          issuer: `${issuer.origin}/t`,
          clientAuth: "body",
          pkce: "required",
          tokenUrl: `${issuer.origin}/t/other-token`,
          refresh: { supported: true, rotates: true },
        }]),
      },
    });
    assert.equal(specs[0].clientAuth, "body");
    assert.equal(specs[0].pkce, "required");
    assert.equal(specs[0].tokenUrl, `${issuer.origin}/t/other-token`);
    assert.equal(specs[0].authorizeUrl, `${issuer.origin}/t/auth`);
    assert.deepEqual(specs[0].refresh, { supported: true, rotates: true });
  } finally {
    await issuer.close();
  }
});

interface DiscoveryFailure {
  label: string;
  document: (issuer: string) => Response;
  message: (issuer: string) => string;
}

const DISCOVERY_FAILURES: DiscoveryFailure[] = [
  {
    label: "an issuer that does not match",
    document: (iss) => metadata(`${iss}/other`),
    message: (iss) =>
      `provider "x": OIDC discovery at ${iss}/.well-known/openid-configuration: document 'issuer' "${iss}/other" does not match the configured issuer "${iss}"`,
  },
  {
    label: "a non-200 answer",
    document: () => new Response("nope", { status: 500 }),
    message: (iss) =>
      `provider "x": OIDC discovery at ${iss}/.well-known/openid-configuration answered HTTP 500, expected 200`,
  },
  {
    label: "a body that is not JSON",
    document: () => new Response("<html>", { headers: { "content-type": "text/html" } }),
    message: (iss) =>
      `provider "x": OIDC discovery at ${iss}/.well-known/openid-configuration did not return JSON`,
  },
  {
    label: "a token endpoint that is not https",
    document: (iss) => metadata(iss, { token_endpoint: "http://idp.example/token" }),
    message: (iss) =>
      `provider "x": OIDC discovery at ${iss}/.well-known/openid-configuration: 'token_endpoint' must be an https URL (http only on loopback): got "http://idp.example/token"`,
  },
  {
    label: "no usable client authentication",
    document: (iss) =>
      metadata(iss, { token_endpoint_auth_methods_supported: ["private_key_jwt"] }),
    message: () =>
      'provider "x": the issuer supports none of client_secret_basic, client_secret_post, none (token_endpoint_auth_methods_supported: ["private_key_jwt"]); set "clientAuth" explicitly',
  },
  {
    label: "a malformed methods list",
    document: (iss) => metadata(iss, { code_challenge_methods_supported: "S256" }),
    message: (iss) =>
      `provider "x": OIDC discovery at ${iss}/.well-known/openid-configuration: 'code_challenge_methods_supported' must be an array of strings`,
  },
];

for (const row of DISCOVERY_FAILURES) {
  Deno.test(`loadCustomProviders() refuses a discovery document with ${row.label}`, async () => {
    const issuer = startIssuer({ x: row.document });
    const iss = `${issuer.origin}/x`;
    try {
      await assert.rejects(
        loadCustomProviders({
          env: { CLAWAUTH_PROVIDERS: JSON.stringify([{ name: "x", type: "oidc", issuer: iss }]) },
        }),
        (error: unknown) => {
          assert.ok(error instanceof ClawauthError);
          assert.equal(error.code, ERROR_CODES.SERVER_MISCONFIGURED);
          assert.equal(error.message, row.message(iss));
          return true;
        },
      );
    } finally {
      await issuer.close();
    }
  });
}

Deno.test("loadCustomProviders() reports an unreachable issuer", async () => {
  const issuer = startIssuer({});
  const iss = `${issuer.origin}/gone`;
  await issuer.close();
  await assert.rejects(
    loadCustomProviders({
      env: { CLAWAUTH_PROVIDERS: JSON.stringify([{ name: "gone", type: "oidc", issuer: iss }]) },
    }),
    (error: unknown) => {
      assert.ok(error instanceof ClawauthError);
      assert.equal(error.code, ERROR_CODES.SERVER_MISCONFIGURED);
      assert.ok(
        error.message.startsWith(
          `provider "gone": OIDC discovery at ${iss}/.well-known/openid-configuration failed: `,
        ),
        error.message,
      );
      return true;
    },
  );
});

Deno.test("loadCustomProviders() takes tokenBody and errorShape, and refuses a malformed errorShape", async () => {
  const { loadCustomProviders } = await import("../../providers/custom.ts");
  const entry = {
    name: "acme",
    type: "oauth2",
    authorizeUrl: "https://acme.example/authorize",
    tokenUrl: "https://acme.example/token",
    clientId: "c",
    clientSecret: "s",
    tokenBody: "json",
    errorShape: { codeField: "code", invalidGrant: ["Token revoked"] },
  };
  const loaded = await loadCustomProviders({
    env: { CLAWAUTH_PROVIDERS: JSON.stringify([entry]) },
  });
  const spec = loaded.specs[0];
  assert.equal(spec.tokenBody, "json");
  assert.deepEqual(spec.errorShape, { codeField: "code", invalidGrant: ["Token revoked"] });
  for (const errorShape of [{ codeField: "a b" }, { invalidGrant: "x" }, { other: 1 }]) {
    await assert.rejects(
      loadCustomProviders({
        env: { CLAWAUTH_PROVIDERS: JSON.stringify([{ ...entry, errorShape }]) },
      }),
      /errorShape/,
    );
  }
  await assert.rejects(
    loadCustomProviders({
      env: { CLAWAUTH_PROVIDERS: JSON.stringify([{ ...entry, tokenBody: "xml" }]) },
    }),
    /tokenBody/,
  );
});
