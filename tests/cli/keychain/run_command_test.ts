import assert from "node:assert/strict";
import { definedEnv, runCommand } from "../../../cli/keychain/run_command.ts";
import { isClawauthError } from "../../../shared/errors.ts";
import { STANDINS_DIR } from "./_standins.ts";

Deno.test("runCommand() passes argv and stdin exactly and returns exit code and output", async () => {
  const stdin = "line 1\nMARKER 'quoted' $(x)\n" + "z".repeat(200_000);
  const result = await runCommand({
    command: "bash",
    args: ["-c", 'cat; echo "args:$#:$1" >&2; exit 7', "bash", "one arg"],
    stdin,
    env: { CLAWAUTH_TEST_VAR: "v" },
    timeoutMs: 10_000,
  });
  assert.equal(result.code, 7);
  assert.equal(result.stdout, stdin);
  assert.equal(result.stderr, "args:1:one arg\n");
});

Deno.test("runCommand() kills a tool that ignores SIGTERM and does not wait for pipes a grandchild holds", async () => {
  const pidFile = await Deno.makeTempFile();
  try {
    const error = await runCommand({
      command: `${STANDINS_DIR}stubborn`,
      args: ["lookup"],
      env: { STUBBORN_PID_FILE: pidFile },
      timeoutMs: 300,
    }).catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "keychain_timeout");
    assert.equal(
      error.message,
      `'${STANDINS_DIR}stubborn lookup' did not answer within 0.3 s (is the keychain locked or waiting for a prompt?)`,
    );
  } finally {
    const pid = Number((await Deno.readTextFile(pidFile)).trim());
    if (pid > 0) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await Deno.remove(pidFile);
  }
});

Deno.test("runCommand() reports a tool that cannot be found as keychain_unavailable", async () => {
  const error = await runCommand({ command: "no-such-tool-here", args: [], timeoutMs: 1000 })
    .catch((e) => e);
  assert.ok(isClawauthError(error));
  assert.equal(error.code, "keychain_unavailable");
  assert.equal(error.message, "'no-such-tool-here' was not found; it is needed for the keychain");
});

Deno.test("definedEnv() drops unset variables", () => {
  assert.deepEqual(definedEnv({ A: "1", B: undefined }), { A: "1" });
  assert.equal(definedEnv(undefined), undefined);
});
