import assert from "node:assert/strict";
import { LinuxKeychain } from "../../../cli/keychain/linux.ts";
import { selectKeychain } from "../../../cli/keychain/select.ts";
import {
  runCommand,
  type RunCommandOptions,
  type RunCommandResult,
} from "../../../cli/keychain/run_command.ts";
import { isClawauthError } from "../../../shared/errors.ts";
import { startKeyring } from "../../fixtures/keyring.ts";
import { NASTY_SECRET, STANDINS_DIR } from "./_standins.ts";

async function secretToolSearch(env: Record<string, string>, service: string): Promise<number> {
  const { stdout, stderr } = await new Deno.Command("secret-tool", {
    args: ["search", "--all", "service", service],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  return (text.match(/^\[\//gm) ?? []).length;
}

Deno.test("LinuxKeychain against a real Secret Service (secret-tool)", async (t) => {
  const keyring = await startKeyring();
  const calls: RunCommandOptions[] = [];
  async function recordingRunner(options: RunCommandOptions): Promise<RunCommandResult> {
    calls.push(options);
    return await runCommand(options);
  }
  const keychain = new LinuxKeychain({ env: keyring.env, runner: recordingRunner });
  try {
    await t.step("store() then get() returns the secret byte for byte", async () => {
      await keychain.store("clawauth", "github:default", NASTY_SECRET);
      assert.equal(await keychain.get("clawauth", "github:default"), NASTY_SECRET);
      const stored = calls.filter((c) => c.args[0] === "store");
      assert.deepEqual(stored.at(-1)!.args, [
        "store",
        "--label=clawauth github:default",
        "service",
        "clawauth",
        "account",
        "github:default",
      ]);
      assert.equal(stored.at(-1)!.stdin, NASTY_SECRET, "the secret went on stdin");
    });

    await t.step("the secret never appears in any argv", () => {
      for (const call of calls) {
        assert.ok(!call.args.join(" ").includes("MARKER"), JSON.stringify(call.args));
      }
    });

    await t.step("get() resolves null for an item that does not exist", async () => {
      assert.equal(await keychain.get("clawauth", "github:nobody"), null);
    });

    await t.step("store() replaces an existing item instead of adding a second", async () => {
      await keychain.store("clawauth", "slack:work", "first");
      await keychain.store("clawauth", "slack:work", "second");
      assert.equal(await keychain.get("clawauth", "slack:work"), "second");
    });

    await t.step("an empty secret and one with a trailing newline round-trip", async () => {
      await keychain.store("clawauth", "x:empty", "");
      assert.equal(await keychain.get("clawauth", "x:empty"), "");
      await keychain.store("clawauth", "x:newline", "abc\n\n");
      assert.equal(await keychain.get("clawauth", "x:newline"), "abc\n\n");
    });

    await t.step("services stay apart (tokens vs session keys)", async () => {
      await keychain.store("clawauth:sessions", "github:default", "session-keys");
      assert.equal(await keychain.get("clawauth:sessions", "github:default"), "session-keys");
      assert.equal(await keychain.get("clawauth", "github:default"), NASTY_SECRET);
    });

    await t.step("remove() deletes the item; removing a missing item resolves", async () => {
      await keychain.remove("clawauth", "slack:work");
      assert.equal(await keychain.get("clawauth", "slack:work"), null);
      await keychain.remove("clawauth", "slack:work");
    });

    await t.step(
      "a secret over secret-tool's 8 KiB stdin limit is split and read back whole",
      async () => {
        const big = "MARKER-" + "ü".repeat(9000); // 18 KB of UTF-8
        await keychain.store("clawauth-big", "github:big", big);
        assert.equal(await keychain.get("clawauth-big", "github:big"), big);
        assert.equal(await secretToolSearch(keyring.env, "clawauth-big"), 4, "header + 3 parts");
        await keychain.store("clawauth-big", "github:big", "small now");
        assert.equal(await keychain.get("clawauth-big", "github:big"), "small now");
        assert.equal(await secretToolSearch(keyring.env, "clawauth-big"), 1, "old parts deleted");
        await keychain.remove("clawauth-big", "github:big");
        assert.equal(await secretToolSearch(keyring.env, "clawauth-big"), 0);
      },
    );

    await t.step("probe() resolves null when the Secret Service answers", async () => {
      assert.equal(await keychain.probe(), null);
    });

    await t.step(
      "selectKeychain() picks secret-tool on Linux when it works, silently",
      async () => {
        const stderr: string[] = [];
        const selected = await selectKeychain({
          env: keyring.env,
          os: "linux",
          stateDir: keyring.dir,
          stderr: (text) => stderr.push(text),
        });
        assert.equal(selected.name, "linux");
        assert.deepEqual(stderr, []);
        assert.equal(await selected.get("clawauth", "x:newline"), "abc\n\n");
      },
    );

    await t.step(
      "without a reachable bus, lookups fail loudly instead of reading as 'not found'",
      async () => {
        const broken = new LinuxKeychain({
          env: { ...keyring.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${keyring.dir}/no-bus` },
        });
        const error = await broken.get("clawauth", "github:default").catch((e) => e);
        assert.ok(isClawauthError(error));
        assert.equal(error.code, "keychain_error");
        assert.match(error.message, /^secret-tool lookup failed: /);
        assert.notEqual(await broken.probe(), null);
      },
    );
  } finally {
    await keyring.stop();
  }
});

Deno.test("LinuxKeychain gives up on a secret-tool that never answers with keychain_timeout", async () => {
  const keychain = new LinuxKeychain({ command: `${STANDINS_DIR}hang`, timeoutMs: 300 });
  const error = await keychain.get("clawauth", "github:default").catch((e) => e);
  assert.ok(isClawauthError(error));
  assert.equal(error.code, "keychain_timeout");
  assert.equal(
    error.message,
    `'${STANDINS_DIR}hang lookup' did not answer within 0.3 s (is the keychain locked or waiting for a prompt?)`,
  );
});

Deno.test("LinuxKeychain reports a missing secret-tool as keychain_unavailable", async () => {
  const keychain = new LinuxKeychain({ command: "secret-tool-not-installed" });
  const error = await keychain.store("clawauth", "a:b", "MARKER").catch((e) => e);
  assert.ok(isClawauthError(error));
  assert.equal(error.code, "keychain_unavailable");
  assert.ok(!error.message.includes("MARKER"));
});
