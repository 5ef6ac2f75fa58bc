import assert from "node:assert/strict";
import { processTokenResponse } from "../../providers/token_response.ts";
import type { ProviderSpec, TokenResponseResult } from "../../providers/types.ts";

function spec(tokenResponse: ProviderSpec["tokenResponse"] = "oauth2"): ProviderSpec {
  return {
    name: "idp",
    displayName: "IdP",
    authorizeUrl: "https://idp.example/authorize",
    tokenUrl: "https://idp.example/token",
    clientAuth: "basic",
    pkce: "supported",
    scopeSeparator: " ",
    defaultScopes: [],
    tokenResponse,
    refresh: { supported: true },
    registerUrl: "https://idp.example/apps",
    docs: ["https://idp.example/docs"],
  };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

function form(body: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  });
}

function failure(result: TokenResponseResult) {
  assert.equal(result.ok, false, "expected a failure");
  return result as Extract<TokenResponseResult, { ok: false }>;
}

function success(result: TokenResponseResult) {
  assert.equal(result.ok, true, `expected success, got ${JSON.stringify(result)}`);
  return (result as Extract<TokenResponseResult, { ok: true }>).tokenData;
}

Deno.test("processTokenResponse() passes a standard JSON success through", async () => {
  const tokenData = success(
    await processTokenResponse(
      spec(),
      json({
        access_token: "at-1",
        token_type: "Bearer",
        expires_in: 3600,
        refresh_token: "rt-1",
        scope: "a b",
        workspace_id: "w1",
      }),
    ),
  );
  assert.deepEqual(tokenData, {
    access_token: "at-1",
    token_type: "Bearer",
    expires_in: 3600,
    refresh_token: "rt-1",
    scope: "a b",
    workspace_id: "w1",
  });
});

Deno.test("processTokenResponse() reads a form-encoded body and makes expires_in a number", async () => {
  const tokenData = success(
    await processTokenResponse(
      spec("github"),
      form("access_token=gho_abc&scope=read%3Auser&token_type=bearer&expires_in=28800"),
    ),
  );
  assert.deepEqual(tokenData, {
    access_token: "gho_abc",
    scope: "read:user",
    token_type: "bearer",
    expires_in: 28800,
  });
});

Deno.test("processTokenResponse() accepts a scope array (Twitch) and drops null fields", async () => {
  const tokenData = success(
    await processTokenResponse(
      spec(),
      json({
        access_token: "at",
        scope: ["user:read:email"],
        refresh_token: null,
        expires_in: null,
      }),
    ),
  );
  assert.deepEqual(tokenData, { access_token: "at", scope: ["user:read:email"] });
});

Deno.test("processTokenResponse() treats a GitHub error inside HTTP 200 as a failure", async () => {
  const result = failure(
    await processTokenResponse(
      spec("github"),
      json({
        error: "incorrect_client_credentials",
        error_description: "The client_id and/or client_secret passed are incorrect.",
        error_uri: "https://docs.github.com/apps/managing-oauth-apps",
      }),
    ),
  );
  assert.deepEqual(result, {
    ok: false,
    error: "incorrect_client_credentials",
    description:
      "token endpoint reported an error with HTTP 200: incorrect_client_credentials: The client_id and/or client_secret passed are incorrect.",
    transient: false,
  });
});

Deno.test("processTokenResponse() maps GitHub's bad_verification_code to invalid_grant", async () => {
  const result = failure(
    await processTokenResponse(
      spec("github"),
      form(
        "error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.",
      ),
    ),
  );
  assert.equal(result.error, "invalid_grant");
  assert.equal(result.transient, false);
  assert.match(
    result.description,
    /bad_verification_code: The code passed is incorrect or expired\./,
  );
});

Deno.test("processTokenResponse() treats an error field without access_token in 200 as a failure (any style)", async () => {
  const result = failure(
    await processTokenResponse(spec(), json({ error: "invalid_request" })),
  );
  assert.equal(result.error, "invalid_request");
});

Deno.test("processTokenResponse() treats Slack ok:false as a failure", async () => {
  const result = failure(
    await processTokenResponse(spec("slack"), json({ ok: false, error: "invalid_client_id" })),
  );
  assert.deepEqual(result, {
    ok: false,
    error: "invalid_client_id",
    description: "token endpoint reported ok:false: invalid_client_id",
    transient: false,
  });
  const spent = failure(
    await processTokenResponse(spec("slack"), json({ ok: false, error: "invalid_refresh_token" })),
  );
  assert.equal(spent.error, "invalid_grant");
});

Deno.test("processTokenResponse() lifts a Slack user token from authed_user", async () => {
  const authedUser = {
    id: "U123",
    scope: "users:read",
    access_token: "xoxe.xoxp-1",
    token_type: "user",
    refresh_token: "xoxe-1-r",
    expires_in: 43200,
  };
  const tokenData = success(
    await processTokenResponse(
      spec("slack"),
      json({ ok: true, app_id: "A1", authed_user: authedUser, team: { id: "T1", name: "Acme" } }),
    ),
  );
  assert.deepEqual(tokenData, {
    ok: true,
    app_id: "A1",
    team: { id: "T1", name: "Acme" },
    authed_user: authedUser,
    access_token: "xoxe.xoxp-1",
    refresh_token: "xoxe-1-r",
    expires_in: 43200,
    scope: "users:read",
    token_type: "user",
  });
});

Deno.test("processTokenResponse() keeps a Slack bot token at the top level", async () => {
  const tokenData = success(
    await processTokenResponse(
      spec("slack"),
      json({ ok: true, access_token: "xoxb-1", token_type: "bot", authed_user: { id: "U1" } }),
    ),
  );
  assert.equal(tokenData.access_token, "xoxb-1");
  assert.equal(tokenData.token_type, "bot");
});

