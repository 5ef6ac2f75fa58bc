import assert from "node:assert/strict";
import { openSealedJson } from "../../shared/seal.ts";
import { completeFlow, signedGet, startTestServer, UPSTREAM_PROVIDER } from "./_harness.ts";

Deno.test("a full login delivers the provider's token response sealed to the session's key", async () => {
  const server = await startTestServer({ upstream: true });
  try {
    const { init, keys } = await completeFlow(server);
    const status = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.equal(status.status, 200);
    assert.deepEqual(await status.json(), { status: "completed", provider: UPSTREAM_PROVIDER });

    const claim = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal(claim.status, 200);
    const body = await claim.json();
    assert.equal(body.status, "completed");
    assert.equal(body.provider, UPSTREAM_PROVIDER);
    const payload = openSealedJson(body.blob, keys.boxSecretKey) as {
      provider: string;
      issuedAt: string;
      tokenData: Record<string, unknown>;
    };
    assert.equal(payload.provider, UPSTREAM_PROVIDER);
    assert.equal(payload.issuedAt, new Date(server.clock.now()).toISOString());
    assert.equal(typeof payload.tokenData.access_token, "string");
    assert.equal(typeof payload.tokenData.refresh_token, "string");
  } finally {
    await server.close();
  }
});
