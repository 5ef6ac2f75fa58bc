// Sender-constrained refresh end to end: a refresh token taken from the keychain is useless at
// the server without the profile's key; the owning CLI refreshes; server keys rotate; the legacy
// switch; no refresh token in any agent-facing output.

import assert from "node:assert/strict";
import { runCli } from "../fixtures/run_cli.ts";
import {
  loginDelegated,
  meStatus,
  PROVIDER,
  refreshKeyEntry,
  withBoundServer,
} from "./_bound_server.ts";
import { makeExpiring, storeFor, tokenGet } from "./_token_sink_e2e.ts";

const WORK = `${PROVIDER}:work`;

Deno.test("a refresh token read from the keychain is refused at /refresh without the key; the owning CLI refreshes", async () => {
  await withBoundServer(async ({ upstream, server, env }) => {
    await loginDelegated(env, "work");
    const stolen = (await (await storeFor(env)).load(WORK))!.secret;
    assert.match(stolen.refresh_binding ?? "", /^v1\.state\./, "the claim stored a binding");
    assert.ok(stolen.refresh_key, "and the profile's refresh key");

    const box = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
    const post = (body: Record<string, unknown>) =>
      fetch(`${server.url}/refresh`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ provider: PROVIDER, boxPublicKey: box, ...body }),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const alone = await post({ refreshToken: stolen.refresh_token });
    assert.equal(alone.status, 403);
    assert.equal(alone.body.code, "unbound_refresh_refused");
    const withBinding = await post({
      refreshToken: stolen.refresh_token,
      refreshBinding: stolen.refresh_binding,
    });
    assert.equal(withBinding.status, 401);
    assert.equal(withBinding.body.code, "invalid_proof");
    assert.equal(upstream.counts.refreshGrants, 0, "the provider never saw the stolen token");

    const before = await makeExpiring(env, WORK);
    const got = await tokenGet(env, WORK);
    assert.equal(got.result.code, 0, got.result.stdout + got.result.stderr);
    assert.equal(upstream.counts.refreshGrants, 1);
    assert.notEqual(got.accessToken, before.secret.access_token);
    assert.equal(await meStatus(upstream, got.accessToken!), 200);
    const after = (await (await storeFor(env)).load(WORK))!.secret;
    assert.notEqual(after.refresh_token, before.secret.refresh_token, "rotated");
    assert.notEqual(after.refresh_binding, before.secret.refresh_binding, "new binding saved");
    assert.equal(after.refresh_key, before.secret.refresh_key, "same key");
  });
});

