import assert from "node:assert/strict";
import { computeCodeChallenge } from "../../providers/pkce.ts";
import { CookieJar } from "../fixtures/oidc_provider.ts";
import {
  assertPage,
  authorize,
  BASE_URL,
  callbackUrlFor,
  completeFlow,
  initSession,
  openShortLink,
  sendCallback,
  signedGet,
  type TestServer,
  UPSTREAM_PROVIDER,
  withTestServer,
} from "./_harness.ts";

async function statusOf(
  server: TestServer,
  sessionId: string,
  keys: Parameters<typeof signedGet>[1]["keys"],
) {
  const response = await signedGet(server, { action: "status", sessionId, keys });
  return { status: response.status, body: await response.json() };
}

/** A token endpoint that answers every request with HTTP 200 and `body` (GitHub/Slack style). */
function startTokenStub(body: unknown): { url: string; close(): Promise<void> } {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => Response.json(body),
  );
  return { url: `http://127.0.0.1:${server.addr.port}/token`, close: () => server.shutdown() };
}

Deno.test("callback() refuses a missing state with a 400 page", async () => {
  await withTestServer(async (server) => {
    await assertPage(await server.request("/callback?code=abc"), {
      status: 400,
      code: "invalid_state",
      message: "the &#39;state&#39; parameter is missing: start again from the link you were sent",
    });
  });
});

Deno.test("callback() refuses a tampered state with a 400 page", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    const opened = await openShortLink(server, init);
    const { cookies } = opened;
    const url = new URL(callbackUrlFor(opened, { code: "abc" }));
    const state = url.searchParams.get("state")!;
    url.searchParams.set(
      "state",
      `${state.slice(0, 10)}${state[10] === "A" ? "B" : "A"}${state.slice(11)}`,
    );
    await assertPage(await sendCallback(server, url, cookies), {
      status: 400,
      code: "invalid_state",
      message: "the &#39;state&#39; parameter is not valid (altered or from another server)",
    });
  });
});

Deno.test("callback() refuses an expired state with a 400 page", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server, { ttlSeconds: 60 });
    const opened = await openShortLink(server, init);
    const { cookies } = opened;
    server.clock.advance(60_000);
    await assertPage(await sendCallback(server, callbackUrlFor(opened, { code: "abc" }), cookies), {
      status: 400,
      code: "invalid_state",
      message: "this sign-in has expired: ask for a new link",
    });
  });
});

Deno.test("callback() refuses a browser that did not open the short link, and the session stays usable", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const { callbackUrl, cookies } = await authorize(server, init);
    await assertPage(await sendCallback(server, callbackUrl, null), {
      status: 403,
      code: "browser_mismatch",
      message: "This browser did not open the sign-in link. Open the link you were sent",
    });
    const forged = new CookieJar();
    forged.setCookie(`clawauth_${init.sessionId}=${"A".repeat(43)}; Path=/callback`, BASE_URL);
    assert.equal((await sendCallback(server, callbackUrl, forged)).status, 403);
    assert.deepEqual((await statusOf(server, init.sessionId, keys)).body, {
      status: "pending",
      provider: UPSTREAM_PROVIDER,
    });
    assert.equal(server.upstream!.counts.authorizationCodeGrants, 0, "no code was exchanged");
    const ok = await sendCallback(server, callbackUrl, cookies);
    await assertPage(ok, { status: 200, message: "You are signed in with Demo IdP." });
  }, { upstream: true });
});

Deno.test("callback() records a provider error param as the session's error", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const { callbackUrl, cookies } = await authorize(server, init, { consent: "deny" });
    assert.equal(callbackUrl.searchParams.get("error"), "access_denied");
    await assertPage(await sendCallback(server, callbackUrl, cookies), {
      status: 400,
      code: "provider_error",
      message: "Demo IdP did not approve the sign-in. Ask your agent for a new link to try again.",
    });
    const status = await statusOf(server, init.sessionId, keys);
    assert.equal(status.status, 400);
    assert.equal(status.body.status, "error");
    assert.equal(status.body.provider, UPSTREAM_PROVIDER);
    assert.match(status.body.error, /^access_denied: /);
  }, { upstream: true });
});

Deno.test("callback() shows a provider error of <script>alert(1)</script> escaped", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    const opened = await openShortLink(server, init);
    const { cookies } = opened;
    const html = await assertPage(
      await sendCallback(
        server,
        callbackUrlFor(opened, {
          error: "<script>alert(1)</script>",
          error_description: "<script>alert(1)</script>",
        }),
        cookies,
      ),
      { status: 400, code: "provider_error", message: "did not approve the sign-in" },
    );
    assert.ok(!html.includes("<script>"), html);
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;: &lt;script&gt;"), html);
  });
});

