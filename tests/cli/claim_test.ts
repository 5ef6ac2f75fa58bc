// The claim's guarantees: nothing the server sends is trusted (provider mismatch refused, token
// kept in a recovery file), and the one-time claim is never spent when storage does not work.

import assert from "node:assert/strict";
import { join } from "node:path";
import { MemoryKeychain } from "../../cli/keychain/memory.ts";
import { decodeBase64 } from "../../shared/base64.ts";
import { sealJson } from "../../shared/seal.ts";
import { runCli } from "../fixtures/run_cli.ts";
import { approveOverHttp, cliEnv, PROVIDER, runMain, startDelegated } from "./_delegated.ts";

/**
 * A compromised server: answers `/init` like a real one, then `/claim` with a token sealed to
 * the session's key but for another provider than the session was started for.
 */
function startLyingServer(sealedProvider: string) {
  const boxKeys = new Map<string, Uint8Array>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (req.method === "POST" && url.pathname === "/init") {
      const body = await req.json();
      const sessionId = crypto.randomUUID();
      boxKeys.set(sessionId, decodeBase64(body.boxPublicKey));
      return Response.json({
        sessionId,
        provider: body.provider,
        authUrl: `${url.origin}/authorize`,
        shortAuthUrl: `${url.origin}/${body.provider}/${sessionId}`,
        expiresIn: 3600,
      });
    }
    const claim = url.pathname.match(/^\/claim\/(.+)$/);
    if (claim && boxKeys.has(claim[1])) {
      const blob = sealJson({
        provider: sealedProvider,
        issuedAt: new Date().toISOString(),
        tokenData: { access_token: "token-for-another-provider", token_type: "bearer" },
      }, boxKeys.get(claim[1])!);
      boxKeys.delete(claim[1]);
      return Response.json({ status: "completed", provider: PROVIDER, blob });
    }
    return Response.json({ error: "not found", code: "session_not_found" }, { status: 404 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    stop: () => server.shutdown(),
  };
}

Deno.test("login claim refuses a token sealed for another provider, keeping it in a recovery file", async () => {
  const server = startLyingServer("evil");
  const { dir, stateDir, env } = await cliEnv(server.url);
  try {
    const start = await runCli(["login", "start", PROVIDER, "--json"], { env });
    assert.equal(start.code, 0, start.stderr);
    const { sessionId } = start.json() as { sessionId: string };

    const claim = await runCli(["login", "claim", sessionId, "--json"], { env });
    assert.equal(claim.code, 1, claim.stdout);
    const { error } = claim.json() as { error: Record<string, string> };
    assert.equal(error.code, "provider_mismatch");
    assert.match(
      error.message,
      /^session .* was started for demo, but the server returned a token for "evil"; it was NOT stored\. The token was written to the recovery file .* \(mode 0600\)/,
    );
    assert.equal(error.expectedProvider, PROVIDER);
    assert.equal(error.receivedProvider, "evil");
    const saved = JSON.parse(await Deno.readTextFile(error.recoveryFile));
    assert.equal(saved.tokenData.access_token, "token-for-another-provider");
    assert.equal((await Deno.stat(error.recoveryFile)).mode! & 0o777, 0o600);

    const list = await runCli(["token", "list", "--json"], { env });
    assert.deepEqual((list.json() as { tokens: unknown[] }).tokens, []);
    const get = await runCli(["token", "get", "evil", "--json"], { env });
    assert.equal((get.json() as { error: { code: string } }).error.code, "token_not_found");
    const sessions = await runCli(["sessions", "--json"], { env });
    assert.deepEqual((sessions.json() as { sessions: unknown[] }).sessions, []);
    const credentials = await Deno.readTextFile(join(stateDir, "credentials.json"));
    assert.ok(!credentials.includes("token-for-another-provider"));
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

/** A keychain whose token service can be switched off (the session service keeps working). */
class FlakyKeychain extends MemoryKeychain {
  tokensBroken = true;
  override store(service: string, account: string, secret: string): Promise<void> {
    if (this.tokensBroken && service === "clawauth") {
      return Promise.reject(new Error("the keychain is locked"));
    }
    return super.store(service, account, secret);
  }
}

Deno.test("login claim does not spend the one-time claim when storage does not work", async () => {
  const setup = await startDelegated();
  const { dir, env } = await cliEnv(setup.url);
  const keychain = new FlakyKeychain();
  try {
    const start = await runMain(["login", "start", PROVIDER, "--json"], { env, keychain });
    assert.equal(start.code, 0, start.stderr);
    const { sessionId, shortAuthUrl } = start.body;
    await approveOverHttp(shortAuthUrl);

    const refused = await runMain(["login", "claim", sessionId, "--json"], { env, keychain });
    assert.equal(refused.code, 1);
    assert.equal(refused.body.error.code, "keychain_unavailable");
    assert.match(
      refused.body.error.message,
      /^cannot store tokens on this machine, so the one-time claim was NOT made \(session .* can still be claimed once storage works\): could not store a test secret in the memory keychain \(in memory, for one process only\): the keychain is locked\. Make the keychain reachable, then run the same command again\. Fix: /,
    );
    const wait = await runMain(["login", "wait", sessionId, "--json"], { env, keychain });
    assert.equal(wait.code, 1, "login wait checks storage before polling");
    assert.equal(wait.body.error.code, "keychain_unavailable");

    // The server still holds the token for us: once storage works, the claim succeeds.
    const status = await runMain(["login", "status", sessionId, "--json"], { env, keychain });
    assert.equal(status.body.status, "completed");
    keychain.tokensBroken = false;
    const claim = await runMain(["login", "claim", sessionId, "--json"], { env, keychain });
    assert.equal(claim.code, 0, claim.stdout);
    assert.equal(claim.body.status, "completed");
    assert.equal(claim.body.storedInKeychain, true);
    assert.ok(await keychain.get("clawauth", "demo:default"));
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
