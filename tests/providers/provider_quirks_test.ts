// The builtin registry's per-provider behaviour in the provider functions: refused refreshes in
// each provider's own error shape mean invalid_grant (log in again, never transient), consent
// parameters, PKCE per registry, JSON token bodies, Twitch's Client-Id identity header and
// Notion's JSON revocation.

import assert from "node:assert/strict";
import { buildAuthorizeUrl, pkceApplies } from "../../providers/authorize_url.ts";
import { fetchIdentity } from "../../providers/identity.ts";
import { createRegistry } from "../../providers/registry.ts";
import { revokeToken } from "../../providers/revoke.ts";
import { tokenRequest } from "../../providers/token_request.ts";
import { processTokenResponse } from "../../providers/token_response.ts";
import type { ProviderSettings, ProviderSpec } from "../../providers/types.ts";

const registry = createRegistry();
const get = (name: string): ProviderSpec => registry.get(name)!;
const SETTINGS: ProviderSettings = {
  clientId: "cid",
  clientSecret: "csecret",
  redirectUri: "https://auth.example/callback",
  authorizeUrl: "https://idp.example/authorize",
  tokenUrl: "https://idp.example/token",
};

function json(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

for (
  const [provider, status, body] of [
    ["notion", 400, { object: "error", status: 400, code: "invalid_grant", message: "Invalid." }],
    ["twitch", 400, { error: "Bad Request", status: 400, message: "Invalid refresh token" }],
    ["github", 200, { error: "bad_refresh_token", error_description: "incorrect or expired" }],
    ["slack", 200, { ok: false, error: "invalid_refresh_token" }],
    ["trello", 403, {
      error: "unauthorized_client",
      error_description: "refresh_token is invalid",
    }],
  ] as const
) {
  Deno.test(`processTokenResponse() reads ${provider}'s refused refresh as invalid_grant`, async () => {
    const result = await processTokenResponse(get(provider), json(body, status));
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error, "invalid_grant");
      assert.equal(result.transient, false);
    }
  });
}

Deno.test("processTokenResponse() keeps other Twitch and Notion errors as they are", async () => {
  const twitch = await processTokenResponse(
    get("twitch"),
    json({ error: "Bad Request", status: 400, message: "Invalid client secret" }, 400),
  );
  assert.equal(twitch.ok ? "" : twitch.error, "Bad Request");
  const notion = await processTokenResponse(
    get("notion"),
    json({ object: "error", status: 401, code: "unauthorized", message: "x" }, 401),
  );
  assert.equal(notion.ok ? "" : notion.error, "unauthorized");
});

Deno.test("buildAuthorizeUrl() sends the consent parameters unless forceConsent is false", () => {
  const cases: Record<string, Record<string, string>> = {
    twitch: { force_verify: "true" },
    spotify: { show_dialog: "true" },
    dropbox: { force_reapprove: "true" },
    discord: { prompt: "consent" },
    linear: { prompt: "consent" },
    trello: { prompt: "consent" },
  };
  for (const [name, params] of Object.entries(cases)) {
    const on = new URL(buildAuthorizeUrl(get(name), SETTINGS, { state: "s" })).searchParams;
    const off = new URL(
      buildAuthorizeUrl(get(name), SETTINGS, { state: "s", forceConsent: false }),
    ).searchParams;
    for (const [key, value] of Object.entries(params)) {
      assert.equal(on.get(key), value, `${name} ${key}`);
      assert.equal(off.has(key), false, `${name} ${key} without forceConsent`);
    }
  }
});

Deno.test("buildAuthorizeUrl() and tokenRequest() leave PKCE out for Slack's confidential app", async () => {
  const slack = get("slack");
  assert.equal(pkceApplies(slack), false);
  assert.equal(pkceApplies({ ...slack, clientAuth: "none" }), true);
  const url = new URL(
    buildAuthorizeUrl(slack, SETTINGS, { state: "s", codeChallenge: "c".repeat(43) }),
  );
  assert.equal(url.searchParams.has("code_challenge"), false);
  assert.equal(url.searchParams.has("code_challenge_method"), false);
  let sent = "";
  await tokenRequest(slack, SETTINGS, {
    type: "authorization_code",
    code: "code-1",
    codeVerifier: "v".repeat(43),
  }, {
    fetch: (_url, init) => {
      sent = String(init?.body);
      return Promise.resolve(
        json({ ok: true, authed_user: { id: "U1", access_token: "xoxp-1" } }, 200),
      );
    },
  });
  assert.ok(sent.includes("code=code-1"));
  assert.equal(sent.includes("code_verifier"), false);
  const github = new URL(
    buildAuthorizeUrl(get("github"), SETTINGS, { state: "s", codeChallenge: "c".repeat(43) }),
  );
  assert.equal(github.searchParams.get("code_challenge_method"), "S256");
});

