// The server's logs after a full flow (and its usual failures) hold one JSON line per request
// (route, status, duration) and none of the secrets that crossed it: tokens, the code, the state,
// the client secret, STATE_SIGNING_SECRET, PKCE values, the browser-binding cookie, keys,
// signatures, nonces or the sealed blob.

import assert from "node:assert/strict";
import { signRequest } from "../../shared/sign_request.ts";
import { encodeBase64 } from "../../shared/base64.ts";
import type { SealedTokenPayload } from "../../shared/wire.ts";
import { startServerProcess } from "../fixtures/server_process.ts";
import {
  approve,
  createClientKeys,
  deliverCallback,
  openBlob,
  PROVIDER,
  startUpstreamAndSettings,
} from "./_server_flow.ts";

interface Sent {
  method: string;
  path: string;
  status: number;
}

Deno.test("server logs: one JSON line per request, and no token, code, state, secret or key", async () => {
  const { upstream, env } = await startUpstreamAndSettings();
  const server = await startServerProcess({ env });
  const secrets = new Map<string, string>([
    ["STATE_SIGNING_SECRET", env.STATE_SIGNING_SECRET],
    ["client secret", upstream.client.clientSecret],
  ]);
  const sent: Sent[] = [];
  async function send(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${server.url}${path}`, { ...init, redirect: "manual" });
    sent.push({ method: init.method ?? "GET", path, status: response.status });
    return response;
  }
  async function sendSigned(
    action: "status" | "claim",
    sessionId: string,
    options: { key: CryptoKey; nonce?: string; tamper?: boolean },
  ): Promise<Response> {
    const path = `/${action}/${sessionId}`;
    const headers = await signRequest(options.key, { sessionId, path, nonce: options.nonce });
    secrets.set(`signature #${sent.length}`, headers["x-signature"]);
    secrets.set(`nonce #${sent.length}`, headers["x-request-nonce"]);
    if (options.tamper) headers["x-signature"] = encodeBase64(new Uint8Array(64));
    return await send(path, { headers });
  }

  try {
    upstream.addRedirectUri(`${server.url}/callback/demo`);
    const keys = await createClientKeys();
    secrets.set("verifyKey", keys.verifyKey);
    secrets.set("boxPublicKey", keys.boxPublicKey);
    secrets.set("box secret key", encodeBase64(keys.box.secretKey));

    for (const path of ["/healthz", "/readyz", "/providers", "/no/such/route/here"]) {
      await (await send(path)).body?.cancel();
    }
    await (await send("/init", { method: "POST", body: "{not json" })).body?.cancel();
    const initResponse = await send("/init", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        provider: PROVIDER,
        verifyKey: keys.verifyKey,
        boxPublicKey: keys.boxPublicKey,
      }),
    });
    const init = await initResponse.json();
    assert.equal(initResponse.status, 200, JSON.stringify(init));
    const sessionId: string = init.sessionId;
    secrets.set("session id", sessionId);
    secrets.set("confirmation code", init.confirmationCode);

    await (await sendSigned("status", sessionId, { key: keys.signKey })).body?.cancel();

    const callback = await approve(init.shortAuthUrl);
    // The confirmation page (GET 200), then its button (POST 303 to the provider).
    const own = callback.visited.filter((url) => url.origin === server.url);
    assert.equal(own.length, 2);
    sent.push({ method: "GET", path: own[0].pathname, status: 200 });
    sent.push({ method: "POST", path: own[1].pathname, status: 303 });
    const authUrl = callback.visited.find((url) => url.origin !== server.url)!;
    secrets.set("authorize URL", authUrl.href);
    secrets.set("state (authorize URL)", authUrl.searchParams.get("state")!);
    const challenge = authUrl.searchParams.get("code_challenge");
    if (challenge) secrets.set("PKCE code_challenge", challenge);
    secrets.set("code", callback.callbackUrl.searchParams.get("code")!);
    secrets.set("state", callback.callbackUrl.searchParams.get("state")!);
    for (const cookie of callback.cookies.all()) {
      secrets.set(`cookie ${cookie.name}`, cookie.value);
    }

    // A tampered state first: refused, and still not logged.
    const tampered = new URL(callback.callbackUrl);
    tampered.searchParams.set("state", `${tampered.searchParams.get("state")}x`);
    const refused = await callback.cookies.fetch(tampered, { method: "GET" });
    await refused.body?.cancel();
    sent.push({ method: "GET", path: "/callback", status: refused.status });
    assert.ok(refused.status >= 400 && refused.status < 500, `tampered state: ${refused.status}`);

    const delivered = await deliverCallback(callback);
    sent.push({ method: "GET", path: "/callback", status: delivered.status });
    assert.equal(delivered.status, 200, delivered.body);
    const verifier = upstream.tokenRequestBodies[0]?.get("code_verifier");
    if (verifier) secrets.set("PKCE code_verifier", verifier);

    await (await sendSigned("status", sessionId, { key: keys.signKey, tamper: true })).body
      ?.cancel();
    const reused = "log-hygiene-nonce-0001";
    await (await sendSigned("status", sessionId, { key: keys.signKey, nonce: reused })).body
      ?.cancel();
    await (await sendSigned("status", sessionId, { key: keys.signKey, nonce: reused })).body
      ?.cancel();
    await (await sendSigned("status", crypto.randomUUID(), { key: keys.signKey })).body?.cancel();

    const claimResponse = await sendSigned("claim", sessionId, { key: keys.signKey });
    const claim = await claimResponse.json();
    assert.equal(claimResponse.status, 200, JSON.stringify(claim));
    for (const [field, value] of Object.entries(claim.blob as Record<string, string>)) {
      secrets.set(`blob ${field}`, value);
    }
    const payload = openBlob(claim.blob, keys);
    addTokenSecrets(secrets, "login", payload);
    await (await sendSigned("claim", sessionId, { key: keys.signKey })).body?.cancel();

    const refreshResponse = await send("/refresh", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        provider: PROVIDER,
        refreshToken: payload.tokenData.refresh_token,
        boxPublicKey: keys.boxPublicKey,
      }),
    });
    const refreshed = await refreshResponse.json();
    assert.equal(refreshResponse.status, 200, JSON.stringify(refreshed));
    addTokenSecrets(secrets, "refresh", openBlob(refreshed.blob, keys));
    // The spent refresh token again: invalid_grant, and its value stays out of the log too.
    const spent = await send("/refresh", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        provider: PROVIDER,
        refreshToken: payload.tokenData.refresh_token,
        boxPublicKey: keys.boxPublicKey,
      }),
    });
    await spent.body?.cancel();
    assert.equal(spent.status, 400);
  } finally {
    await server.stop();
    await upstream.close();
  }

  const lines = server.logs();
  const text = lines.join("\n");
  for (const [name, value] of secrets) {
    assert.ok(value.length >= 8, `${name} is long enough to search for`);
    assert.ok(!text.includes(value), `the server log contains the ${name}`);
  }

  const requestLines = server.jsonLogs().filter((line) => "route" in line);
  assert.deepEqual(
    requestLines.map((line) => [line.method, line.status]),
    sent.map((request) => [request.method, request.status]),
    "one log line per request, in order, with its status",
  );
  for (const line of requestLines) {
    assert.equal(typeof line.route, "string");
    assert.ok(!/[0-9a-f]{8}-[0-9a-f]{4}-/.test(String(line.route)), `raw path: ${line.route}`);
    assert.equal(typeof line.durationMs, "number");
    assert.ok(Number(line.durationMs) >= 0);
    if ("session" in line) assert.ok(String(line.session).length <= 8);
  }
});

function addTokenSecrets(
  secrets: Map<string, string>,
  label: string,
  payload: SealedTokenPayload,
): void {
  for (const field of ["access_token", "refresh_token", "id_token"]) {
    const value = payload.tokenData[field];
    if (typeof value === "string") secrets.set(`${label} ${field}`, value);
  }
  assert.ok(secrets.has(`${label} access_token`), `${label} returned an access token`);
}