Deno.test("callback() fails the session when the provider refuses the code", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const opened = await openShortLink(server, init);
    const { cookies } = opened;
    await assertPage(
      await sendCallback(server, callbackUrlFor(opened, { code: "not-a-real-code" }), cookies),
      {
        status: 502,
        code: "token_exchange_failed",
        message: "Demo IdP refused to issue a token. Ask your agent for a new link to try again.",
      },
    );
    assert.equal(server.upstream!.counts.authorizationCodeGrants, 1);
    const status = await statusOf(server, init.sessionId, keys);
    assert.equal(status.status, 400);
    assert.match(status.body.error, /^token exchange failed: invalid_grant: /);
  }, { upstream: true });
});

for (
  const [style, body, expectedError] of [
    [
      "github",
      {
        error: "bad_verification_code",
        error_description: "The code passed is incorrect or expired.",
      },
      "token exchange failed: invalid_grant: ",
    ],
    ["slack", { ok: false, error: "invalid_code" }, "token exchange failed: invalid_grant: "],
  ] as const
) {
  Deno.test(`callback() treats a ${style}-style error inside a 200 body as a failed exchange`, async () => {
    const stub = startTokenStub(body);
    try {
      await withTestServer(async (server) => {
        const { init, keys } = await initSession(server, { provider: "stub" });
        const opened = await openShortLink(server, init);
    const { cookies } = opened;
        await assertPage(
          await sendCallback(server, callbackUrlFor(opened, { code: "c0de" }), cookies),
          {
            status: 502,
            code: "token_exchange_failed",
            message: "Stub refused to issue a token.",
          },
        );
        const status = await statusOf(server, init.sessionId, keys);
        assert.equal(status.body.status, "error");
        assert.ok(status.body.error.startsWith(expectedError), status.body.error);
      }, {
        customProviders: [{
          name: "stub",
          displayName: "Stub",
          type: "oauth2",
          authorizeUrl: "http://127.0.0.1:9/authorize",
          tokenUrl: stub.url,
          tokenResponse: style,
          clientAuth: "body",
          clientId: "id",
          clientSecret: "secret",
        }],
      });
    } finally {
      await stub.close();
    }
  });
}

Deno.test("callback() leaves a completed session intact when a late error callback arrives", async () => {
  await withTestServer(async (server) => {
    const { init, keys, cookies } = await completeFlow(server);
    await assertPage(
      await sendCallback(server, callbackUrlFor(opened, { error: "access_denied" }), cookies),
      { status: 200, message: "You are signed in with Demo IdP." },
    );
    assert.deepEqual((await statusOf(server, init.sessionId, keys)).body, {
      status: "completed",
      provider: UPSTREAM_PROVIDER,
    });
    const claim = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal((await claim.json()).status, "completed");
  }, { upstream: true });
});

Deno.test("callback() sends the session's PKCE verifier to the token endpoint", async () => {
  await withTestServer(async (server) => {
    const { init } = await completeFlow(server);
    const bodies = server.upstream!.tokenRequestBodies;
    assert.equal(bodies.length, 1);
    const verifier = bodies[0].get("code_verifier")!;
    assert.match(verifier, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(
      await computeCodeChallenge(verifier),
      new URL(init.authUrl).searchParams.get("code_challenge"),
    );
    assert.equal(bodies[0].get("redirect_uri"), `${BASE_URL}/callback`);
    const stored = await server.kv.get<Record<string, unknown>>(["session", init.sessionId]);
    assert.equal(stored.value?.codeVerifier, undefined, "the verifier is dropped once used");
  }, { upstream: true });
});

Deno.test("callback() keeps the session pending when the token endpoint is down, so a reload finishes", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const { callbackUrl, cookies } = await authorize(server, init);
    server.upstream!.setTokenEndpointDown(true);
    await assertPage(await sendCallback(server, callbackUrl, cookies), {
      status: 502,
      code: "upstream_unavailable",
      message: "Demo IdP is not answering right now. Reload this page in a minute to try again.",
    });
    assert.equal((await statusOf(server, init.sessionId, keys)).body.status, "pending");
    server.upstream!.setTokenEndpointDown(false);
    await assertPage(await sendCallback(server, callbackUrl, cookies), {
      status: 200,
      message: "You are signed in with Demo IdP.",
    });
  }, { upstream: true });
});

Deno.test("callback() answers JSON errors to a client that asks for JSON", async () => {
  await withTestServer(async (server) => {
    const response = await server.request("/callback", { headers: { accept: "application/json" } });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: "the 'state' parameter is missing: start again from the link you were sent",
      code: "invalid_state",
    });
  });
});
