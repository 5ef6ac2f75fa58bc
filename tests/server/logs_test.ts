import assert from "node:assert/strict";
import { openSealedJson } from "../../shared/seal.ts";
import type { SealedTokenPayload } from "../../shared/wire.ts";
import {
  completeFlow,
  postJson,
  signedGet,
  startTestServer,
  STATE_SECRET,
  UPSTREAM_PROVIDER,
} from "./_harness.ts";

Deno.test("the request log of a full flow holds no token, code, state, key or secret", async () => {
  const server = await startTestServer({ upstream: true });
  try {
    const { init, keys, authorizeUrl: authUrl } = await completeFlow(server);
    const status = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    await status.body?.cancel();
    const claim = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
    const { tokenData } = openSealedJson(
      (await claim.json()).blob,
      keys.boxSecretKey,
    ) as SealedTokenPayload;
    const refresh = await postJson(server, "/refresh", {
      provider: UPSTREAM_PROVIDER,
      refreshToken: tokenData.refresh_token,
      boxPublicKey: keys.boxPublicKey,
    });
    assert.equal(refresh.status, 200);
    await refresh.body?.cancel();

    const exchange = server.upstream!.tokenRequestBodies[0];
    const secrets: Record<string, string> = {
      access_token: String(tokenData.access_token),
      refresh_token: String(tokenData.refresh_token),
      code: exchange.get("code")!,
      code_verifier: exchange.get("code_verifier")!,
      code_challenge: authUrl.searchParams.get("code_challenge")!,
      state: authUrl.searchParams.get("state")!,
      client_secret: server.upstream!.client.clientSecret,
      state_signing_secret: STATE_SECRET,
      verify_key: keys.verifyKey,
      box_public_key: keys.boxPublicKey,
      full_session_id: init.sessionId,
    };
    const text = server.logs.map((line) => JSON.stringify(line)).join("\n");
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(secret.length >= 20, `${name} is a real value`);
      assert.ok(!text.includes(secret), `the log holds the ${name}`);
    }
    const routes = server.logs.map((line) => `${line.method} ${line.route} ${line.status}`);
    assert.deepEqual(routes, [
      "POST /init 200",
      "GET /:provider/:sessionId 200",
      "POST /:provider/:sessionId 303",
      "GET /callback/:provider 200",
      "GET /status/:id 200",
      "GET /claim/:id 200",
      "POST /refresh 200",
    ]);
    for (const line of server.logs.slice(0, 6)) {
      assert.equal(line.session, init.sessionId.slice(0, 8));
      assert.deepEqual(Object.keys(line).sort(), [
        "durationMs",
        "level",
        "method",
        "route",
        "session",
        "status",
        "ts",
      ]);
      assert.equal(line.ts, new Date(server.clock.now()).toISOString());
    }
  } finally {
    await server.close();
  }
});

Deno.test("the request log names an error by its code and an unmatched path by no route", async () => {
  const server = await startTestServer();
  try {
    await (await server.request("/callback?state=secret-looking-state&code=secret-code")).body
      ?.cancel();
    await (await server.request("/some/unknown/path?token=abc")).body?.cancel();
    const [callback, unknown] = server.logs;
    assert.deepEqual(
      {
        route: callback.route,
        status: callback.status,
        code: callback.code,
        level: callback.level,
      },
      { route: "/callback", status: 400, code: "invalid_state", level: "warn" },
    );
    assert.deepEqual(
      { route: unknown.route, status: unknown.status, code: unknown.code },
      { route: "(unmatched)", status: 404, code: "not_found" },
    );
    const text = JSON.stringify(server.logs);
    for (const secret of ["secret-looking-state", "secret-code", "token=abc", "/some/unknown"]) {
      assert.ok(!text.includes(secret), secret);
    }
  } finally {
    await server.close();
  }
});
