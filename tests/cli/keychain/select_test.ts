import assert from "node:assert/strict";
import { credentialsFilePath, selectKeychain } from "../../../cli/keychain/select.ts";
import { FileKeychain } from "../../../cli/keychain/file.ts";
import { isClawauthError } from "../../../shared/errors.ts";
import { makeStandin, STANDINS_DIR } from "./_standins.ts";

async function select(env: Record<string, string | undefined>, os?: typeof Deno.build.os) {
  const stderr: string[] = [];
  const stateDir = "/tmp/clawauth-select-test-state";
  const keychain = await selectKeychain({ env, os, stateDir, stderr: (t) => stderr.push(t) });
  return { keychain, stderr: stderr.join(""), stateDir };
}

/** An environment where the Secret Service cannot be reached. */
const NO_BUS = { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/clawauth-bus", DISPLAY: "" };

Deno.test("selectKeychain() honours CLAWAUTH_KEYCHAIN on any OS", async () => {
  for (
    const [value, name] of [
      ["macos", "macos"],
      ["linux", "linux"],
      ["windows", "windows"],
      ["memory", "memory"],
      ["MacOS", "macos"],
    ]
  ) {
    const { keychain, stderr } = await select({ CLAWAUTH_KEYCHAIN: value }, "linux");
    assert.equal(keychain.name, name, value);
    assert.equal(stderr, "");
  }
});

Deno.test("selectKeychain() announces the file backend on stderr when CLAWAUTH_KEYCHAIN=file", async () => {
  for (let run = 0; run < 2; run++) {
    const { keychain, stderr, stateDir } = await select({ CLAWAUTH_KEYCHAIN: "file" }, "darwin");
    assert.equal(keychain.name, "file");
    assert.equal((keychain as FileKeychain).path, `${stateDir}/credentials.json`);
    assert.equal(
      stderr,
      `clawauth: notice: secrets are stored in the file ${stateDir}/credentials.json (mode 0600), ` +
        `not in an OS keychain, because CLAWAUTH_KEYCHAIN=file\n`,
    );
  }
});

Deno.test("selectKeychain() refuses an unknown CLAWAUTH_KEYCHAIN value", async () => {
  const error = await select({ CLAWAUTH_KEYCHAIN: "vault" }).catch((e) => e);
  assert.ok(isClawauthError(error));
  assert.equal(error.code, "usage");
  assert.equal(
    error.message,
    "CLAWAUTH_KEYCHAIN must be one of macos, linux, windows, file, memory: current value is 'vault'",
  );
});

Deno.test("selectKeychain() refuses a malformed CLAWAUTH_KEYCHAIN_TIMEOUT_MS", async () => {
  const error = await select({ CLAWAUTH_KEYCHAIN_TIMEOUT_MS: "soon" }).catch((e) => e);
  assert.ok(isClawauthError(error));
  assert.equal(error.code, "usage");
  assert.equal(
    error.message,
    "CLAWAUTH_KEYCHAIN_TIMEOUT_MS must be a positive integer: current value is 'soon'",
  );
});

Deno.test("selectKeychain() picks security on macOS and Credential Manager on Windows without probing", async () => {
  assert.equal((await select({}, "darwin")).keychain.name, "macos");
  assert.equal((await select({}, "windows")).keychain.name, "windows");
});

Deno.test("selectKeychain() falls back to the file on Linux when the Secret Service is unreachable, loudly, every time", async () => {
  for (let run = 0; run < 2; run++) {
    const { keychain, stderr, stateDir } = await select(NO_BUS, "linux");
    assert.equal(keychain.name, "file");
    assert.equal(keychain.fallbackFrom?.backend, "linux", "the backend it stands in for");
    assert.match(keychain.fallbackFrom!.reason, /secret-tool/);
    const lines = stderr.trimEnd().split("\n");
    assert.equal(lines.length, 3);
    assert.match(
      lines[0],
      /^clawauth: WARNING: no usable OS keychain \(Secret Service via secret-tool: secret-tool: .+\)\.$/,
    );
    assert.equal(
      lines[1],
      `clawauth: WARNING: new secrets are stored in the file ${
        credentialsFilePath(stateDir)
      } (mode 0600) instead; secrets already in the Secret Service stay there (keychain_unavailable until it is reachable).`,
    );
    assert.match(lines[2], /set CLAWAUTH_KEYCHAIN=file to choose the file on purpose\.$/);
  }
});

Deno.test("selectKeychain() falls back to the file when secret-tool is not installed", async () => {
  const { keychain, stderr } = await select(
    { CLAWAUTH_KEYCHAIN_COMMAND: "/nonexistent/secret-tool" },
    "linux",
  );
  assert.equal(keychain.name, "file");
  assert.match(stderr, /'\/nonexistent\/secret-tool' was not found/);
});

Deno.test("selectKeychain() passes CLAWAUTH_KEYCHAIN_COMMAND and the env to the backend (stand-in round trip)", async () => {
  const standin = await makeStandin();
  try {
    const { keychain } = await select({
      CLAWAUTH_KEYCHAIN: "macos",
      CLAWAUTH_KEYCHAIN_COMMAND: `${STANDINS_DIR}security`,
      ...standin.env,
    });
    await keychain.store("clawauth", "github:default", "value");
    assert.equal(await keychain.get("clawauth", "github:default"), "value");
    assert.ok(standin.calls().length >= 2);
  } finally {
    await standin.cleanup();
  }
});
