import assert from "node:assert/strict";
import { openSealedJson } from "../../shared/seal.ts";
import { signRequest } from "../../shared/sign_request.ts";
import type { SealedTokenPayload } from "../../shared/wire.ts";
import { authorizeOverHttp, startOidcUpstream } from "../fixtures/oidc_provider.ts";
import { ServerExitedError, startServerProcess } from "../fixtures/server_process.ts";
import { newClientKeys, STATE_SECRET } from "./_harness.ts";

Deno.test("main.ts prints its listening line, logs JSON per request and exits 0 on SIGTERM", async () => {
  const server = await startServerProcess({ env: { STATE_SIGNING_SECRET: STATE_SECRET } });
  let stopped = false;
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(server.port > 0);
    assert.deepEqual(server.jsonLogs()[0], { msg: "listening", url: server.url });
    const healthz = await fetch(`${server.url}/healthz`);
    assert.deepEqual(await healthz.json(), { status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    assert.deepEqual(await ready.json(), { status: "ready" });
    const status = await server.stop();
    stopped = true;
    assert.equal(status.code, 0);
    const routes = server.jsonLogs().filter((line) => line.route !== undefined)
      .map((line) => `${line.route} ${line.status}`);
    assert.deepEqual(routes, ["/healthz 200", "/readyz 200"]);
    assert.ok(server.jsonLogs().some((line) => line.msg === "stopping"));
  } finally {
    if (!stopped) await server.kill();
  }
});

Deno.test("main.ts without STATE_SIGNING_SECRET says so at startup and answers 500", async () => {
  const server = await startServerProcess();
  try {
    const startup = server.logs().map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return {};
      }
    }).find((line) => line.code === "server_misconfigured");
    assert.deepEqual(
      { level: startup?.level, msg: startup?.msg, setting: startup?.setting },
      {
        level: "error",
        msg: "server misconfigured: STATE_SIGNING_SECRET is not set",
        setting: "STATE_SIGNING_SECRET",
      },
    );
    const response = await fetch(`${server.url}/providers`);
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), {
      error: "server misconfigured: STATE_SIGNING_SECRET is not set",
      code: "server_misconfigured",
      setting: "STATE_SIGNING_SECRET",
    });
  } finally {
    await server.stop();
  }
});

Deno.test("main.ts refuses a malformed setting and exits 1 naming it", async () => {
  await assert.rejects(
    startServerProcess({ env: { STATE_SIGNING_SECRET: STATE_SECRET, PORT: "http" } }),
    (error: unknown) => {
      assert.ok(error instanceof ServerExitedError);
      assert.equal(error.code, 1);
      assert.ok(
        error.lines.some((line) =>
          line.includes(`cannot start: PORT must be a whole number from 0 to 65535: got \\"http\\"`)
        ),
        error.lines.join("\n"),
      );
      return true;
    },
  );
});

Deno.test("a full flow through the server process leaves no secret in its output", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const server = await startServerProcess({
    env: {
      STATE_SIGNING_SECRET: STATE_SECRET,
      CLAWAUTH_PROVIDERS: JSON.stringify([{
        name: "demo",
        type: "oidc",
        issuer: upstream.issuer,
        clientId: upstream.client.clientId,
        clientSecret: upstream.client.clientSecret,
        scopes: ["openid", "offline_access"],
      }]),
    },
  });
  try {
    upstream.addRedirectUri(`${server.url}/callback/demo`);
    const keys = newClientKeys();
    const init = await (await fetch(`${server.url}/init`, {
      method: "POST",
      body: JSON.stringify({
        provider: "demo",
        verifyKey: keys.verifyKey,
        boxPublicKey: keys.boxPublicKey,
      }),
    })).json();
    const { callbackUrl, cookies, visited } = await authorizeOverHttp(init.shortAuthUrl);
    const authUrl = visited.find((url) => url.origin !== server.url)!;
    const callback = await cookies.fetch(callbackUrl);
    assert.equal(callback.status, 200, await callback.text());
    const path = `/claim/${init.sessionId}`;
    const claim = await fetch(`${server.url}${path}`, {
      headers: await signRequest(keys.signSecretKey, { sessionId: init.sessionId, path }),
    });
    const { tokenData } = openSealedJson(
      (await claim.json()).blob,
      keys.boxSecretKey,
    ) as SealedTokenPayload;
    const refresh = await fetch(`${server.url}/refresh`, {
      method: "POST",
      body: JSON.stringify({
        provider: "demo",
        refreshToken: tokenData.refresh_token,
        boxPublicKey: keys.boxPublicKey,
      }),
    });
    assert.equal(refresh.status, 200);
    await refresh.body?.cancel();

    const exchange = upstream.tokenRequestBodies[0];
    const secrets = {
      access_token: String(tokenData.access_token),
      refresh_token: String(tokenData.refresh_token),
      code: exchange.get("code")!,
      code_verifier: exchange.get("code_verifier")!,
      state: authUrl.searchParams.get("state")!,
      client_secret: upstream.client.clientSecret,
      state_signing_secret: STATE_SECRET,
      verify_key: keys.verifyKey,
      box_public_key: keys.boxPublicKey,
      session_id: init.sessionId,
    };
    await server.stop();
    const output = server.logs().join("\n");
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(secret.length >= 20, `${name} is a real value`);
      assert.ok(!output.includes(secret), `the output holds the ${name}`);
    }
    assert.equal(server.jsonLogs().filter((line) => line.route !== undefined).length, 6);
  } finally {
    await server.kill();
    await upstream.close();
  }
});
