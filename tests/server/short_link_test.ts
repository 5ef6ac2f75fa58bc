import assert from "node:assert/strict";
import { CookieJar } from "../fixtures/oidc_provider.ts";
import {
  allEntries,
  assertPage,
  BASE_URL,
  callbackUrlFor,
  completeFlow,
  csrfTokenOf,
  initSession,
  openConfirmPage,
  openShortLink,
  postContinue,
  sendCallback,
  signedGet,
  UPSTREAM_PROVIDER,
  withTestServer,
} from "./_harness.ts";

Deno.test("shortLink() renders the confirmation page: provider, scopes, times, code, one POST form", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server, { scope: "openid offline_access" });
    const { response, html } = await openConfirmPage(server, init);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type")!, /^text\/html/);
    assert.ok(html.includes('data-page="confirm"'));
    assert.ok(html.includes(`data-confirmation-code="${init.confirmationCode}"`));
    assert.ok(html.includes("Continue only if your agent showed you this code"));
    assert.ok(html.includes("<code>openid</code> <code>offline_access</code>"));
    assert.ok(
      html.includes(new Date(server.clock.now()).toISOString().slice(0, 16).replace("T", " ")),
    );
    assert.equal(html.match(/<form\s/g)?.length, 1);
    assert.match(html, /<form\s+method="post">/);
    assert.equal(html.match(/<button\s/g)?.length, 1);
    assert.ok(!html.includes("<script"), "works without JavaScript");
    assert.match(
      response.headers.get("content-security-policy")!,
      /form-action 'self' http:\/\/127\.0\.0\.1:9;?$/,
    );
    const setCookie = response.headers.get("set-cookie")!;
    assert.match(
      setCookie,
      new RegExp(
        `^clawauth_csrf=[A-Za-z0-9_-]{43}; Max-Age=3600; Path=/${UPSTREAM_PROVIDER}/${init.sessionId}; HttpOnly; SameSite=Strict$`,
      ),
    );
  });
});

Deno.test("shortLink() writes nothing to KV however often the page is opened", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    const before = JSON.stringify(await allEntries(server.kv));
    for (let i = 0; i < 5; i++) await openConfirmPage(server, init);
    assert.equal(JSON.stringify(await allEntries(server.kv)), before);
  }, { env: { CLAWAUTH_LINK_RATE_LIMIT: "0" } });
});

Deno.test("continue binds the browser and redirects (303) to the provider with a fresh state", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    const first = await openShortLink(server, init);
    assert.equal(first.response.status, 303);
    const name = `clawauth_${init.sessionId}`;
    const binding = first.cookies.get(name, `${BASE_URL}/callback/${UPSTREAM_PROVIDER}`)!;
    assert.match(binding, /^[A-Za-z0-9_-]{43}$/);
    const stored = JSON.stringify(
      (await allEntries(server.kv)).map((e) => [e.key, e.value]),
      (_key, value) => typeof value === "bigint" ? String(value) : value,
    );
    assert.ok(!stored.includes(binding), "KV holds the cookie's hash, never the cookie");
    // The state says nothing: not the session, not the provider, nothing that decodes.
    const state = first.authorizeUrl.searchParams.get("state")!;
    const decoded = new TextDecoder().decode(
      Uint8Array.from(atob(state.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
    );
    for (const text of [state, decoded]) {
      assert.ok(!text.includes(init.sessionId) && !text.includes(init.sessionId.slice(0, 8)));
      assert.ok(!text.includes(UPSTREAM_PROVIDER));
    }
    // The same browser may continue again: a new state replaces the old one.
    const again = await openShortLink(server, init, first.cookies);
    assert.notEqual(
      again.authorizeUrl.searchParams.get("state"),
      first.authorizeUrl.searchParams.get("state"),
    );
    assert.equal(again.response.headers.get("set-cookie"), null, "the binding stays");
    const record = (await server.kv.get<{ status: string }>(["session", init.sessionId])).value!;
    assert.equal(record.status, "pending");
  });
});

