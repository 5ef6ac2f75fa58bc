import assert from "node:assert/strict";
import { signRequest } from "../../shared/sign_request.ts";
import {
  type ClientKeys,
  initSession,
  signedGet,
  startTestServer,
  type TestServer,
  UPSTREAM_PROVIDER,
} from "./_harness.ts";

async function signedDelete(
  server: TestServer,
  sessionId: string,
  keys: ClientKeys,
  signedMethod = "DELETE",
): Promise<Response> {
  const path = `/session/${sessionId}`;
  const headers = await signRequest(keys.signSecretKey, {
    sessionId,
    path,
    method: signedMethod,
    timestamp: Math.floor(server.clock.now() / 1000),
  });
  return server.request(path, { method: "DELETE", headers });
}

Deno.test("removeSession() deletes a pending session so status and claim find nothing", async () => {
  const server = await startTestServer();
  try {
    const { init, keys } = await initSession(server);
    const response = await signedDelete(server, init.sessionId, keys);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      removed: true,
      sessionId: init.sessionId,
      provider: UPSTREAM_PROVIDER,
    });
    const status = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.equal(status.status, 404);
    assert.equal((await status.json()).code, "session_not_found");
    const again = await signedDelete(server, init.sessionId, keys);
    assert.equal(again.status, 404);
  } finally {
    await server.close();
  }
});

Deno.test("removeSession() refuses a signature made for GET and leaves the session", async () => {
  const server = await startTestServer();
  try {
    const { init, keys } = await initSession(server);
    const response = await signedDelete(server, init.sessionId, keys, "GET");
    assert.equal(response.status, 401);
    const body = await response.json();
    assert.equal(body.code, "invalid_signature");
    assert.match(body.error, /does not verify for DELETE \/session\//);
    const status = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.equal(status.status, 200);
  } finally {
    await server.close();
  }
});
