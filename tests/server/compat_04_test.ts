// The clawauth 0.4 CLI's wire protocol, driven by hand with tweetnacl as the 0.4 client does
// it (no helper of ours on the client side): POST /init with the 0.4 body, the person opens
// the link it prints (now the confirmation page, without a code the 0.4 CLI could show), then
// signed GET /status and GET /claim, and the blob opens with nacl.box into the 0.4 payload.

import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { authorizeOverHttp } from "../fixtures/oidc_provider.ts";
import { BASE_URL, sendCallback, startTestServer, UPSTREAM_PROVIDER } from "./_harness.ts";

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

function signed04(
  sign: nacl.SignKeyPair,
  sessionId: string,
  action: "status" | "claim",
  nowSeconds: number,
): Record<string, string> {
  const nonce = b64(nacl.randomBytes(18)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
  const timestamp = String(nowSeconds);
  const message = `${timestamp}|${sessionId}|GET|/${action}/${sessionId}|${nonce}`;
  const signature = nacl.sign.detached(new TextEncoder().encode(message), sign.secretKey);
  return { "x-timestamp": timestamp, "x-request-nonce": nonce, "x-signature": b64(signature) };
}

Deno.test("the 0.4 wire protocol: init, the person through the confirmation page, status, claim", async () => {
  const server = await startTestServer({ upstream: true });
  try {
    const sign = nacl.sign.keyPair();
    const box = nacl.box.keyPair();
    const initResponse = await server.request("/init", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        provider: UPSTREAM_PROVIDER,
        verifyKey: b64(sign.publicKey),
        boxPublicKey: b64(box.publicKey),
        ttlSeconds: 600,
      }),
    });
    assert.equal(initResponse.status, 200);
    const init = await initResponse.json();
    for (const field of ["sessionId", "authUrl", "shortAuthUrl", "expiresIn"]) {
      assert.ok(field in init, field);
    }
    assert.equal(init.expiresIn, 600);
    const now = () => Math.floor(server.clock.now() / 1000);
    const get = (action: "status" | "claim") =>
      server.request(`/${action}/${init.sessionId}`, {
        headers: signed04(sign, init.sessionId, action, now()),
      });

    assert.deepEqual(await (await get("status")).json(), {
      status: "pending",
      provider: UPSTREAM_PROVIDER,
    });
    // The 0.4 CLI prints authUrl and shortAuthUrl: both lead to the confirmation page.
    for (const link of [init.authUrl, init.shortAuthUrl]) {
      assert.ok(link.startsWith(`${BASE_URL}/${UPSTREAM_PROVIDER}/`), link);
    }
    const { callbackUrl, cookies } = await authorizeOverHttp(init.authUrl, { fetch: server.fetch });
    const callback = await sendCallback(server, callbackUrl, cookies);
    assert.equal(callback.status, 200);
    await callback.body?.cancel();

    assert.deepEqual(await (await get("status")).json(), {
      status: "completed",
      provider: UPSTREAM_PROVIDER,
    });
    const claim = await get("claim");
    assert.equal(claim.status, 200);
    const body = await claim.json();
    assert.deepEqual(Object.keys(body).sort(), ["blob", "provider", "status"]);
    assert.deepEqual(Object.keys(body.blob).sort(), ["ciphertext", "ephemeralPublicKey", "nonce"]);
    const opened = nacl.box.open(
      unb64(body.blob.ciphertext),
      unb64(body.blob.nonce),
      unb64(body.blob.ephemeralPublicKey),
      box.secretKey,
    );
    assert.ok(opened, "the blob opens with the session's box key");
    const payload = JSON.parse(new TextDecoder().decode(opened!));
    assert.equal(payload.provider, UPSTREAM_PROVIDER);
    assert.ok(!Number.isNaN(Date.parse(payload.issuedAt)));
    assert.equal(typeof payload.tokenData.access_token, "string");
    assert.equal((await get("claim")).status, 404, "exactly once");
  } finally {
    await server.close();
  }
});
