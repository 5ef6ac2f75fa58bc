import assert from "node:assert/strict";
import { join } from "node:path";
import { FileKeychain } from "../../../cli/keychain/file.ts";
import { MemoryKeychain } from "../../../cli/keychain/memory.ts";
import { keychainFailure, recordedKeychain } from "../../../cli/keychain/recorded.ts";
import { ClawauthError, isClawauthError } from "../../../shared/errors.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-recorded-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("recordedKeychain() uses this run's keychain for its own backend and for unrecorded entries", async () => {
  const memory = new MemoryKeychain();
  assert.equal(await recordedKeychain(memory, "memory", { stateDir: "/x" }), memory);
  assert.equal(await recordedKeychain(memory, undefined, { stateDir: "/x" }), memory);
});

Deno.test("recordedKeychain() opens the 0600 file for a secret recorded there", async () => {
  await withDir(async (dir) => {
    const file = new FileKeychain({ path: join(dir, "credentials.json") });
    await file.store("clawauth", "demo:default", "SECRET");
    const opened = await recordedKeychain(new MemoryKeychain(), "file", { stateDir: dir });
    assert.equal(opened.name, "file");
    assert.equal(await opened.get("clawauth", "demo:default"), "SECRET");
  });
});

Deno.test("recordedKeychain() refuses to look elsewhere: the fallback's reason, or the setting that differs", async () => {
  const fallback = new FileKeychain({
    path: "/nonexistent/credentials.json",
    fallbackFrom: { backend: "linux", reason: "secret-tool: Cannot autolaunch D-Bus" },
  });
  const down = await recordedKeychain(fallback, "linux", {
    stateDir: "/x",
    subject: "demo:default",
  }).catch((e) => e);
  assert.ok(isClawauthError(down));
  assert.equal(down.code, "keychain_unavailable");
  assert.equal(down.details.backend, "linux");
  assert.equal(down.details.reason, "secret-tool: Cannot autolaunch D-Bus");
  assert.equal(down.details.transient, false);
  assert.match(String(down.details.fix), /DBUS_SESSION_BUS_ADDRESS/);
  assert.match(down.message, /^demo:default is stored in the linux keychain/);
  assert.doesNotMatch(down.message, /login start|token rm|missing/);

  const other = await recordedKeychain(new MemoryKeychain(), "macos", {
    stateDir: "/x",
    subject: "demo:default",
    env: { CLAWAUTH_KEYCHAIN: "memory" },
  }).catch((e) => e);
  assert.equal(other.code, "keychain_unavailable");
  assert.equal(other.details.fix, "unset CLAWAUTH_KEYCHAIN or set CLAWAUTH_KEYCHAIN=macos");
  assert.match(
    other.details.reason,
    /this run uses the memory keychain \(CLAWAUTH_KEYCHAIN=memory\)/,
  );
});

Deno.test("keychainFailure() names the backend and the fix; a timeout stays keychain_timeout and transient", () => {
  const failed = keychainFailure(
    new Error("secret-tool lookup failed: locked"),
    new MemoryKeychain(),
    {
      action: "read demo:default",
      subject: "demo:default",
    },
  );
  assert.equal(failed.code, "keychain_unavailable");
  assert.match(failed.message, /^could not read demo:default in the memory keychain/);
  assert.equal(failed.details.backend, "memory");
  const timeout = keychainFailure(
    new ClawauthError("keychain_timeout", "secret-tool did not answer within 20 s"),
    new MemoryKeychain(),
  );
  assert.equal(timeout.code, "keychain_timeout");
  assert.equal(timeout.details.transient, true);
  assert.equal(timeout.details.backend, "memory");
});
