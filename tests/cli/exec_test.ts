// `clawauth exec`: the token reaches one child through its environment only (never argv, never
// clawauth's own output); inherited token variables are replaced; exit codes and signals pass
// through; SIGTERM sent to clawauth reaches the child; exec refuses to nest.
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildExecEnv, parseExecArgs, signalExitCode } from "../../cli/commands/exec.ts";
import { FileKeychain } from "../../cli/keychain/file.ts";
import { credentialsFilePath } from "../../cli/keychain/select.ts";
import { CredentialStore } from "../../cli/store/credentials.ts";
import { REPO_ROOT, runCli, startCli } from "../fixtures/run_cli.ts";
import type { Json } from "./_delegated.ts";

const CHILD = join(REPO_ROOT, "tests/cli/_exec_child.ts");
const ACCESS = "exec-access-token-0123456789abcdefXYZ";
const REFRESH = "exec-refresh-token-0123456789abcdefXYZ";

/** A state dir with a stored `my-idp` token and the CLI environment for it. */
async function setup(): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-exec-" });
  const stateDir = join(dir, "state");
  const store = new CredentialStore({
    keychain: new FileKeychain({ path: credentialsFilePath(stateDir) }),
    stateDir,
    keychainService: "clawauth",
    now: Date.now,
  });
  await store.save({
    id: "my-idp:default",
    origin: "delegated",
    secret: { access_token: ACCESS, refresh_token: REFRESH, token_type: "Bearer" },
  });
  return {
    dir,
    env: {
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_KEYCHAIN: "file",
      CLAWAUTH_SERVER_URL: "http://127.0.0.1:9",
      // The local registry entry: toolEnv names the provider's own tool variable.
      CLAWAUTH_PROVIDERS: JSON.stringify([{
        name: "my-idp",
        type: "oauth2",
        authorizeUrl: "https://idp.example/authorize",
        tokenUrl: "https://idp.example/token",
        toolEnv: ["MY_TOOL_TOKEN"],
      }]),
      // Conflicting variables the caller happens to have: replaced or removed.
      CLAWAUTH_ACCESS_TOKEN: "stale-inherited",
      CLAWAUTH_REFRESH_TOKEN: "stale-refresh",
      MY_TOOL_TOKEN: "stale-tool",
      UNRELATED_SETTING: "kept",
    },
  };
}

function childArgs(...args: string[]): string[] {
  return ["exec", "my-idp", "--", Deno.execPath(), "run", "-A", "--quiet", CHILD, ...args];
}

