import assert from "node:assert/strict";
import { MacosKeychain } from "../../../cli/keychain/macos.ts";
import { encodeBase64 } from "../../../shared/base64.ts";
import { isClawauthError } from "../../../shared/errors.ts";
import { makeStandin, NASTY_SECRET, STANDINS_DIR } from "./_standins.ts";

const SECURITY = `${STANDINS_DIR}security`;

function assertSecretOffArgv(calls: { argv: string[] }[], secret: string): void {
  const encoded = encodeBase64(new TextEncoder().encode(secret));
  for (const call of calls) {
    const argv = call.argv.join("\u0000");
    assert.ok(!argv.includes("MARKER"), `secret in argv: ${JSON.stringify(call.argv)}`);
    assert.ok(!argv.includes(encoded.slice(0, 24)), "encoded secret in argv");
  }
}

Deno.test("MacosKeychain stores through `security -i` with the secret on stdin only and reads it back", async () => {
  const standin = await makeStandin();
  try {
    const keychain = new MacosKeychain({ command: SECURITY, env: standin.env });
    await keychain.store("clawauth", "github:default", NASTY_SECRET);
    assert.equal(await keychain.get("clawauth", "github:default"), NASTY_SECRET);

    const calls = standin.calls();
    assertSecretOffArgv(calls, NASTY_SECRET);
    const adds = calls.filter((c) => c.argv[0] === "-i");
    assert.equal(adds.length, 1);
    assert.equal(
      adds[0].stdin,
      `add-generic-password -U -s "clawauth" -a "github:default" -w "clawauth-b64:${
        encodeBase64(new TextEncoder().encode(NASTY_SECRET))
      }"\n`,
    );
    const finds = calls.filter((c) => c.argv[0] === "find-generic-password");
    assert.deepEqual(finds.at(-1)!.argv, [
      "find-generic-password",
      "-s",
      "clawauth",
      "-a",
      "github:default",
      "-w",
    ]);
    assert.ok(calls.every((c) => c.argv[0] === "-i" || c.stdin === ""));
  } finally {
    await standin.cleanup();
  }
});

Deno.test("MacosKeychain get() resolves null when security exits 44 (not found)", async () => {
  const standin = await makeStandin();
  try {
    const keychain = new MacosKeychain({ command: SECURITY, env: standin.env });
    assert.equal(await keychain.get("clawauth", "github:none"), null);
  } finally {
    await standin.cleanup();
  }
});

Deno.test("MacosKeychain store() replaces and remove() deletes; removing a missing item resolves", async () => {
  const standin = await makeStandin();
  try {
    const keychain = new MacosKeychain({ command: SECURITY, env: standin.env });
    await keychain.store("clawauth", "a:b", "one");
    await keychain.store("clawauth", "a:b", "two");
    assert.equal(await keychain.get("clawauth", "a:b"), "two");
    await keychain.remove("clawauth", "a:b");
    assert.equal(await keychain.get("clawauth", "a:b"), null);
    await keychain.remove("clawauth", "a:b");
    assert.deepEqual(standin.items(), {});
    const deletes = standin.calls().filter((c) => c.argv[0] === "delete-generic-password");
    assert.deepEqual(deletes[0].argv, ["delete-generic-password", "-s", "clawauth", "-a", "a:b"]);
  } finally {
    await standin.cleanup();
  }
});

Deno.test("MacosKeychain splits a secret longer than one 4096-byte interactive line and cleans old parts", async () => {
  const standin = await makeStandin();
  try {
    const keychain = new MacosKeychain({ command: SECURITY, env: standin.env });
    const big = "MARKER" + "x✓".repeat(4000);
    await keychain.store("clawauth", "github:big", big);
    assert.equal(await keychain.get("clawauth", "github:big"), big);
    const itemCount = Object.keys(standin.items()).length;
    assert.ok(itemCount >= 4, `expected parts, got ${itemCount} items`);
    for (const call of standin.calls().filter((c) => c.argv[0] === "-i")) {
      assert.ok(new TextEncoder().encode(call.stdin).length <= 4096);
    }
    assertSecretOffArgv(standin.calls(), big);

    await keychain.store("clawauth", "github:big", "small");
    assert.equal(await keychain.get("clawauth", "github:big"), "small");
    assert.equal(Object.keys(standin.items()).length, 1, "old parts are deleted");
    await keychain.remove("clawauth", "github:big");
    assert.deepEqual(standin.items(), {});
  } finally {
    await standin.cleanup();
  }
});

Deno.test("MacosKeychain returns a value without the clawauth prefix (0.4 record) as stored", async () => {
  const standin = await makeStandin();
  try {
    await Deno.writeTextFile(
      `${standin.dir}/store.json`,
      JSON.stringify({ "clawauth\u0000github:default": '{"access_token":"old"}' }),
    );
    const keychain = new MacosKeychain({ command: SECURITY, env: standin.env });
    assert.equal(await keychain.get("clawauth", "github:default"), '{"access_token":"old"}');
  } finally {
    await standin.cleanup();
  }
});

Deno.test("MacosKeychain turns a failing security call into keychain_error without the secret", async () => {
  const standin = await makeStandin({ STANDIN_FAIL: "add" });
  try {
    const keychain = new MacosKeychain({ command: SECURITY, env: standin.env });
    const error = await keychain.store("clawauth", "a:b", "MARKER-secret").then(
      () => assert.fail("store should fail"),
      (e) => e,
    );
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "keychain_error");
    assert.match(error.message, /^security add-generic-password failed: standin: injected failure/);
    assert.ok(!error.message.includes("MARKER"));
  } finally {
    await standin.cleanup();
  }
});

Deno.test("MacosKeychain refuses names that could break security's interactive line, before any call", async () => {
  const standin = await makeStandin();
  try {
    const keychain = new MacosKeychain({ command: SECURITY, env: standin.env });
    const error = await keychain.store("claw auth", "a:b", "x").catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "keychain_error");
    assert.match(error.message, /keychain service 'claw auth' may only hold/);
    assert.deepEqual(standin.calls(), []);
  } finally {
    await standin.cleanup();
  }
});

Deno.test("MacosKeychain gives up on a hanging security with keychain_timeout", async () => {
  const standin = await makeStandin({ STANDIN_HANG: "1" });
  try {
    const keychain = new MacosKeychain({ command: SECURITY, env: standin.env, timeoutMs: 500 });
    const error = await keychain.get("clawauth", "a:b").catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "keychain_timeout");
    assert.match(error.message, /did not answer within 0\.5 s/);
  } finally {
    await standin.cleanup();
  }
});

Deno.test("MacosKeychain reports a missing security tool as keychain_unavailable", async () => {
  const keychain = new MacosKeychain({ command: "/nonexistent/security" });
  const error = await keychain.get("clawauth", "a:b").catch((e) => e);
  assert.ok(isClawauthError(error));
  assert.equal(error.code, "keychain_unavailable");
  assert.match(error.message, /'\/nonexistent\/security' was not found/);
});
