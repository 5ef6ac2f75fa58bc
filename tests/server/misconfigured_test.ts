import assert from "node:assert/strict";
import { newClientKeys, startTestServer, UPSTREAM_PROVIDER } from "./_harness.ts";

Deno.test("without STATE_SIGNING_SECRET every route but /healthz answers 500 naming the setting", async () => {
  const server = await startTestServer({ env: { STATE_SIGNING_SECRET: "" } });
  try {
    const healthz = await server.request("/healthz");
    assert.equal(healthz.status, 200);
    assert.deepEqual(await healthz.json(), { status: "ok" });
    const keys = newClientKeys();
    for (
      const [path, init] of [
        ["/readyz", {}],
        ["/providers", {}],
        ["/v1/providers", {}],
        ["/init", {
          method: "POST",
          body: JSON.stringify({
            provider: UPSTREAM_PROVIDER,
            verifyKey: keys.verifyKey,
            boxPublicKey: keys.boxPublicKey,
          }),
        }],
        ["/callback?state=x&code=y", {}],
        [`/status/${crypto.randomUUID()}`, {}],
        [`/${UPSTREAM_PROVIDER}/${crypto.randomUUID()}`, {}],
        ["/no-such-route", {}],
      ] as const
    ) {
      const response = await server.request(path, init);
      assert.equal(response.status, 500, path);
      assert.deepEqual(await response.json(), {
        error: "server misconfigured: STATE_SIGNING_SECRET is not set",
        code: "server_misconfigured",
        setting: "STATE_SIGNING_SECRET",
      }, path);
    }
  } finally {
    await server.close();
  }
});
