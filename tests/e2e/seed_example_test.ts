// The seed's "simplest end-to-end example", verbatim (provider `notion` replaced by the test's
// `demo`, the real oidc-provider upstream behind a real clawauth server process): the CLI runs
// as a subprocess with the Linux keychain backend against a private Secret Service, and the
// human's part happens in headless chromium.
//
//   # 1) Start
//   clawauth login start notion --json
//   # 2) Share shortAuthUrl with user (from JSON output)
//   # 3) Later check
//   clawauth login status <sessionId> --json
//   # 4) Claim when completed
//   clawauth login claim <sessionId> --json
//   # 5) Use token
//   clawauth token get notion --json

import assert from "node:assert/strict";
import { join } from "node:path";
import { completeLoginInBrowser, launchBrowser } from "../fixtures/browser.ts";
import { startKeyring } from "../fixtures/keyring.ts";
import { runCli } from "../fixtures/run_cli.ts";
import { type Json, PROVIDER, startDelegated, userinfo } from "../cli/_delegated.ts";

/** The seed's commands, word for word, with `notion` → the test provider. */
const SEED_STEPS = [
  "clawauth login start notion --json",
  "clawauth login status <sessionId> --json",
  "clawauth login claim <sessionId> --json",
  "clawauth token get notion --json",
].map((line) => line.replaceAll("notion", PROVIDER));

function argsOf(line: string, sessionId?: string): string[] {
  const words = line.split(" ");
  assert.equal(words[0], "clawauth");
  return words.slice(1).map((word) => word === "<sessionId>" ? sessionId! : word);
}

Deno.test("the seed's simplest end-to-end example runs verbatim (Linux keychain, chromium)", async () => {
  const keyring = await startKeyring();
  const setup = await startDelegated();
  const browser = await launchBrowser();
  const dir = await Deno.makeTempDir({ prefix: "clawauth-seed-" });
  try {
    const stateDir = join(dir, "state");
    // No CLAWAUTH_KEYCHAIN: the CLI picks the Linux backend itself (Secret Service works).
    const env = {
      ...keyring.env,
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_SERVER_URL: setup.url,
    };
    const run = async (line: string, sessionId?: string) => {
      const result = await runCli(argsOf(line, sessionId), { env });
      assert.equal(result.code, 0, `${line}\n${result.stdout}\n${result.stderr}`);
      assert.ok(!/WARNING|notice/.test(result.stderr), `no keychain fallback: ${result.stderr}`);
      return result.json() as Record<string, Json>;
    };

    // 1) Start
    const start = await run(SEED_STEPS[0]);
    for (
      const field of [
        "provider",
        "sessionId",
        "expiresIn",
        "shortAuthUrl",
        "authUrl",
        "statusCommand",
        "claimCommand",
      ]
    ) {
      assert.ok(field in start, `login start --json has ${field}`);
    }
    const { sessionId, shortAuthUrl } = start;

    // 2) Share shortAuthUrl with the user: the human signs in and approves in chromium.
    const human = await completeLoginInBrowser(browser, shortAuthUrl, { account: "alice" });
    assert.equal(human.status, 200, human.bodyText);

    // 3) Later check
    const status = await run(SEED_STEPS[1], sessionId);
    assert.equal(status.status, "completed");
    assert.equal(status.provider, PROVIDER);
    assert.ok("error" in status);

    // 4) Claim when completed
    const claim = await run(SEED_STEPS[2], sessionId);
    assert.equal(claim.status, "completed");
    assert.equal(claim.provider, PROVIDER);
    assert.equal(claim.storedInKeychain, true);
    assert.equal(claim.keychainService, "clawauth");
    assert.equal(claim.keychainAccount, `${PROVIDER}:default`);
    assert.ok(claim.tokenData);

    // 5) Use token
    const get = await run(SEED_STEPS[3]);
    assert.equal(get.action, "get");
    assert.equal(get.account, `${PROVIDER}:default`);
    assert.equal(get.token.provider, PROVIDER);
    assert.equal(typeof get.token.access_token, "string");
    // The contract's field is there; its value is null: no raw refresh token in agent output.
    assert.ok("refresh_token" in get.token);
    assert.equal(get.token.refresh_token, null);
    assert.equal(get.token.token_type, "Bearer");
    assert.ok(!Number.isNaN(Date.parse(get.token_saved_at)));
    assert.ok(!claim.tokenData.access_token.includes(get.token.access_token));

    // The token works at the provider, and it lives in the Secret Service, not in a file.
    const info = await userinfo(setup.upstream, get.token.access_token);
    assert.equal(info.status, 200);
    assert.equal(info.body.sub, "alice");
    const lookup = await new Deno.Command("secret-tool", {
      args: ["lookup", "service", "clawauth", "account", `${PROVIDER}:default`],
      env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...keyring.env },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(lookup.code, 0, new TextDecoder().decode(lookup.stderr));
    assert.ok(lookup.stdout.length > 0);
    await assert.rejects(Deno.stat(join(stateDir, "credentials.json")), Deno.errors.NotFound);
  } finally {
    await browser.close();
    await setup.stop();
    await keyring.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
