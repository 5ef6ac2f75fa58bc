import assert from "node:assert/strict";
import { revokeToken } from "../../providers/revoke.ts";
import type { ProviderSettings, ProviderSpec, RevokeSpec } from "../../providers/types.ts";

interface Seen {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

function startEndpoint(respond: () => Response) {
  const seen: Seen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      seen.push({
        method: request.method,
        path: url.pathname,
        headers: request.headers,
        body: await request.text(),
      });
      return respond();
    },
  );
  return { seen, origin: `http://127.0.0.1:${server.addr.port}`, server };
}

function setup(revoke: RevokeSpec | undefined): { spec: ProviderSpec; settings: ProviderSettings } {
  const settings: ProviderSettings = {
    clientId: "cid",
    clientSecret: "csecret",
    redirectUri: "https://clawauth.example/callback/idp",
    authorizeUrl: "https://idp.example/auth",
    tokenUrl: "https://idp.example/token",
  };
  const spec: ProviderSpec = {
    name: "idp",
    displayName: "IdP",
    authorizeUrl: settings.authorizeUrl,
    tokenUrl: settings.tokenUrl,
    clientAuth: "basic",
    pkce: "supported",
    scopeSeparator: " ",
    defaultScopes: [],
    tokenResponse: "oauth2",
    refresh: { supported: true },
    registerUrl: "https://idp.example",
    docs: [],
  };
  if (revoke) spec.revoke = revoke;
  return { spec, settings };
}

Deno.test("revokeToken() sends RFC 7009 form with the refresh token and Basic auth", async () => {
  const endpoint = startEndpoint(() => new Response(null, { status: 200 }));
  try {
    const { spec, settings } = setup({
      url: `${endpoint.origin}/revoke`,
      style: "rfc7009",
      clientAuth: "basic",
      token: "refresh_token",
    });
    const result = await revokeToken({ spec, settings, accessToken: "at", refreshToken: "rt" });
    assert.deepEqual(result, { ok: true });
    const [request] = endpoint.seen;
    assert.equal(request.method, "POST");
    assert.equal(request.body, "token=rt&token_type_hint=refresh_token");
    assert.equal(request.headers.get("authorization"), `Basic ${btoa("cid:csecret")}`);
  } finally {
    await endpoint.server.shutdown();
  }
});

Deno.test("revokeToken() deletes a GitHub grant with the access token in JSON", async () => {
  const endpoint = startEndpoint(() => new Response(null, { status: 204 }));
  try {
    const { spec, settings } = setup({
      url: `${endpoint.origin}/applications/{client_id}/grant`,
      style: "github",
      clientAuth: "basic",
      token: "access_token",
    });
    assert.deepEqual(await revokeToken({ spec, settings, accessToken: "gho_x" }), { ok: true });
    const [request] = endpoint.seen;
    assert.equal(request.method, "DELETE");
    assert.equal(request.path, "/applications/cid/grant");
    assert.deepEqual(JSON.parse(request.body), { access_token: "gho_x" });
  } finally {
    await endpoint.server.shutdown();
  }
});

Deno.test("revokeToken() treats Slack's ok:false as a refusal and 503 as transient", async () => {
  let status = 200;
  const endpoint = startEndpoint(() =>
    status === 200
      ? Response.json({ ok: false, error: "invalid_auth" })
      : new Response("", { status })
  );
  try {
    const { spec, settings } = setup({
      url: `${endpoint.origin}/api/auth.revoke`,
      style: "bearer",
      clientAuth: "none",
      token: "access_token",
    });
    const refused = await revokeToken({ spec, settings, accessToken: "xoxp" });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.transient, false);
    assert.equal(endpoint.seen[0].headers.get("authorization"), "Bearer xoxp");
    status = 503;
    const down = await revokeToken({ spec, settings, accessToken: "xoxp" });
    assert.equal(!down.ok && down.transient, true);
  } finally {
    await endpoint.server.shutdown();
  }
});

Deno.test("revokeToken() says when a provider has no revocation", async () => {
  const { spec, settings } = setup(undefined);
  const result = await revokeToken({ spec, settings, accessToken: "at" });
  assert.equal(!result.ok && result.error, "unsupported");
});