Deno.test("agent-facing outputs carry no refresh token the provider issued", async () => {
  await withBoundServer(async ({ upstream, env }) => {
    const issued = new Set<string>();
    const remember = async () => {
      const secret = (await (await storeFor(env)).load(WORK))!.secret;
      issued.add(secret.refresh_token!);
      issued.add(secret.refresh_key!);
    };
    const outputs: string[] = [];
    const claim = await loginDelegated(env, "work", ["--reveal"]);
    outputs.push(claim.stdout, claim.stderr);
    await remember();
    await makeExpiring(env, WORK);
    for (
      const args of [
        ["token", "get", WORK, "--json"],
        ["token", "get", WORK],
        ["token", "env", WORK],
        ["token", "env", WORK, "--json"],
        ["token", "list", "--json"],
        ["token", "list"],
        ["token", "status", "--json"],
        ["token", "status"],
        ["token", "refresh", WORK, "--json"],
      ]
    ) {
      const result = await runCli(args, { env });
      assert.equal(result.code, 0, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
      outputs.push(result.stdout, result.stderr);
      await remember();
    }
    assert.ok(upstream.counts.refreshGrants >= 2, "refreshes happened (new tokens issued)");
    const get = await runCli(["token", "get", WORK, "--json"], { env });
    assert.equal((get.json() as { token: { refresh_token: unknown } }).token.refresh_token, null);
    for (const secret of issued) {
      for (const text of outputs) assert.ok(!text.includes(secret), "a refresh secret leaked");
    }
    // Only on explicit request.
    const explicit = await runCli(["token", "get", WORK, "--include-refresh", "--json"], { env });
    const current = (await (await storeFor(env)).load(WORK))!.secret.refresh_token;
    assert.equal(
      (explicit.json() as { token: { refresh_token: unknown } }).token.refresh_token,
      current,
    );
  });
});

Deno.test("server key rotation keeps bindings working; removing the key yields needs_login with the fix", async () => {
  await withBoundServer(async (world) => {
    const { env } = world;
    await loginDelegated(env, "work");
    assert.match((await (await storeFor(env)).load(WORK))!.secret.refresh_binding!, /^v1\.k1\./);

    await world.restart({
      CLAWAUTH_REFRESH_KEYS: `${refreshKeyEntry("k2", 2)},${refreshKeyEntry("k1", 1)}`,
    });
    await makeExpiring(env, WORK);
    let got = await tokenGet(env, WORK);
    assert.equal(got.result.code, 0, got.result.stdout + got.result.stderr);
    assert.equal(world.upstream.counts.refreshGrants, 1);
    const rebound = (await (await storeFor(env)).load(WORK))!.secret.refresh_binding!;
    assert.match(rebound, /^v1\.k2\./, "the refresh brought a binding under the newest key");

    await world.restart({ CLAWAUTH_REFRESH_KEYS: refreshKeyEntry("k3", 3) });
    await makeExpiring(env, WORK, -1000);
    got = await tokenGet(env, WORK);
    assert.equal(got.result.code, 1);
    assert.equal(got.error?.code, "needs_login");
    assert.match(
      got.error!.message,
      /no longer has the key.*Run: clawauth login start demo --profile work$/,
    );
    assert.equal(world.upstream.counts.refreshGrants, 1, "nothing reached the provider");
  }, { CLAWAUTH_REFRESH_KEYS: refreshKeyEntry("k1", 1) });
});

Deno.test("legacy unbound credentials: refreshed only with CLAWAUTH_ALLOW_UNBOUND_REFRESH=1; a new login binds them", async () => {
  await withBoundServer(async (world) => {
    const { env } = world;
    await loginDelegated(env, "work");
    // Make it a credential claimed before binding existed (a 0.4 claim).
    const store = await storeFor(env);
    const record = (await store.load(WORK))!;
    const { refresh_key: _k, refresh_binding: _b, ...unbound } = record.secret;
    await store.save({
      id: WORK,
      origin: "delegated",
      server: record.meta.server,
      secret: unbound,
    });

    await world.restart({ CLAWAUTH_ALLOW_UNBOUND_REFRESH: "1" });
    await makeExpiring(env, WORK, -1000);
    let got = await tokenGet(env, WORK);
    assert.equal(got.result.code, 0, got.result.stdout + got.result.stderr);
    assert.equal(world.upstream.counts.refreshGrants, 1, "the switch on: refreshed unbound");

    await world.restart();
    await makeExpiring(env, WORK, -1000);
    got = await tokenGet(env, WORK);
    assert.equal(got.result.code, 1);
    assert.equal(got.error?.code, "needs_login");
    assert.match(
      got.error!.message,
      /claimed before binding existed.*Run: clawauth login start demo --profile work$/,
    );
    assert.equal(world.upstream.counts.refreshGrants, 1, "the switch off: refused at the server");

    await loginDelegated(env, "work");
    assert.ok((await (await storeFor(env)).load(WORK))!.secret.refresh_binding, "bound now");
    await makeExpiring(env, WORK, -1000);
    got = await tokenGet(env, WORK);
    assert.equal(got.result.code, 0, got.result.stdout + got.result.stderr);
    assert.equal(world.upstream.counts.refreshGrants, 2);
  });
});

Deno.test("token get returns a still-valid token while /refresh answers 404 (0.4 server) or the server is down", async () => {
  await withBoundServer(async (world) => {
    const { env } = world;
    await loginDelegated(env, "work");
    const store = await storeFor(env);
    const record = (await store.load(WORK))!;
    // A 0.4 server: no /refresh route at all.
    const old = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () => Response.json({ error: "Not found", code: "not_found" }, { status: 404 }),
    );
    try {
      await store.save({
        id: WORK,
        origin: "delegated",
        server: `http://127.0.0.1:${old.addr.port}`,
        secret: record.secret,
      });
      const valid = await makeExpiring(env, WORK, 90_000);
      const result = await runCli(["token", "get", WORK, "--json"], { env });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const body = result.json() as {
        token: { access_token: string };
        refreshError?: { code: string };
      };
      assert.equal(body.token.access_token, valid.secret.access_token);
      assert.equal(body.refreshError?.code, "refresh_failed");
      assert.match(result.stderr, /warning: .*using the stored token, valid until/);
    } finally {
      await old.shutdown();
    }

    // The server down.
    await store.save({
      id: WORK,
      origin: "delegated",
      server: world.server.url,
      secret: record.secret,
    });
    await world.server.stop();
    const valid = await makeExpiring(env, WORK, 90_000);
    const result = await runCli(["token", "get", WORK, "--json"], { env });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const body = result.json() as {
      token: { access_token: string };
      refreshError?: { code: string };
    };
    assert.equal(body.token.access_token, valid.secret.access_token);
    assert.equal(body.refreshError?.code, "transient_error");
    // Expired: then the failure is the answer.
    await makeExpiring(env, WORK, -1000);
    const expired = await tokenGet(env, WORK);
    assert.equal(expired.result.code, 1);
    assert.equal(expired.error?.code, "transient_error");
  });
});

Deno.test("20 concurrent `token get` of a bound delegated token: one refresh grant, one token", async () => {
  await withBoundServer(async ({ upstream, env }) => {
    await loginDelegated(env, "work");
    const before = await makeExpiring(env, WORK);
    const results = await Promise.all(Array.from({ length: 20 }, () => tokenGet(env, WORK)));
    for (const { result } of results) assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(upstream.counts.refreshGrants, 1, "exactly one refresh grant");
    const tokens = new Set(results.map((r) => r.accessToken));
    assert.equal(tokens.size, 1);
    assert.notEqual([...tokens][0], before.secret.access_token);
  });
});