Deno.test("exec puts the token in the child's environment only: not argv, not clawauth's output", async () => {
  const { dir, env } = await setup();
  try {
    const result = await runCli(childArgs("exit", "0"), { env });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout.trim()) as Json;
    assert.equal(report.env.CLAWAUTH_ACCESS_TOKEN, ACCESS);
    assert.equal(report.env.MY_IDP_ACCESS_TOKEN, ACCESS);
    assert.equal(report.env.MY_TOOL_TOKEN, ACCESS);
    assert.equal(report.env.CLAWAUTH_PROVIDER, "my-idp");
    assert.equal(report.env.CLAWAUTH_TOKEN_TYPE, "Bearer");
    assert.equal(report.env.CLAWAUTH_EXEC, "my-idp:default");
    assert.equal(report.env.CLAWAUTH_REFRESH_TOKEN, null, "no refresh token, stale one removed");
    assert.equal(report.env.MY_IDP_REFRESH_TOKEN, null);
    assert.equal(report.env.UNRELATED_SETTING, "kept");
    assert.deepEqual(report.argv, ["exit", "0"]);
    assert.ok(!report.cmdline.includes(ACCESS), "token not on the child's command line");
    // clawauth itself printed nothing but the child's line, and nothing about the token.
    assert.equal(result.stdout.trim().split("\n").length, 1);
    assert.ok(!result.stderr.includes(ACCESS));
    assert.ok(!result.stderr.includes(REFRESH));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exec passes the child's exit code through, and 128+n for a signal death", async () => {
  const { dir, env } = await setup();
  try {
    const seven = await runCli(childArgs("exit", "7"), { env });
    assert.equal(seven.code, 7, seven.stderr);
    const killed = await runCli(childArgs("kill-self", "SIGTERM"), { env });
    assert.equal(killed.code, 128 + 15, killed.stderr);
    const interrupted = await runCli(childArgs("kill-self", "SIGINT"), { env });
    assert.equal(interrupted.code, 128 + 2, interrupted.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exec forwards SIGTERM sent to clawauth to the child", async () => {
  const { dir, env } = await setup();
  try {
    const marker = join(dir, "signal.txt");
    const process = await startCli(childArgs("wait-signal", marker), { env });
    await process.waitFor("ready", { stream: "stderr" });
    process.kill("SIGTERM"); // to clawauth's pid only, not the process group
    const result = await process.wait();
    assert.equal(await Deno.readTextFile(marker), "got SIGTERM");
    assert.equal(result.code, 42, result.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exec refuses to run inside another exec", async () => {
  const { dir, env } = await setup();
  try {
    const result = await runCli([...childArgs("exit", "0"), "--json"], {
      env: { ...env, CLAWAUTH_EXEC: "my-idp:default" },
    });
    assert.equal(result.code, 1);
    assert.equal(
      result.stdout,
      "",
      "the child never ran; the error goes to stderr (no --json before --)",
    );
    assert.match(result.stderr, /already inside `clawauth exec`.*\(exec_nested\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exec: a missing command is exec_failed; JSON error under --json", async () => {
  const { dir, env } = await setup();
  try {
    const result = await runCli(
      ["exec", "my-idp", "--json", "--", "/nonexistent/clawauth-no-such-command"],
      { env },
    );
    assert.equal(result.code, 1);
    const body = result.json() as Json;
    assert.equal(body.error.code, "exec_failed");
    assert.match(body.error.message, /command not found/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseExecArgs: rows", () => {
  assert.deepEqual(parseExecArgs(["github", "--", "gh", "api", "user", "--json"]), {
    provider: "github",
    command: "gh",
    args: ["api", "user", "--json"],
  });
  assert.deepEqual(parseExecArgs(["github", "--profile", "work", "--", "gh"]), {
    provider: "github",
    profile: "work",
    command: "gh",
    args: [],
  });
  assert.throws(() => parseExecArgs(["github", "gh"]), /missing `--`/);
  assert.throws(() => parseExecArgs(["--", "gh"]), /missing <provider>/);
  assert.throws(() => parseExecArgs(["github", "--"]), /missing <command>/);
  assert.throws(() => parseExecArgs(["github", "--bogus", "--", "gh"]), /unknown option "--bogus"/);
});

Deno.test("buildExecEnv removes conflicting variables and sets the token names", () => {
  const env = buildExecEnv(
    { PATH: "/bin", GH_TOKEN: "old", GITHUB_REFRESH_TOKEN: "old", CLAWAUTH_EXEC: "x" },
    { provider: "github", profileId: "github:default", accessToken: "T", toolEnv: ["GH_TOKEN"] },
  );
  assert.deepEqual(env, {
    PATH: "/bin",
    CLAWAUTH_ACCESS_TOKEN: "T",
    GITHUB_ACCESS_TOKEN: "T",
    GH_TOKEN: "T",
    CLAWAUTH_PROVIDER: "github",
    CLAWAUTH_TOKEN_TYPE: "Bearer",
    CLAWAUTH_EXEC: "github:default",
  });
  assert.equal(signalExitCode({ success: false, code: 1, signal: "SIGKILL" }), 137);
  assert.equal(signalExitCode({ success: false, code: 3, signal: null }), 3);
});

Deno.test("exec still runs the command when the provider config cannot be read (notice on stderr)", async () => {
  const { dir, env } = await setup();
  try {
    const result = await runCli(childArgs("exit", "0"), {
      env: { ...env, CLAWAUTH_PROVIDERS: "{not json" },
    });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout.trim()) as Json;
    assert.equal(report.env.CLAWAUTH_ACCESS_TOKEN, ACCESS);
    // Without the registry entry exec does not know MY_TOOL_TOKEN: the caller's own value stays.
    assert.equal(report.env.MY_TOOL_TOKEN, "stale-tool");
    assert.match(result.stderr, /notice: could not read my-idp's tool variables/);
    assert.ok(!result.stderr.includes(ACCESS));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
