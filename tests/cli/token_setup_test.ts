// `clawauth token setup-token anthropic`: shape check (OpenClaw's rule: sk-ant-oat01-, ≥ 80
// characters), stdin when not a terminal, a hidden prompt on a real terminal (a pty made by
// util-linux `script`), a `token` profile without refresh; never a token on argv or in output.

import assert from "node:assert/strict";
import {
  checkSetupToken,
  parseTokenSetupTokenArgs,
  runTokenSetupToken,
} from "../../cli/commands/token_setup.ts";
import { readHiddenLine } from "../../cli/flows/hidden_prompt.ts";
import { CredentialStore } from "../../cli/store/credentials.ts";
import { ClawauthError } from "../../shared/errors.ts";
import { CLI_ENTRYPOINT, denoDir, REPO_ROOT, runCli } from "../fixtures/run_cli.ts";
import { createHarness, testStdin } from "./_token_sink_harness.ts";

const TOKEN = `sk-ant-oat01-${"Ab3_-".repeat(16)}xyz`;

function rejectsWith(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ClawauthError, `expected ClawauthError, got ${error}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

Deno.test("checkSetupToken() accepts a setup-token and refuses other shapes without echoing them", () => {
  assert.equal(checkSetupToken(`  ${TOKEN}\n`), TOKEN);
  const rows: [string, RegExp][] = [
    ["sk-ant-api03-" + "x".repeat(90), /must start with sk-ant-oat01-/],
    ["sk-ant-oat01-short", /at least 80 characters/],
    [TOKEN.slice(0, 40) + " " + TOKEN.slice(40), /spaces or line breaks/],
  ];
  for (const [input, pattern] of rows) {
    assert.throws(() => checkSetupToken(input), rejectsWith("invalid_request", pattern));
    try {
      checkSetupToken(input);
    } catch (error) {
      assert.ok(!(error as Error).message.includes(input.trim().slice(13, 30)));
    }
  }
  assert.throws(() => checkSetupToken("   "), rejectsWith("usage", /no token given/));
});

Deno.test("parseTokenSetupTokenArgs() takes anthropic and --profile; refuses a token on argv and other providers", () => {
  assert.deepEqual(parseTokenSetupTokenArgs(["anthropic"]), {
    provider: "anthropic",
    profile: "default",
  });
  assert.deepEqual(parseTokenSetupTokenArgs(["anthropic:work"]), {
    provider: "anthropic",
    profile: "work",
  });
  assert.deepEqual(parseTokenSetupTokenArgs(["anthropic", "--profile", "max"]), {
    provider: "anthropic",
    profile: "max",
  });
  assert.throws(
    () => parseTokenSetupTokenArgs(["anthropic", TOKEN]),
    rejectsWith("usage", /never from the command line/),
  );
  try {
    parseTokenSetupTokenArgs(["anthropic", TOKEN]);
  } catch (error) {
    assert.ok(!(error as Error).message.includes(TOKEN));
  }
  assert.throws(
    () => parseTokenSetupTokenArgs(["openai"]),
    rejectsWith("usage", /token paste openai/),
  );
});

Deno.test("token setup-token stores a token profile without refresh, read from stdin", async () => {
  const h = await createHarness();
  try {
    const result = await runTokenSetupToken(
      ["anthropic", "--profile", "max"],
      h.withStdin(testStdin(`${TOKEN}\n`).readable),
    );
    assert.equal(result.data.profile, "anthropic:max");
    assert.equal(result.data.type, "token");
    assert.ok(!JSON.stringify(result).includes(TOKEN));
    const store = new CredentialStore({
      keychain: h.keychain,
      stateDir: h.stateDir,
      keychainService: h.ctx.keychainService,
      now: h.ctx.now,
    });
    const record = (await store.load("anthropic:max"))!;
    assert.equal(record.secret.access_token, TOKEN);
    assert.equal(record.secret.type, "token");
    assert.equal(record.secret.refresh_token, undefined);
    assert.equal(record.meta.hasRefreshToken, false);
    assert.equal(record.meta.origin, "pasted");

    await assert.rejects(
      runTokenSetupToken(["anthropic"], h.withStdin(testStdin("sk-ant-api03-nope\n").readable)),
      rejectsWith("invalid_request"),
    );
    assert.equal(await store.load("anthropic:default"), null);
  } finally {
    await h.cleanup();
  }
});

Deno.test("readHiddenLine() turns echo off, edits with backspace, restores the terminal, cancels on Ctrl-C", async () => {
  const calls: boolean[] = [];
  const out: string[] = [];
  const line = await readHiddenLine({
    stdin: testStdin("abX\x7fc\rignored").readable,
    terminal: { setRaw: (raw) => calls.push(raw) },
    stderr: (text) => out.push(text),
    prompt: "Token: ",
  });
  assert.equal(line, "abc");
  assert.deepEqual(calls, [true, false]);
  assert.equal(out.join(""), "Token: \n");

  const calls2: boolean[] = [];
  await assert.rejects(
    readHiddenLine({
      stdin: testStdin("abc\x03").readable,
      terminal: { setRaw: (raw) => calls2.push(raw) },
      stderr: () => {},
      prompt: "",
    }),
    rejectsWith("usage", /cancelled/),
  );
  assert.deepEqual(calls2, [true, false]);
});

Deno.test("token setup-token on a real terminal: the pasted token is not echoed and is stored", async () => {
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-setup-token-" });
  try {
    // `script` runs the CLI on a pseudo-terminal and copies everything the terminal shows
    // (including the line discipline's echo) to its stdout.
    const command = [
      Deno.execPath(),
      "run",
      "-A",
      "--quiet",
      `--config=${REPO_ROOT}/deno.json`,
      CLI_ENTRYPOINT,
      "token",
      "setup-token",
      "anthropic",
    ].map((word) => `'${word}'`).join(" ");
    const child = new Deno.Command("script", {
      args: ["-qefc", command, "/dev/null"],
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: stateDir,
        DENO_DIR: await denoDir(),
        NO_COLOR: "1",
        CLAWAUTH_STATE_DIR: stateDir,
        CLAWAUTH_KEYCHAIN: "file",
        CLAWAUTH_KEYCHAIN_SERVICE: "clawauth-test",
      },
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let screen = "";
    const deadline = Date.now() + 60_000;
    while (!screen.includes("input is hidden")) {
      const { value, done } = await reader.read();
      if (done || Date.now() > deadline) break;
      screen += value;
    }
    assert.match(screen, /input is hidden/);
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(`${TOKEN}\r`));
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      screen += value;
    }
    await writer.close().catch(() => {});
    const status = await child.status;
    await child.stderr.cancel();
    assert.equal(status.code, 0, screen);
    assert.match(screen, /Stored the Claude setup-token for anthropic:default/);
    assert.ok(!screen.includes(TOKEN.slice(13, 40)), "the token was echoed on the terminal");
    const got = await runCli(["token", "get", "anthropic", "--json"], {
      env: {
        CLAWAUTH_STATE_DIR: stateDir,
        CLAWAUTH_KEYCHAIN: "file",
        CLAWAUTH_KEYCHAIN_SERVICE: "clawauth-test",
      },
    });
    assert.equal((got.json() as { token: { access_token: string } }).token.access_token, TOKEN);
  } finally {
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
  }
});
