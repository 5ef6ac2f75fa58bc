import assert from "node:assert/strict";
import { decodeBase64 } from "../../shared/base64.ts";
import { basicAuthorization, formUrlEncode, tokenRequest } from "../../providers/token_request.ts";
import type { ProviderSettings, ProviderSpec, TokenResponseResult } from "../../providers/types.ts";

interface Received {
  method: string;
  path: string;
  headers: Headers;
  body: URLSearchParams;
}

interface Upstream {
  origin: string;
  received: Received[];
  close(): Promise<void>;
}

/** A real token endpoint on 127.0.0.1 that records every request it gets. */
function startUpstream(respond: (request: Request) => Response | Promise<Response>): Upstream {
  const received: Received[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const text = await request.text();
    received.push({
      method: request.method,
      path: new URL(request.url).pathname,
      headers: request.headers,
      body: new URLSearchParams(text),
    });
    return await respond(request);
  });
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    received,
    close: () => server.shutdown(),
  };
}

const OK_BODY = {
  access_token: "at-1",
  token_type: "Bearer",
  expires_in: 3600,
  refresh_token: "rt-2",
};

function ok(): Response {
  return Response.json(OK_BODY);
}

function spec(overrides: Partial<ProviderSpec> = {}): ProviderSpec {
  return {
    name: "idp",
    displayName: "IdP",
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
    ...overrides,
  };
}

function settings(origin: string, overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    clientId: "client-1",
    clientSecret: "s3cr3t-value",
    redirectUri: "https://auth.example/callback",
    authorizeUrl: `${origin}/authorize`,
    tokenUrl: `${origin}/token`,
    ...overrides,
  };
}

function failure(result: TokenResponseResult) {
  assert.equal(result.ok, false, "expected a failure");
  return result as Extract<TokenResponseResult, { ok: false }>;
}

Deno.test("formUrlEncode() uses application/x-www-form-urlencoded rules", () => {
  assert.equal(formUrlEncode("a b:c+d/é%"), "a+b%3Ac%2Bd%2F%C3%A9%25");
  assert.equal(formUrlEncode("plain-._*"), "plain-._*");
});

Deno.test("tokenRequest() sends client_secret_basic with form-encoded id and secret (RFC 6749 §2.3.1)", async () => {
  const upstream = startUpstream(ok);
  try {
    const result = await tokenRequest(
      spec(),
      settings(upstream.origin, { clientId: "id:with space", clientSecret: "p@ss:wörd+/" }),
      { type: "authorization_code", code: "code-1", codeVerifier: "verifier-1" },
    );
    assert.deepEqual(result, { ok: true, tokenData: OK_BODY });
    assert.equal(upstream.received.length, 1);
    const [request] = upstream.received;
    assert.equal(request.method, "POST");
    assert.equal(request.path, "/token");
    const authorization = request.headers.get("authorization")!;
    assert.ok(authorization.startsWith("Basic "));
    const decoded = new TextDecoder().decode(decodeBase64(authorization.slice(6)));
    assert.equal(decoded, "id%3Awith+space:p%40ss%3Aw%C3%B6rd%2B%2F");
    assert.equal(authorization, basicAuthorization("id:with space", "p@ss:wörd+/"));
    assert.deepEqual(Object.fromEntries(request.body), {
      grant_type: "authorization_code",
      code: "code-1",
      redirect_uri: "https://auth.example/callback",
      code_verifier: "verifier-1",
    });
  } finally {
    await upstream.close();
  }
});

Deno.test("tokenRequest() sends client_secret_post in the body", async () => {
  const upstream = startUpstream(ok);
  try {
    await tokenRequest(spec({ clientAuth: "body" }), settings(upstream.origin), {
      type: "authorization_code",
      code: "code-1",
    });
    const [request] = upstream.received;
    assert.equal(request.headers.has("authorization"), false);
    assert.deepEqual(Object.fromEntries(request.body), {
      grant_type: "authorization_code",
      code: "code-1",
      redirect_uri: "https://auth.example/callback",
      client_id: "client-1",
      client_secret: "s3cr3t-value",
    });
  } finally {
    await upstream.close();
  }
});

