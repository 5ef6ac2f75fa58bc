// A server killed with SIGKILL between the provider's callback and the agent's claim loses
// nothing: a new process on the same KV file hands the sealed token over.

import assert from "node:assert/strict";
import { startServerProcess } from "../fixtures/server_process.ts";
import {
  approve,
  createClientKeys,
  deliverCallback,
  initSession,
  openBlob,
  signedGet,
  startUpstreamAndSettings,
  userinfo,
} from "./_server_flow.ts";

Deno.test("kill -9 between callback and claim: a restarted server on the same KV hands the token over", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-crash-" });
  const kvPath = `${dir}/kv.sqlite`;
  const { upstream, env } = await startUpstreamAndSettings();
  let server = await startServerProcess({ env, kvPath });
  try {
    upstream.addRedirectUri(`${server.url}/callback/demo`);
    const keys = await createClientKeys();
    const init = await initSession(server.url, keys);
    const callback = await deliverCallback(await approve(init.shortAuthUrl));
    assert.equal(callback.status, 200, callback.body);

    const killed = await server.kill("SIGKILL");
    assert.equal(killed.signal, "SIGKILL");

    server = await startServerProcess({ env, kvPath });
    const status = await signedGet(server.url, {
      action: "status",
      sessionId: init.sessionId,
      keys,
    });
    assert.deepEqual(status, { status: 200, body: { status: "completed", provider: "demo" } });
    const claim = await signedGet(server.url, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal(claim.status, 200, JSON.stringify(claim.body));
    const payload = openBlob(claim.body.blob, keys);
    assert.equal(payload.provider, "demo");
    const accessToken = payload.tokenData.access_token as string;
    assert.deepEqual(await userinfo(upstream, accessToken), { status: 200, sub: "alice" });
    assert.equal(upstream.counts.authorizationCodeGrants, 1, "the code was exchanged once");

    const again = await signedGet(server.url, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal(again.status, 404, "claimed exactly once, across the crash too");
  } finally {
    await server.stop();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kill -9 with a login pending: after a restart the callback still completes it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-crash-" });
  const kvPath = `${dir}/kv.sqlite`;
  const { upstream, env } = await startUpstreamAndSettings();
  let server = await startServerProcess({ env, kvPath });
  try {
    upstream.addRedirectUri(`${server.url}/callback/demo`);
    const keys = await createClientKeys();
    const init = await initSession(server.url, keys);
    const approved = await approve(init.shortAuthUrl);

    await server.kill("SIGKILL");
    server = await startServerProcess({ env, kvPath });
    // The restarted process listens on a new port; the redirect reaches it as through a proxy.
    const callback = await deliverCallback(approved, server.url);
    assert.equal(callback.status, 200, callback.body);
    const claim = await signedGet(server.url, { action: "claim", sessionId: init.sessionId, keys });
    assert.equal(claim.status, 200, JSON.stringify(claim.body));
    assert.equal(openBlob(claim.body.blob, keys).provider, "demo");
  } finally {
    await server.stop();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});
