// `clawauth login local` end to end: the CLI as a subprocess, the human as real headless chromium
// (loopback callback) or as an HTTP driver whose redirect URL is pasted on the CLI's stdin.

import assert from "node:assert/strict";
import { launchBrowser } from "../fixtures/browser.ts";
import { startOidcUpstream } from "../fixtures/oidc_provider.ts";
import {
  FIXTURE_PROVIDER,
  loginLocalCli,
  makeExpiring,
  sinkEnv,
  tokenGet,
  userinfoSub,
} from "./_token_sink_e2e.ts";

Deno.test("login local: chromium follows the redirect to the CLI's loopback listener; the token works and refreshes", async () => {
  const upstream = await startOidcUpstream({
    redirectUris: [],
    accessTokenTtlSeconds: 3600,
    rotateRefreshTokens: true,
  });
  const { env, cleanup } = await sinkEnv(upstream);
  const browser = await launchBrowser();
  try {
    const data = await loginLocalCli(env, { profile: "work", browser, account: "bob" });
    assert.equal(data.status, "completed");
    assert.equal(data.via, "callback");
    assert.equal(data.profile, `${FIXTURE_PROVIDER}:work`);
    assert.equal(data.storedInKeychain, true);

    const id = `${FIXTURE_PROVIDER}:work`;
    const first = await tokenGet(env, id);
    assert.equal(first.result.code, 0, first.result.stderr);
    assert.equal(await userinfoSub(upstream, first.accessToken!), "bob");

    // A local (public-client) token refreshes directly at the provider, no client secret.
    await makeExpiring(env, id);
    const grants = upstream.counts.refreshGrants;
    const second = await tokenGet(env, id);
    assert.equal(second.result.code, 0, second.result.stderr);
    assert.equal(upstream.counts.refreshGrants - grants, 1);
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(await userinfoSub(upstream, second.accessToken!), "bob");
    const body = upstream.tokenRequestBodies.at(-1)!;
    assert.equal(body.get("grant_type"), "refresh_token");
    assert.equal(body.has("client_secret"), false);
  } finally {
    await browser.close();
    await cleanup();
    await upstream.close();
  }
});

Deno.test("login local: the redirect URL pasted on stdin completes the login (headless machine)", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const { env, cleanup } = await sinkEnv(upstream);
  try {
    const data = await loginLocalCli(env, { profile: "remote" });
    assert.equal(data.via, "paste");
    const got = await tokenGet(env, `${FIXTURE_PROVIDER}:remote`);
    assert.equal(got.result.code, 0, got.result.stderr);
    assert.equal(await userinfoSub(upstream, got.accessToken!), "alice");
  } finally {
    await cleanup();
    await upstream.close();
  }
});