Deno.test("tokenRequest() sends only client_id for a public client, with the PKCE verifier", async () => {
  const upstream = startUpstream(ok);
  try {
    await tokenRequest(
      spec({ clientAuth: "none" }),
      settings(upstream.origin, { clientSecret: "" }),
      {
        type: "authorization_code",
        code: "code-1",
        codeVerifier: "v".repeat(43),
      },
    );
    const [request] = upstream.received;
    assert.equal(request.headers.has("authorization"), false);
    assert.equal(request.body.get("client_id"), "client-1");
    assert.equal(request.body.has("client_secret"), false);
    assert.equal(request.body.get("code_verifier"), "v".repeat(43));
  } finally {
    await upstream.close();
  }
});

Deno.test("tokenRequest() sends accept, content-type and the spec's token headers", async () => {
  const upstream = startUpstream(ok);
  try {
    await tokenRequest(
      spec({
        tokenHeaders: { "user-agent": "clawauth-test/1", "x-extra": "1", accept: "text/plain" },
      }),
      settings(upstream.origin),
      { type: "authorization_code", code: "c" },
    );
    const { headers } = upstream.received[0];
    assert.equal(headers.get("accept"), "application/json");
    assert.match(headers.get("content-type")!, /^application\/x-www-form-urlencoded/);
    assert.equal(headers.get("user-agent"), "clawauth-test/1");
    assert.equal(headers.get("x-extra"), "1");
  } finally {
    await upstream.close();
  }
});

Deno.test("tokenRequest() sends a refresh grant with an optional scope", async () => {
  const upstream = startUpstream(ok);
  try {
    await tokenRequest(spec({ clientAuth: "body" }), settings(upstream.origin), {
      type: "refresh_token",
      refreshToken: "rt-1",
      scope: "read write",
    });
    await tokenRequest(spec({ clientAuth: "body" }), settings(upstream.origin), {
      type: "refresh_token",
      refreshToken: "rt-1",
    });
    assert.deepEqual(Object.fromEntries(upstream.received[0].body), {
      grant_type: "refresh_token",
      refresh_token: "rt-1",
      scope: "read write",
      client_id: "client-1",
      client_secret: "s3cr3t-value",
    });
    assert.equal(upstream.received[1].body.has("scope"), false);
    assert.equal(upstream.received[1].body.has("redirect_uri"), false);
  } finally {
    await upstream.close();
  }
});

Deno.test("tokenRequest() refreshes at spec.refreshUrl unless the token URL is overridden", async () => {
  const upstream = startUpstream(ok);
  try {
    const withRefreshUrl = spec({
      tokenUrl: `${upstream.origin}/token`,
      refreshUrl: `${upstream.origin}/refresh`,
    });
    const grant = { type: "refresh_token", refreshToken: "rt-1" } as const;
    await tokenRequest(withRefreshUrl, settings(upstream.origin), grant);
    await tokenRequest(withRefreshUrl, settings(upstream.origin), {
      type: "authorization_code",
      code: "c",
    });
    await tokenRequest(
      withRefreshUrl,
      settings(upstream.origin, { tokenUrl: `${upstream.origin}/override` }),
      grant,
    );
    assert.deepEqual(upstream.received.map((r) => r.path), ["/refresh", "/token", "/override"]);
  } finally {
    await upstream.close();
  }
});

Deno.test("tokenRequest() never puts the secret, code or verifier into a failure description", async () => {
  const upstream = startUpstream(() =>
    Response.json({
      error: "invalid_client",
      error_description: "secret s3cr3t-value rejected for code code-XYZ and verifier verifier-XYZ",
    }, { status: 401 })
  );
  try {
    const result = failure(
      await tokenRequest(spec(), settings(upstream.origin), {
        type: "authorization_code",
        code: "code-XYZ",
        codeVerifier: "verifier-XYZ",
      }),
    );
    assert.equal(result.error, "invalid_client");
    assert.equal(result.transient, false);
    assert.doesNotMatch(result.description, /s3cr3t-value|code-XYZ|verifier-XYZ/);
    assert.equal(
      result.description,
      "token endpoint answered HTTP 401: invalid_client: secret [redacted] rejected for code [redacted] and verifier [redacted]",
    );
  } finally {
    await upstream.close();
  }
});