Deno.test("tokenRequest() sends a JSON body with HTTP Basic to Notion", async () => {
  let request: Request | undefined;
  const result = await tokenRequest(get("notion"), SETTINGS, {
    type: "refresh_token",
    refreshToken: "rt-1",
  }, {
    fetch: (url, init) => {
      request = new Request(url, init);
      return Promise.resolve(
        json({ access_token: "at-2", token_type: "bearer", refresh_token: "rt-2" }, 200),
      );
    },
  });
  assert.ok(result.ok);
  assert.equal(request!.headers.get("content-type"), "application/json");
  assert.match(request!.headers.get("authorization")!, /^Basic /);
  assert.deepEqual(await request!.json(), { grant_type: "refresh_token", refresh_token: "rt-1" });
});

Deno.test("tokenRequest() honours <PREFIX>_REFRESH_URL for Figma's separate refresh endpoint", async () => {
  const seen: string[] = [];
  const fetchStub = (url: string | URL | Request) => {
    seen.push(String(url));
    return Promise.resolve(json({ access_token: "at", token_type: "bearer" }, 200));
  };
  const figma = get("figma");
  const defaults = { ...SETTINGS, tokenUrl: figma.tokenUrl };
  await tokenRequest(figma, defaults, { type: "refresh_token", refreshToken: "r" }, {
    fetch: fetchStub,
  });
  await tokenRequest(figma, { ...defaults, refreshUrl: "https://proxy.example/figma/refresh" }, {
    type: "refresh_token",
    refreshToken: "r",
  }, { fetch: fetchStub });
  assert.deepEqual(seen, [
    "https://api.figma.com/v1/oauth/refresh",
    "https://proxy.example/figma/refresh",
  ]);
});

Deno.test("fetchIdentity() sends Twitch's Client-Id with the deployment's client id", async () => {
  let headers: Headers | undefined;
  const result = await fetchIdentity({
    spec: get("twitch"),
    settings: { ...SETTINGS, userinfoUrl: "https://idp.example/users" },
    tokenData: { access_token: "at-1" },
    fetch: (_url, init) => {
      headers = new Headers(init?.headers);
      return Promise.resolve(json({ data: [{ id: "9", login: "tw", display_name: "Tw" }] }, 200));
    },
  });
  assert.equal(headers!.get("client-id"), "cid");
  assert.deepEqual(result, { ok: true, identity: { id: "9", login: "tw", name: "Tw" } });
});

Deno.test("revokeToken() posts Notion's JSON {token} with HTTP Basic", async () => {
  let request: Request | undefined;
  const result = await revokeToken({
    spec: get("notion"),
    settings: SETTINGS,
    accessToken: "at-1",
    fetch: (url, init) => {
      request = new Request(url, init);
      return Promise.resolve(json({}, 200));
    },
  });
  assert.ok(result.ok);
  assert.equal(request!.url, "https://api.notion.com/v1/oauth/revoke");
  assert.deepEqual(await request!.json(), { token: "at-1" });
  assert.match(request!.headers.get("authorization")!, /^Basic /);
});

Deno.test("every builtin entry cites a source for its endpoints, identity and revocation", () => {
  for (const spec of registry.list()) {
    for (const key of ["endpoints", "identity", "revoke", "errors", "consent"]) {
      assert.ok(spec.sources?.[key], `${spec.name}: sources.${key}`);
    }
    assert.ok(spec.api?.baseUrl.startsWith("https://"), `${spec.name}: api.baseUrl`);
    assert.ok(spec.api?.hosts.includes(new URL(spec.api.baseUrl).host), `${spec.name}: api.hosts`);
  }
});
