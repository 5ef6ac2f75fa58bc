// Mix-up (RFC 9700 §4.4): an operator-defined provider `evil` whose authorize endpoint bounces
// the person to the honest provider (the real oidc-provider upstream) with the session's own
// `state` and PKCE challenge. The honest provider answers at its own redirect URI; the server
// must never send the honest code (nor the session's PKCE verifier) to evil's token endpoint.

import assert from "node:assert/strict";
import { authorizeOverHttp } from "../fixtures/oidc_provider.ts";
import {
  assertPage,
  BASE_URL,
  initSession,
  sendCallback,
  signedGet,
  startTestServer,
  UPSTREAM_PROVIDER,
} from "./_harness.ts";

interface EvilProvider {
  url: string;
  /** Every form body its token endpoint received. */
  tokenBodies: URLSearchParams[];
  close(): Promise<void>;
}

function startEvilProvider(bounceTo: () => { authorizeUrl: string; clientId: string }) {
  const tokenBodies: URLSearchParams[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/authorize") {
      // Bounce to the honest provider, as its registered client, back to ITS redirect URI.
      const honest = bounceTo();
      const target = new URL(honest.authorizeUrl);
      target.searchParams.set("client_id", honest.clientId);
      target.searchParams.set("response_type", "code");
      // The honest provider's redirect URI on this server: the same shape as evil's own.
      const own = url.searchParams.get("redirect_uri") ?? "";
      target.searchParams.set(
        "redirect_uri",
        own.replace(/\/callback\/evil$/, `/callback/${UPSTREAM_PROVIDER}`),
      );
      target.searchParams.set("scope", "openid");
      target.searchParams.set("state", url.searchParams.get("state") ?? "");
      const challenge = url.searchParams.get("code_challenge");
      if (challenge) {
        target.searchParams.set("code_challenge", challenge);
        target.searchParams.set("code_challenge_method", "S256");
      }
      return Response.redirect(target.href, 302);
    }
    if (url.pathname === "/token") {
      tokenBodies.push(new URLSearchParams(await req.text()));
      return Response.json({ access_token: "evil-token", token_type: "Bearer" });
    }
    return new Response("not found", { status: 404 });
  });
  const evil: EvilProvider = {
    url: `http://127.0.0.1:${server.addr.port}`,
    tokenBodies,
    close: () => server.shutdown(),
  };
  return evil;
}

Deno.test("mix-up: an evil provider's session never sends the honest provider's code to evil", async () => {
  let honest: { authorizeUrl: string; clientId: string } | undefined;
  const evil = startEvilProvider(() => honest!);
  const server = await startTestServer({
    upstream: true,
    customProviders: [{
      name: "evil",
      displayName: "Evil",
      type: "oauth2",
      authorizeUrl: `${evil.url}/authorize`,
      tokenUrl: `${evil.url}/token`,
      clientId: "evil-client",
      clientSecret: "evil-secret",
      pkce: "required",
    }],
  });
  try {
    honest = {
      authorizeUrl: server.upstream!.authorizeUrl,
      clientId: server.upstream!.client.clientId,
    };
    server.upstream!.addRedirectUri(`${BASE_URL}/callback`);
    const { init, keys } = await initSession(server, { provider: "evil" });
    const { callbackUrl, cookies } = await authorizeOverHttp(init.shortAuthUrl, {
      fetch: server.fetch,
    });
    assert.equal(callbackUrl.pathname, `/callback/${UPSTREAM_PROVIDER}`, "the honest redirect URI");
    const code = callbackUrl.searchParams.get("code")!;
    assert.ok(code, "the honest provider issued a code");
    await assertPage(await sendCallback(server, callbackUrl, cookies), {
      status: 400,
      code: "invalid_state",
      message: "this answer arrived at the address of &#39;demo&#39;, but the sign-in is for " +
        "another provider: nothing was exchanged",
    });
    // Even delivered to the legacy /callback (an operator that never migrated), it is refused.
    const legacy = new URL(callbackUrl);
    legacy.pathname = "/callback";
    assert.equal((await sendCallback(server, legacy, cookies)).status, 400);
    assert.equal(evil.tokenBodies.length, 0, "evil's token endpoint was never called");
    assert.ok(!evil.tokenBodies.some((body) => body.get("code") === code));
    const status = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.equal((await status.json()).status, "pending");
  } finally {
    await server.close();
    await evil.close();
  }
});