Deno.test("continue refuses a cross-site POST, a missing Origin and a wrong CSRF token", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    const page = await openConfirmPage(server, init);
    const token = csrfTokenOf(page.html);
    const cases: [string, Record<string, string>, string, string][] = [
      ["cross-site", { "sec-fetch-site": "cross-site" }, token, "cross_site_request"],
      ["same-site", { "sec-fetch-site": "same-site" }, token, "cross_site_request"],
      [
        "foreign Origin",
        { "sec-fetch-site": "", origin: "http://evil.test" },
        token,
        "cross_site_request",
      ],
      ["no headers", { "sec-fetch-site": "", origin: "" }, token, "cross_site_request"],
      ["bad token", {}, "A".repeat(43), "csrf_mismatch"],
    ];
    for (const [name, headers, csrf, code] of cases) {
      const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ""));
      const dropped = Object.keys(headers).filter((k) => headers[k] === "");
      const response = await page.cookies.fetch(init.shortAuthUrl, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          ...(dropped.includes("sec-fetch-site") ? {} : { "sec-fetch-site": "same-origin" }),
          ...(dropped.includes("origin") ? {} : { origin: BASE_URL }),
          ...clean,
        },
        body: new URLSearchParams({ csrf }).toString(),
      }, server.fetch);
      await assertPage(response, { status: 403, code, message: "" });
      assert.equal(response.headers.get("location"), null, name);
    }
    // Without the page's cookie the token is worthless.
    const noCookie = await postContinue(server, init, { cookies: new CookieJar(), token });
    await assertPage(noCookie, { status: 403, code: "csrf_mismatch", message: "" });
    const status = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.equal((await status.json()).status, "pending", "nothing was bound or failed");
    const record = (await server.kv.get<{ binding?: string }>(["session", init.sessionId])).value!;
    assert.equal(record.binding, undefined);
  });
});

Deno.test("a continue from a second browser contests the session: it fails with session_contested", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await initSession(server);
    await openShortLink(server, init);
    const intruder = await openConfirmPage(server, init);
    assert.equal(intruder.response.status, 200, "a GET from another browser changes nothing");
    const response = await postContinue(server, init, {
      cookies: intruder.cookies,
      token: csrfTokenOf(intruder.html),
    });
    await assertPage(response, {
      status: 409,
      code: "session_contested",
      message: "This sign-in link was already used in another browser",
    });
    const status = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.equal(status.status, 400);
    const body = await status.json();
    assert.equal(body.status, "error");
    assert.equal(body.code, "session_contested");
    assert.match(body.error, /^session_contested: the sign-in link was used in two browsers/);
    await assertPage(
      await openConfirmPage(server, init).then((p) => new Response(p.html, p.response)),
      {
        status: 409,
        code: "session_contested",
        message: "already used in another browser",
      },
    );
  });
});

