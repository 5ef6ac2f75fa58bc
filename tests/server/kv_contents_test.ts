import assert from "node:assert/strict";
import { openSealedJson } from "../../shared/seal.ts";
import type { SealedBox, SealedTokenPayload } from "../../shared/wire.ts";
import { allEntries, completeFlow, startTestServer } from "./_harness.ts";

Deno.test("after a completed login no KV value holds the plaintext access or refresh token", async () => {
  const server = await startTestServer({ upstream: true });
  try {
    const { init, keys } = await completeFlow(server);
    const entries = await allEntries(server.kv);
    const session = entries.find((e) => e.key[0] === "session" && e.key[1] === init.sessionId);
    const record = session!.value as { status: string; blob: SealedBox };
    assert.equal(record.status, "completed");
    const { tokenData } = openSealedJson(record.blob, keys.boxSecretKey) as SealedTokenPayload;
    const exchange = server.upstream!.tokenRequestBodies[0];
    const secrets = {
      access_token: String(tokenData.access_token),
      refresh_token: String(tokenData.refresh_token),
      id_token: String(tokenData.id_token),
      code: exchange.get("code")!,
      code_verifier: exchange.get("code_verifier")!,
      client_secret: server.upstream!.client.clientSecret,
    };
    const dump = JSON.stringify(entries.map((e) => [e.key, e.value]));
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(secret.length >= 20, `${name} is a real value`);
      assert.ok(!dump.includes(secret), `KV holds the ${name}`);
    }
  } finally {
    await server.close();
  }
});
