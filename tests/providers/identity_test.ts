import assert from "node:assert/strict";
import { extractIdentity, fetchIdentity, readPath } from "../../providers/identity.ts";
import type { ProviderSettings, ProviderSpec } from "../../providers/types.ts";

const SETTINGS: ProviderSettings = {
  clientId: "id",
  clientSecret: "secret",
  redirectUri: "https://clawauth.example/callback",
  authorizeUrl: "https://idp.example/auth",
  tokenUrl: "https://idp.example/token",
};

function spec(extra: Partial<ProviderSpec>): ProviderSpec {
  return {
    name: "idp",
    displayName: "IdP",
    authorizeUrl: SETTINGS.authorizeUrl,
    tokenUrl: SETTINGS.tokenUrl,
    clientAuth: "basic",
    pkce: "supported",
    scopeSeparator: " ",
    defaultScopes: [],
    tokenResponse: "oauth2",
    refresh: { supported: true },
    registerUrl: "https://idp.example",
    docs: [],
    ...extra,
  };
}

Deno.test("readPath() walks objects and arrays, and never the prototype", () => {
  const value = { owner: { user: { id: "u1" } }, data: [{ id: 7 }] };
  assert.equal(readPath(value, "owner.user.id"), "u1");
  assert.equal(readPath(value, "data.0.id"), 7);
  assert.equal(readPath(value, "owner.missing.id"), undefined);
  assert.equal(readPath(value, "constructor"), undefined);
  assert.equal(readPath({}, "__proto__"), undefined);
});

Deno.test("extractIdentity() keeps integer ids as strings and strips control characters", () => {
  const identity = extractIdentity(
    { source: "userinfo", id: "id", login: "login", name: "name", email: "email" },
    { id: 583231, login: "octo\ncat\u0007", name: "x".repeat(500), email: 42.5 },
  );
  assert.deepEqual(identity, { id: "583231", login: "octocat", name: "x".repeat(200) });
  assert.equal(extractIdentity({ source: "userinfo", id: "id" }, { id: { nested: 1 } }), undefined);
});

Deno.test("fetchIdentity() sends the access token as Bearer with the spec's headers", async () => {
  const seen: Headers[] = [];
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => {
      seen.push(request.headers);
      return Response.json({ bot: { owner: { user: { id: "n-1", name: "Ada" } } } });
    },
  );
  const result = await fetchIdentity({
    spec: spec({
      userinfoUrl: `http://127.0.0.1:${server.addr.port}/me`,
      identity: {
        source: "userinfo",
        id: "bot.owner.user.id",
        name: "bot.owner.user.name",
        headers: { "Notion-Version": "2022-06-28" },
      },
    }),
    settings: SETTINGS,
    tokenData: { access_token: "at-1" },
  });
  assert.deepEqual(result, { ok: true, identity: { id: "n-1", name: "Ada" } });
  assert.equal(seen[0].get("authorization"), "Bearer at-1");
  assert.equal(seen[0].get("notion-version"), "2022-06-28");
});

Deno.test("fetchIdentity() reads token-response identities without a request", async () => {
  const result = await fetchIdentity({
    spec: spec({ identity: { source: "token_response", id: "authed_user.id" } }),
    settings: SETTINGS,
    tokenData: { access_token: "x", authed_user: { id: "U1" } },
    fetch: () => Promise.reject(new Error("must not fetch")),
  });
  assert.deepEqual(result, { ok: true, identity: { id: "U1" } });
});

Deno.test("fetchIdentity() reports a failing or oversized endpoint without its text", async () => {
  let answer = () => new Response("SYSTEM NOTE TO AGENT", { status: 500 });
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => answer(),
  );
  const options = {
    spec: spec({ userinfoUrl: `http://127.0.0.1:${server.addr.port}/me` }),
    settings: SETTINGS,
    tokenData: { access_token: "at" },
  };
  assert.deepEqual(await fetchIdentity(options), {
    ok: false,
    reason: "the identity endpoint answered HTTP 500",
  });
  answer = () => Response.json({ sub: "s", pad: "x".repeat(70_000) });
  assert.deepEqual(await fetchIdentity(options), {
    ok: false,
    reason: "the identity answer is too large",
  });
});