Deno.test("tokenRequest() never puts the refresh token into a failure description", async () => {
  const upstream = startUpstream(() =>
    Response.json({ error: "invalid_grant", error_description: "rt-SPENT was used" }, {
      status: 400,
    })
  );
  try {
    const result = failure(
      await tokenRequest(spec(), settings(upstream.origin), {
        type: "refresh_token",
        refreshToken: "rt-SPENT",
      }),
    );
    assert.equal(result.error, "invalid_grant");
    assert.equal(
      result.description,
      "token endpoint answered HTTP 400: invalid_grant: [redacted] was used",
    );
  } finally {
    await upstream.close();
  }
});

Deno.test("tokenRequest() does not follow a redirect", async () => {
  const upstream = startUpstream((request) =>
    new URL(request.url).pathname === "/token"
      ? new Response(null, { status: 307, headers: { location: "/elsewhere" } })
      : ok()
  );
  try {
    const result = failure(
      await tokenRequest(spec(), settings(upstream.origin), {
        type: "authorization_code",
        code: "c",
      }),
    );
    assert.equal(result.error, "http_307");
    assert.deepEqual(upstream.received.map((r) => r.path), ["/token"]);
  } finally {
    await upstream.close();
  }
});

Deno.test("tokenRequest() reports a refused connection as a transient network_error", async () => {
  const upstream = startUpstream(ok);
  const origin = upstream.origin;
  await upstream.close();
  const result = failure(
    await tokenRequest(spec(), settings(origin), { type: "authorization_code", code: "c" }),
  );
  assert.equal(result.error, "network_error");
  assert.equal(result.transient, true);
  assert.match(result.description, /^token endpoint unreachable: /);
  assert.doesNotMatch(result.description, /s3cr3t-value/);
});

Deno.test("tokenRequest() times out a token endpoint that never answers", async () => {
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  const upstream = startUpstream(async () => {
    await released;
    return ok();
  });
  try {
    const result = failure(
      await tokenRequest(spec(), settings(upstream.origin), {
        type: "authorization_code",
        code: "c",
      }, {
        timeoutMs: 50,
      }),
    );
    assert.deepEqual(result, {
      ok: false,
      error: "network_error",
      description: "token endpoint did not answer within 0.05 s",
      transient: true,
    });
  } finally {
    release();
    await upstream.close();
  }
});

Deno.test("tokenRequest() stops when the caller aborts", async () => {
  const upstream = startUpstream(ok);
  try {
    const controller = new AbortController();
    controller.abort();
    const result = failure(
      await tokenRequest(spec(), settings(upstream.origin), {
        type: "authorization_code",
        code: "c",
      }, {
        signal: controller.signal,
      }),
    );
    assert.equal(result.error, "network_error");
    assert.equal(result.description, "token request was aborted");
    assert.equal(result.transient, true);
  } finally {
    await upstream.close();
  }
});

Deno.test("tokenRequest() uses an injected fetch", async () => {
  const calls: string[] = [];
  const fakeFetch: typeof fetch = (input) => {
    calls.push(String(input));
    return Promise.resolve(Response.json(OK_BODY));
  };
  const result = await tokenRequest(spec(), settings("https://idp.example"), {
    type: "authorization_code",
    code: "c",
  }, { fetch: fakeFetch });
  assert.equal(result.ok, true);
  assert.deepEqual(calls, ["https://idp.example/token"]);
});

Deno.test("tokenRequest() surfaces GitHub's error-in-200 from a real endpoint", async () => {
  const upstream = startUpstream(() =>
    Response.json({
      error: "bad_verification_code",
      error_description: "The code passed is incorrect or expired.",
    })
  );
  try {
    const result = failure(
      await tokenRequest(
        spec({ tokenResponse: "github", clientAuth: "body" }),
        settings(upstream.origin),
        {
          type: "authorization_code",
          code: "c",
        },
      ),
    );
    assert.equal(result.error, "invalid_grant");
    assert.equal(result.transient, false);
  } finally {
    await upstream.close();
  }
});
