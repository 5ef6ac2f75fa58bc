// Two server processes on one KV SQLite file, on two ports, as behind a load balancer: the login
// starts on A, the provider's redirect lands on B, and claims race on A and B.

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

const RACERS_PER_SERVER = 5;

Deno.test("two servers on one KV: start on A, callback on B, racing claims on A and B yield exactly one blob", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-scale-out-" });
  const kvPath = `${dir}/kv.sqlite`;
  const { upstream, env } = await startUpstreamAndSettings();
  const a = await startServerProcess({ env, kvPath });
  const b = await startServerProcess({ env, kvPath });
  try {
    assert.notEqual(a.port, b.port);
    upstream.addRedirectUri(`${a.url}/callback/demo`);

    const keys = await createClientKeys();
    const init = await initSession(a.url, keys);
    assert.ok(init.shortAuthUrl.startsWith(`${a.url}/`));
    // B sees the session A created.
    const pendingOnB = await signedGet(b.url, {
      action: "status",
      sessionId: init.sessionId,
      keys,
    });
    assert.deepEqual(pendingOnB, { status: 200, body: { status: "pending", provider: "demo" } });

    const callback = await approve(init.shortAuthUrl);
    assert.equal(callback.callbackUrl.origin, a.url, "the provider redirects to A's callback");
    const onB = await deliverCallback(callback, b.url);
    assert.equal(onB.status, 200, onB.body);
    assert.equal(upstream.counts.authorizationCodeGrants, 1);

    // A sees what B completed.
    const completedOnA = await signedGet(a.url, {
      action: "status",
      sessionId: init.sessionId,
      keys,
    });
    assert.deepEqual(completedOnA, {
      status: 200,
      body: { status: "completed", provider: "demo" },
    });

    const claims = await Promise.all(
      [a, b].flatMap((server) =>
        Array.from(
          { length: RACERS_PER_SERVER },
          () => signedGet(server.url, { action: "claim", sessionId: init.sessionId, keys }),
        )
      ),
    );
    const winners = claims.filter((c) => c.status === 200);
    const losers = claims.filter((c) => c.status !== 200);
    assert.equal(winners.length, 1, `exactly one claim wins: ${JSON.stringify(claims)}`);
    for (const loser of losers) {
      assert.ok(
        loser.status === 404 || loser.status === 410,
        `a losing claim gets 404/410: ${JSON.stringify(loser)}\n${
          [...a.logs(), ...b.logs()].filter((l) => l.includes("stack")).join("\n")
        }`,
      );
    }
    const { body } = winners[0];
    assert.equal(body.status, "completed");
    const payload = openBlob(body.blob, keys);
    assert.equal(payload.provider, "demo");
    const accessToken = payload.tokenData.access_token as string;
    assert.deepEqual(await userinfo(upstream, accessToken), { status: 200, sub: "alice" });

    // Gone on both servers afterwards.
    for (const server of [a, b]) {
      const after = await signedGet(server.url, {
        action: "claim",
        sessionId: init.sessionId,
        keys,
      });
      assert.ok(after.status === 404 || after.status === 410, JSON.stringify(after));
    }
    for (const server of [a, b]) {
      const errors = server.jsonLogs().filter((line) => Number(line.status) >= 500);
      assert.deepEqual(errors, [], `server ${server.url} answered 5xx`);
    }
  } finally {
    await a.stop();
    await b.stop();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});
