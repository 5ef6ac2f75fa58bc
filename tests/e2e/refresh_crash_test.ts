// kill -9 of the process holding the refresh lock in the middle of a refresh. The test-only hooks
// CLAWAUTH_TEST_PAUSE_AFTER_IN_FLIGHT_MS / CLAWAUTH_TEST_PAUSE_AFTER_GRANT_MS (cli/flows/refresh.ts)
// make the refresher stop at the exact point and print a marker; then it is killed.

import assert from "node:assert/strict";
import { startKeyring } from "../fixtures/keyring.ts";
import { startOidcUpstream } from "../fixtures/oidc_provider.ts";
import { runCli, startCli } from "../fixtures/run_cli.ts";
import {
  FIXTURE_PROVIDER,
  loginLocalCli,
  makeExpiring,
  sinkEnv,
  storeFor,
  tokenGet,
  userinfoSub,
} from "./_token_sink_e2e.ts";

const ID = `${FIXTURE_PROVIDER}:work`;

async function scenario(
  fn: (t: {
    upstream: Awaited<ReturnType<typeof startOidcUpstream>>;
    env: Record<string, string>;
  }) => Promise<void>,
): Promise<void> {
  const upstream = await startOidcUpstream({
    redirectUris: [],
    accessTokenTtlSeconds: 3600,
    rotateRefreshTokens: true,
  });
  const keyring = await startKeyring();
  const { env, cleanup } = await sinkEnv(upstream, { ...keyring.env, CLAWAUTH_KEYCHAIN: "linux" });
  try {
    await loginLocalCli(env, { profile: "work" });
    await fn({ upstream, env });
  } finally {
    await cleanup();
    await keyring.stop();
    await upstream.close();
  }
}

Deno.test("kill -9 after marking the refresh in flight: a waiting peer takes over and refreshes", async () => {
  await scenario(async ({ upstream, env }) => {
    const before = await makeExpiring(env, ID);
    const grantsBefore = upstream.counts.refreshGrants;
    const holder = await startCli(["token", "get", ID, "--json"], {
      env: { ...env, CLAWAUTH_TEST_PAUSE_AFTER_IN_FLIGHT_MS: "120000" },
    });
    try {
      await holder.waitFor("clawauth-test: paused after marking the refresh in flight", {
        stream: "stderr",
      });
      const marked = (await (await storeFor(env)).load(ID))!;
      assert.equal(marked.meta.refresh.state, "in_flight");
      assert.equal(marked.meta.refresh.pid, holder.pid);
      assert.equal(marked.meta.refresh.fromGeneration, before.secret.generation);

      // A peer queues behind the lock, then the holder dies holding it.
      const peer = await startCli(["token", "get", ID, "--json"], { env });
      await peer.waitFor(`waiting for process ${holder.pid} to finish refreshing ${ID}`, {
        stream: "stderr",
      });
      holder.kill("SIGKILL");
      const status = await holder.wait();
      assert.equal(status.signal, "SIGKILL");

      const result = await peer.wait();
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      const accessToken = (result.json() as { token: { access_token: string } }).token.access_token;
      assert.match(result.stderr, /did not finish; retrying with the stored refresh token/);
      assert.equal(upstream.counts.refreshGrants - grantsBefore, 1);
      assert.ok(accessToken);
      assert.notEqual(accessToken, before.secret.access_token);
      assert.equal(await userinfoSub(upstream, accessToken), "alice");
      const after = (await (await storeFor(env)).load(ID))!;
      assert.equal(after.meta.refresh.state, "idle");
      assert.equal(after.secret.access_token, accessToken);
    } finally {
      holder.kill("SIGKILL");
      await holder.wait().catch(() => {});
    }
  });
});

Deno.test("kill -9 after the grant spent the refresh token: the next `token get` reports needs-login clearly, record intact", async () => {
  await scenario(async ({ upstream, env }) => {
    const before = await makeExpiring(env, ID, -1000); // expired: a still-valid one would be returned
    const holder = await startCli(["token", "get", ID, "--json"], {
      env: { ...env, CLAWAUTH_TEST_PAUSE_AFTER_GRANT_MS: "120000" },
    });
    try {
      await holder.waitFor("clawauth-test: paused after the refresh grant answered", {
        stream: "stderr",
      });
      holder.kill("SIGKILL");
      await holder.wait();
    } finally {
      holder.kill("SIGKILL");
      await holder.wait().catch(() => {});
    }
    // The provider rotated the refresh token; the new one died with the process.
    const { result, error } = await tokenGet(env, ID);
    assert.equal(result.code, 1);
    assert.equal(error?.code, "needs_login");
    assert.match(
      error!.message,
      /fixture:work needs a new login: a refresh interrupted earlier may have spent the refresh token.*Run: clawauth login local fixture --profile work/,
    );

    const after = (await (await storeFor(env)).load(ID))!;
    assert.deepEqual(after.secret, before.secret, "the keychain record is intact");
    assert.equal(after.meta.refresh.state, "needs_login");
    const status = await runCli(["token", "status", FIXTURE_PROVIDER, "--check", "--json"], {
      env,
    });
    assert.equal(status.code, 1);
    const body = status.json() as { profiles: { status: string; fixCommand: string }[] };
    assert.equal(body.profiles[0].status, "needs-login");
    assert.equal(body.profiles[0].fixCommand, "clawauth login local fixture --profile work");

    // The command it names fixes it.
    await loginLocalCli(env, { profile: "work" });
    const again = await tokenGet(env, ID);
    assert.equal(again.result.code, 0, again.result.stderr);
    assert.equal(await userinfoSub(upstream, again.accessToken!), "alice");
  });
});
