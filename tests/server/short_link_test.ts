import assert from "node:assert/strict";
import { hashBindingValue } from "../../server/browser_binding.ts";
import {
  allEntries,
  assertPage,
  BASE_URL,
  callbackUrlFor,
  completeFlow,
  initSession,
  openShortLink,
  sendCallback,
  UPSTREAM_PROVIDER,
  withTestServer,
} from "./_harness.ts";

Deno.test("shortLink() redirects to the authorize URL and sets the binding cookie", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    const { response, cookies } = await openShortLink(server, init);
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), init.authUrl);
    const setCookie = response.headers.get("set-cookie")!;
    assert.match(
      setCookie,
      new RegExp(
        `^clawauth_${init.sessionId}=[A-Za-z0-9_-]{43}; Max-Age=3600; Path=/callback; HttpOnly; SameSite=Lax$`,
      ),
    );
    const value = cookies.get(`clawauth_${init.sessionId}`, `${BASE_URL}/callback`)!;
    const { expiresAt } = (await server.kv.get<{ expiresAt: number }>(["session", init.sessionId]))
      .value!;
    const opened = await server.kv.get([
      "side",
      expiresAt,
      init.sessionId,
      "open",
      await hashBindingValue(value),
    ]);
    assert.equal(opened.value, 1);
    const stored = JSON.stringify((await allEntries(server.kv)).map((e) => [e.key, e.value]));
    assert.ok(!stored.includes(value), "KV holds the cookie's hash, never the cookie");
  });
});

Deno.test("shortLink() keeps every browser that opened it (a link previewer opens it too)", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    const first = await openShortLink(server, init);
    const second = await openShortLink(server, init);
    const name = `clawauth_${init.sessionId}`;
    const a = first.cookies.get(name, `${BASE_URL}/callback`)!;
    const b = second.cookies.get(name, `${BASE_URL}/callback`)!;
    assert.notEqual(a, b);
    const { expiresAt } = (await server.kv.get<{ expiresAt: number }>(["session", init.sessionId]))
      .value!;
    for (const value of [a, b]) {
      const key = ["side", expiresAt, init.sessionId, "open", await hashBindingValue(value)];
      assert.equal((await server.kv.get(key)).value, 1);
    }
  });
});

Deno.test("shortLink() shows a 404 page for an unknown session", async () => {
  await withTestServer(async (server) => {
    await assertPage(
      await server.request(`/${UPSTREAM_PROVIDER}/${crypto.randomUUID()}`),
      {
        status: 404,
        code: "session_not_found",
        message: "This sign-in link has expired or does not exist. Ask your agent for a new link.",
      },
    );
  });
});

Deno.test("shortLink() shows a 404 page for an expired session at once", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server, { ttlSeconds: 60 });
    server.clock.advance(60_000);
    const response = await server.request(`/${UPSTREAM_PROVIDER}/${init.sessionId}`);
    assert.equal(response.headers.get("set-cookie"), null);
    await assertPage(response, {
      status: 404,
      code: "session_not_found",
      message: "This sign-in link has expired or does not exist. Ask your agent for a new link.",
    });
  });
});

Deno.test("shortLink() shows a 404 page when the provider in the link is not the session's", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    await assertPage(await server.request(`/github/${init.sessionId}`), {
      status: 404,
      code: "provider_mismatch",
      message: "This link is for another provider: &#39;github&#39; is not the provider of " +
        "this sign-in.",
    });
  });
});

Deno.test("shortLink() shows a 410 page once the session completed", async () => {
  await withTestServer(async (server) => {
    const { init } = await completeFlow(server);
    await assertPage(await server.request(`/${UPSTREAM_PROVIDER}/${init.sessionId}`), {
      status: 410,
      code: "session_completed",
      message: "You have already signed in with this link. You can close this window.",
    });
  }, { upstream: true });
});

Deno.test("shortLink() shows a 410 page with the escaped provider error once the session failed", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    const { cookies } = await openShortLink(server, init);
    const callback = await sendCallback(
      server,
      callbackUrlFor(init, {
        error: "<script>alert(1)</script>",
        error_description: `"><img src=x onerror=alert(2)>`,
      }),
      cookies,
    );
    await callback.body?.cancel();
    const html = await assertPage(
      await server.request(`/${UPSTREAM_PROVIDER}/${init.sessionId}`),
      {
        status: 410,
        code: "session_failed",
        message: "This sign-in failed. Ask your agent for a new link to try again.",
      },
    );
    assert.ok(
      html.includes(
        "&lt;script&gt;alert(1)&lt;/script&gt;: &quot;&gt;&lt;img src=x onerror=alert(2)&gt;",
      ),
      html,
    );
    assert.ok(!html.includes("<script>"));
    assert.ok(!html.includes("<img"));
  });
});

Deno.test("shortLink() answers JSON to a client that asks for JSON", async () => {
  await withTestServer(async (server) => {
    const response = await server.request(`/${UPSTREAM_PROVIDER}/${crypto.randomUUID()}`, {
      headers: { accept: "application/json" },
    });
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), {
      error: "This sign-in link has expired or does not exist. Ask your agent for a new link.",
      code: "session_not_found",
    });
  });
});
