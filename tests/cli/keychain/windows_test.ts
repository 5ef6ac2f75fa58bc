import assert from "node:assert/strict";
import {
  CREDENTIAL_SCRIPT,
  POWERSHELL_ARGS,
  WindowsKeychain,
} from "../../../cli/keychain/windows.ts";
import { decodeBase64, encodeBase64 } from "../../../shared/base64.ts";
import { isClawauthError } from "../../../shared/errors.ts";
import { makeStandin, NASTY_SECRET, type StandinCall, STANDINS_DIR } from "./_standins.ts";

const POWERSHELL = `${STANDINS_DIR}powershell`;
const LINE =
  /^\$ca_op='(get|set|delete)'; \$ca_target='([^']*)'; \$ca_user='([^']*)'; \$ca_blob='([^']*)'; /;

function text(b64: string): string {
  return new TextDecoder().decode(decodeBase64(b64));
}

function parse(call: StandinCall) {
  const match = LINE.exec(call.stdin);
  assert.ok(match, "stdin starts with the operation's variables");
  return { op: match[1], target: text(match[2]), user: text(match[3]), blob: match[4] };
}

function assertSecretOffArgv(calls: StandinCall[]): void {
  for (const call of calls) {
    assert.deepEqual(call.argv, [...POWERSHELL_ARGS]);
    assert.ok(!call.argv.join(" ").includes("MARKER"));
  }
}

Deno.test("WindowsKeychain runs `powershell.exe -NoProfile -NonInteractive -Command -` with script and secret on stdin", async () => {
  const standin = await makeStandin();
  try {
    const keychain = new WindowsKeychain({ command: POWERSHELL, env: standin.env });
    await keychain.store("clawauth", "github:default", NASTY_SECRET);
    assert.equal(await keychain.get("clawauth", "github:default"), NASTY_SECRET);

    const calls = standin.calls();
    assertSecretOffArgv(calls);
    const sets = calls.map(parse).filter((c) => c.op === "set");
    assert.equal(sets.length, 1);
    assert.equal(sets[0].target, "clawauth:github:default");
    assert.equal(sets[0].user, "github:default");
    assert.equal(text(sets[0].blob), NASTY_SECRET, "the secret arrived on stdin");
    for (const call of calls) {
      assert.ok(call.stdin.endsWith("\n") && call.stdin.indexOf("\n") === call.stdin.length - 1);
      assert.ok(call.stdin.includes(encodeBase64(new TextEncoder().encode(CREDENTIAL_SCRIPT))));
    }
  } finally {
    await standin.cleanup();
  }
});

Deno.test("WindowsKeychain get() resolves null on ERROR_NOT_FOUND", async () => {
  const standin = await makeStandin();
  try {
    const keychain = new WindowsKeychain({ command: POWERSHELL, env: standin.env });
    assert.equal(await keychain.get("clawauth", "github:none"), null);
    assert.deepEqual(standin.calls().map(parse).map((c) => c.op), ["get"]);
  } finally {
    await standin.cleanup();
  }
});

Deno.test("WindowsKeychain remove() deletes the credential and resolves when it is missing", async () => {
  const standin = await makeStandin();
  try {
    const keychain = new WindowsKeychain({ command: POWERSHELL, env: standin.env });
    await keychain.store("clawauth", "a:b", "one");
    await keychain.store("clawauth", "a:b", "two");
    assert.equal(await keychain.get("clawauth", "a:b"), "two");
    await keychain.remove("clawauth", "a:b");
    assert.equal(await keychain.get("clawauth", "a:b"), null);
    await keychain.remove("clawauth", "a:b");
    assert.deepEqual(standin.items(), {});
  } finally {
    await standin.cleanup();
  }
});

Deno.test("WindowsKeychain splits a secret over the 2560-byte blob limit and reads it back whole", async () => {
  const standin = await makeStandin();
  try {
    const keychain = new WindowsKeychain({ command: POWERSHELL, env: standin.env });
    const big = "MARKER" + "é".repeat(3000);
    await keychain.store("clawauth", "github:big", big);
    assert.equal(await keychain.get("clawauth", "github:big"), big);
    assert.equal(Object.keys(standin.items()).length, 4, "header + 3 parts");
    for (const call of standin.calls().map(parse).filter((c) => c.op === "set")) {
      assert.ok(decodeBase64(call.blob).length <= 2560);
    }
    await keychain.remove("clawauth", "github:big");
    assert.deepEqual(standin.items(), {});
    assertSecretOffArgv(standin.calls());
  } finally {
    await standin.cleanup();
  }
});

Deno.test("WindowsKeychain works with pwsh as the command", async () => {
  const standin = await makeStandin();
  try {
    const keychain = new WindowsKeychain({ command: `${STANDINS_DIR}pwsh`, env: standin.env });
    await keychain.store("clawauth:sessions", "0f9c", "keys");
    assert.equal(await keychain.get("clawauth:sessions", "0f9c"), "keys");
  } finally {
    await standin.cleanup();
  }
});

Deno.test("WindowsKeychain turns a failing PowerShell call into keychain_error without the secret", async () => {
  const standin = await makeStandin({ STANDIN_FAIL: "set" });
  try {
    const keychain = new WindowsKeychain({ command: POWERSHELL, env: standin.env });
    const error = await keychain.store("clawauth", "a:b", "MARKER-secret").catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "keychain_error");
    assert.equal(
      error.message,
      "Windows Credential Manager write failed: standin: injected failure of set",
    );
  } finally {
    await standin.cleanup();
  }
});

Deno.test("WindowsKeychain gives up on a hanging PowerShell with keychain_timeout", async () => {
  const standin = await makeStandin({ STANDIN_HANG: "1" });
  try {
    const keychain = new WindowsKeychain({ command: POWERSHELL, env: standin.env, timeoutMs: 500 });
    const error = await keychain.get("clawauth", "a:b").catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "keychain_timeout");
  } finally {
    await standin.cleanup();
  }
});

Deno.test("WindowsKeychain's script calls the Credential API and maps 1168 to not found", () => {
  for (
    const needle of ["CredReadW", "CredWriteW", "CredDeleteW", "CredFree", "ERROR_NOT_FOUND = 1168"]
  ) {
    assert.ok(CREDENTIAL_SCRIPT.includes(needle), needle);
  }
  assert.ok(!CREDENTIAL_SCRIPT.includes("cmdkey"));
});