Deno.test("processTokenResponse() does not lift authed_user for a non-Slack provider", async () => {
  const result = failure(
    await processTokenResponse(spec(), json({ authed_user: { access_token: "xoxp-1" } })),
  );
  assert.equal(result.error, "invalid_response");
});

for (const status of [500, 502, 503, 429, 408]) {
  Deno.test(`processTokenResponse() reports HTTP ${status} as transient`, async () => {
    const result = failure(
      await processTokenResponse(spec(), new Response("<html>busy</html>", { status })),
    );
    assert.deepEqual(result, {
      ok: false,
      error: `http_${status}`,
      description: `token endpoint answered HTTP ${status}`,
      transient: true,
    });
  });
}

Deno.test("processTokenResponse() keeps the provider's error code on a 5xx and stays transient", async () => {
  const result = failure(
    await processTokenResponse(spec(), json({ error: "temporarily_unavailable" }, 503)),
  );
  assert.equal(result.error, "temporarily_unavailable");
  assert.equal(result.transient, true);
});

Deno.test("processTokenResponse() keeps invalid_grant from a 400 and is not transient", async () => {
  const result = failure(
    await processTokenResponse(
      spec(),
      json(
        { error: "invalid_grant", error_description: "Token has been expired or revoked." },
        400,
      ),
    ),
  );
  assert.deepEqual(result, {
    ok: false,
    error: "invalid_grant",
    description:
      "token endpoint answered HTTP 400: invalid_grant: Token has been expired or revoked.",
    transient: false,
  });
});

Deno.test("processTokenResponse() reports a 4xx without an error field as http_<status>", async () => {
  const result = failure(
    await processTokenResponse(spec(), new Response("Forbidden", { status: 403 })),
  );
  assert.deepEqual(result, {
    ok: false,
    error: "http_403",
    description: "token endpoint answered HTTP 403",
    transient: false,
  });
});

Deno.test("processTokenResponse() refuses a redirect", async () => {
  const result = failure(
    await processTokenResponse(
      spec(),
      new Response(null, { status: 302, headers: { location: "https://elsewhere.example" } }),
    ),
  );
  assert.equal(result.error, "http_302");
  assert.equal(result.transient, false);
});

Deno.test("processTokenResponse() fails a success without a string access_token", async () => {
  for (
    const body of [{ token_type: "bearer" }, { access_token: 12345 }, { access_token: "" }]
  ) {
    const result = failure(await processTokenResponse(spec(), json(body)));
    assert.deepEqual(result, {
      ok: false,
      error: "invalid_response",
      description: "token response has no 'access_token' string",
      transient: false,
    });
  }
});

Deno.test("processTokenResponse() type-checks expires_in, refresh_token, token_type and scope", async () => {
  const cases: [Record<string, unknown>, string][] = [
    [
      { expires_in: "soon" },
      "token response 'expires_in' must be a non-negative number: got string",
    ],
    [{ expires_in: -1 }, "token response 'expires_in' must be a non-negative number: got number"],
    [{ refresh_token: 42 }, "token response 'refresh_token' must be a string: got number"],
    [{ token_type: {} }, "token response 'token_type' must be a string: got object"],
    [{ scope: 7 }, "token response 'scope' must be a string or an array of strings"],
  ];
  for (const [extra, description] of cases) {
    const result = failure(
      await processTokenResponse(spec(), json({ access_token: "at", ...extra })),
    );
    assert.equal(result.error, "invalid_response");
    assert.equal(result.description, description);
  }
});

Deno.test("processTokenResponse() fails a body that is neither JSON nor form-encoded", async () => {
  for (
    const response of [
      new Response("<html>ok</html>", { headers: { "content-type": "text/html" } }),
      new Response("[1,2]", { headers: { "content-type": "application/json" } }),
      new Response("{broken", { headers: { "content-type": "application/json" } }),
    ]
  ) {
    const result = failure(await processTokenResponse(spec(), response));
    assert.equal(result.error, "invalid_response");
    assert.equal(
      result.description,
      "token endpoint answered HTTP 200 with a body that is neither a JSON object nor form-encoded",
    );
  }
});

Deno.test("processTokenResponse() truncates descriptions to 200 characters and strips control characters", async () => {
  const result = failure(
    await processTokenResponse(
      spec(),
      json(
        { error: "invalid_grant", error_description: `line1\nline2\u0007 ${"x".repeat(500)}` },
        400,
      ),
    ),
  );
  assert.equal(result.description.length, 200);
  assert.ok(result.description.endsWith("…"));
  assert.ok(![...result.description].some((char) => char.charCodeAt(0) < 0x20));
  assert.match(result.description, /line1 line2 /);
});

Deno.test("processTokenResponse() never echoes a token of the body in the description", async () => {
  const result = failure(
    await processTokenResponse(
      spec("github"),
      json({
        access_token: "gho_LEAKED_TOKEN",
        error: "scope_mismatch",
        error_description: "token gho_LEAKED_TOKEN has the wrong scope",
      }),
    ),
  );
  assert.equal(result.error, "scope_mismatch");
  assert.doesNotMatch(result.description, /gho_LEAKED_TOKEN/);
  assert.match(result.description, /\[redacted\]/);
});

Deno.test("processTokenResponse() ignores an error value that is not an OAuth error code", async () => {
  const result = failure(
    await processTokenResponse(spec(), json({ error: { message: "nope" } }, 400)),
  );
  assert.equal(result.error, "http_400");
});