Deno.test("shortLink() shows a 404 page for an unknown or expired session, without a cookie", async () => {
  await withTestServer(async (server) => {
    await assertPage(await server.request(`/${UPSTREAM_PROVIDER}/${crypto.randomUUID()}`), {
      status: 404,
      code: "session_not_found",
      message: "This sign-in link has expired or does not exist. Ask your agent for a new link.",
    });
    const { init } = await initSession(server, { ttlSeconds: 60 });
    server.clock.advance(60_000);
    const response = await server.request(`/${UPSTREAM_PROVIDER}/${init.sessionId}`);
    assert.equal(response.headers.get("set-cookie"), null);
    await assertPage(response, { status: 404, code: "session_not_found", message: "expired" });
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

Deno.test("shortLink() says 'already signed in' once completed and 'already handed over' once claimed", async () => {
  await withTestServer(async (server) => {
    const { init, keys, cookies } = await completeFlow(server);
    const mine = await openConfirmPage(server, init, cookies);
    await assertPage(new Response(mine.html, mine.response), {
      status: 410,
      code: "session_completed",
      message: "You have already signed in with this link.",
    });
    const claim = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal(claim.status, 200);
    await claim.body?.cancel();
    await assertPage(await server.request(`/${UPSTREAM_PROVIDER}/${init.sessionId}`), {
      status: 410,
      code: "session_claimed",
      message: "your agent already received the account",
    });
    const again = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal(again.status, 404, "the tombstone is not a session for the agent");
    await again.body?.cancel();
    const tomb = (await server.kv.get<Record<string, unknown>>(["session", init.sessionId])).value!;
    assert.equal(tomb.status, "claimed");
    assert.equal(tomb.blob, undefined);
  }, { upstream: true });
});

Deno.test("a sign-in completed in another browser can be stopped from this one before the claim", async () => {
  await withTestServer(async (server) => {
    const { init, keys } = await completeFlow(server, { account: "bob" });
    const other = await openConfirmPage(server, init);
    assert.equal(other.response.status, 200);
    assert.ok(other.html.includes('data-page="used-elsewhere"'), other.html);
    assert.match(other.response.headers.get("content-security-policy")!, /form-action 'self'/);
    const stop = await postContinue(server, init, {
      cookies: other.cookies,
      token: csrfTokenOf(other.html),
    });
    await assertPage(stop, { status: 409, code: "session_contested", message: "" });
    const claim = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal(claim.status, 400);
    const body = await claim.json();
    assert.equal(body.code, "session_contested");
    assert.equal(body.blob, undefined, "the first browser's account is never delivered");
  }, { upstream: true });
});

Deno.test("shortLink() shows a 410 page once the session failed; the provider's text is not on it", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    const opened = await openShortLink(server, init);
    const callback = await sendCallback(
      server,
      callbackUrlFor(opened, {
        error: "<script>alert(1)</script>",
        error_description: `"><img src=x onerror=alert(2)>`,
      }),
      opened.cookies,
    );
    const callbackHtml = await callback.text();
    assert.ok(callbackHtml.includes("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), callbackHtml);
    assert.ok(!callbackHtml.includes("<img") && !callbackHtml.includes("<script>"));
    const html = await assertPage(
      await server.request(`/${UPSTREAM_PROVIDER}/${init.sessionId}`),
      {
        status: 410,
        code: "session_failed",
        message: "This sign-in failed. Ask your agent for a new link to try again.",
      },
    );
    assert.ok(!html.includes("<script>"));
    assert.ok(!html.includes("<img"));
  });
});

Deno.test("shortLink() rate-limits opens and continues per client address with a 429 page", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    const headers = { "x-forwarded-for": "198.51.100.7" };
    for (let i = 0; i < 3; i++) {
      const ok = await server.request(`/${UPSTREAM_PROVIDER}/${init.sessionId}`, { headers });
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
    }
    const limited = await server.request(`/${UPSTREAM_PROVIDER}/${init.sessionId}`, { headers });
    assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    const html = await assertPage(limited, {
      status: 429,
      code: "rate_limited",
      message: "too many link requests from this address",
    });
    assert.ok(html.includes('data-page="rate-limited"'));
    assert.match(html, /Try again in \d+ seconds\./);
    // Continues have their own budget, counted in KV (shared by every instance).
    const page = await openConfirmPage(server, init);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await postContinue(server, init, {
        cookies: page.cookies,
        token: csrfTokenOf(page.html),
        headers,
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    assert.deepEqual(statuses, [303, 303, 303, 429]);
  }, { env: { CLAWAUTH_LINK_RATE_LIMIT: "3", CLAWAUTH_TRUST_PROXY: "1" } });
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

Deno.test("200 opens of a link, from one address or 200, add no KV key (previewers, crawlers)", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server);
    const count = async () => (await allEntries(server.kv)).length;
    const before = await count();
    let limited = 0;
    for (let i = 0; i < 200; i++) {
      for (const address of ["198.51.100.1", `203.0.113.${i}`]) {
        const response = await server.request(`/${UPSTREAM_PROVIDER}/${init.sessionId}`, {
          headers: { "x-forwarded-for": address },
        });
        if (response.status === 429) limited++;
        await response.body?.cancel();
      }
    }
    assert.equal(limited, 200 - 60, "one address is limited to 60 opens a minute");
    assert.equal(await count(), before, "no key per open, nor per address");
  }, { env: { CLAWAUTH_LINK_RATE_LIMIT: "60", CLAWAUTH_TRUST_PROXY: "1" } });
});
