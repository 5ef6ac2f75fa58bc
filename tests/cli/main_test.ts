import assert from "node:assert/strict";
import { main, type MainDeps } from "../../cli/main.ts";
import { MemoryKeychain } from "../../cli/keychain/memory.ts";
import { VERSION } from "../../cli/version.ts";

const SESSION_ID = "0b9c3f3e-1c1a-4c1e-9f0e-6a1f3f1f2f3a";

/** Runs `main` in process with a memory keychain, a temp state dir and a dead server address. */
async function run(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-main-" });
  let stdout = "";
  let stderr = "";
  const keychain = new MemoryKeychain();
  const deps: MainDeps = {
    env: {
      CLAWAUTH_STATE_DIR: stateDir,
      // Port 9 (discard) on loopback: nothing listens; requests fail at once.
      CLAWAUTH_SERVER_URL: "http://127.0.0.1:9",
      ...env,
    },
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: new ReadableStream({ start: (c) => c.close() }),
    isTerminal: false,
    now: () => Date.parse("2030-01-01T00:00:00Z"),
    sleep: () => Promise.resolve(),
    fetch: globalThis.fetch,
    keychain: () => Promise.resolve(keychain),
  };
  try {
    const code = await main(argv, deps);
    return { code, stdout, stderr };
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
}

interface BadCase {
  argv: string[];
  message: RegExp;
  code?: string;
  exit?: number;
  env?: Record<string, string>;
}

const BAD_ARGUMENTS: BadCase[] = [
  { argv: ["frob"], message: /^unknown command "frob"; commands: login, sessions/ },
  { argv: ["--frob"], message: /^unknown option "--frob"; run `clawauth --help`/ },
  { argv: ["login"], message: /^missing command: `clawauth login <command>`/ },
  {
    argv: ["login", "frob"],
    message:
      /^unknown command `clawauth login frob`; choose one of: start, status, claim, wait, local/,
  },
  // login start
  {
    argv: ["login", "start"],
    message:
      /^missing <provider>: usage: clawauth login start <provider>; supported providers: notion, github,/,
  },
  { argv: ["login", "start", "Git Hub!"], message: /^<provider> must be 1 to 64 characters/ },
  {
    argv: ["login", "start", "github", "--ttl", "abc"],
    message:
      /^--ttl must be a duration from 1s to 3650d, such as 90s, 5m, 2h or 500ms \(a plain number is seconds\): got "abc"/,
  },
  { argv: ["login", "start", "github", "--ttl", "0"], message: /^--ttl must be a duration/ },
  { argv: ["login", "start", "github", "--ttl", "5 min"], message: /^--ttl must be a duration/ },
  { argv: ["login", "start", "github", "--scope"], message: /^--scope needs a value/ },
  { argv: ["login", "start", "github", "--profile", ".x"], message: /^--profile must be/ },
  { argv: ["login", "start", "github", "notion"], message: /^unexpected argument "notion"/ },
  {
    argv: ["login", "start", "github", "--reveal"],
    message: /^unknown option "--reveal" for `clawauth login start`/,
  },
  // login status
  {
    argv: ["login", "status"],
    message: /^missing <sessionId>: usage: clawauth login status <sessionId>/,
  },
  { argv: ["login", "status", "../../x"], message: /^<sessionId> must be 8 to 128 characters/ },
  { argv: ["login", "status", SESSION_ID, "extra"], message: /^unexpected argument "extra"/ },
  { argv: ["login", "status", SESSION_ID, "--reveal"], message: /^unknown option "--reveal"/ },
  // login claim
  { argv: ["login", "claim"], message: /^missing <sessionId>: usage: clawauth login claim/ },
  { argv: ["login", "claim", "a/b/c/d/e"], message: /^<sessionId> must be/ },
  { argv: ["login", "claim", SESSION_ID, "--profile", "a/b"], message: /^--profile must be/ },
  { argv: ["login", "claim", SESSION_ID, "--reveal=yes"], message: /^--reveal takes no value/ },
  // login wait
  { argv: ["login", "wait"], message: /^missing <sessionId>: usage: clawauth login wait/ },
  {
    argv: ["login", "wait", SESSION_ID, "--timeout", "soon"],
    message: /^--timeout must be a duration .*\(a plain number is milliseconds\)/,
  },
  {
    argv: ["login", "wait", SESSION_ID, "--interval", "10"],
    message: /^--interval must be a duration from 250ms/,
  },
  {
    argv: ["login", "wait", SESSION_ID, "--interval", "100ms"],
    message: /^--interval must be a duration from 250ms/,
  },
  { argv: ["login", "wait", SESSION_ID, "--timeout"], message: /^--timeout needs a value/ },
  // login local (token-sink engineer's command, dispatched here)
  { argv: ["login", "local"], message: /provider/ },
  // sessions / session-rm
  {
    argv: ["sessions", "extra"],
    message: /^unexpected argument "extra": usage: clawauth sessions/,
  },
  { argv: ["sessions", "--all"], message: /^unknown option "--all" for `clawauth sessions`/ },
  { argv: ["session-rm"], message: /^missing <sessionId>: usage: clawauth session-rm <sessionId>/ },
  { argv: ["session-rm", "x"], message: /^<sessionId> must be/ },
  // token
  { argv: ["token"], message: /^missing command: `clawauth token <command>`/ },
  {
    argv: ["token", "frob"],
    message: /^unknown command `clawauth token frob`; choose one of: list, get, env/,
  },
  {
    argv: ["token", "list", "--profile", "x"],
    message: /^unknown option "--profile" for `clawauth token list`/,
  },
  { argv: ["token", "list", "a", "b"], message: /^unexpected argument "b"/ },
  { argv: ["token", "get", "Bad!"], message: /^<provider> must be/ },
  { argv: ["token", "get", "github", "--profile", "a/b"], message: /^--profile must be/ },
  { argv: ["token", "get", "github", "notion"], message: /^unexpected argument "notion"/ },
  {
    argv: ["token", "env", "github", "--export"],
    message: /^unknown option "--export" for `clawauth token env`/,
  },
  { argv: ["token", "env", "github", "--profile"], message: /^--profile needs a value/ },
  // token-sink engineer's commands, dispatched here
  { argv: ["token", "rm"], message: /provider/ },
  { argv: ["token", "order"], message: /./ },
  { argv: ["token", "paste"], message: /provider/ },
  { argv: ["token", "status", "--bogus"], message: /--bogus/ },
  { argv: ["token", "refresh", "a", "b"], message: /"b"/ },
  // information
  {
    argv: ["providers", "github"],
    message: /^unexpected argument "github": usage: clawauth providers/,
  },
  { argv: ["explain", "--verbose"], message: /^unknown option "--verbose" for `clawauth explain`/ },
  { argv: ["docs", "all"], message: /^unexpected argument "all"/ },
  // global settings
  { argv: ["providers", "--server"], message: /^--server needs a URL/ },
  { argv: ["providers", "--server", "ftp://x"], message: /^--server must use https \(or http\)/ },
  {
    argv: ["token", "get", "github"],
    env: { CLAWAUTH_SERVER_URL: "nope" },
    message: /^CLAWAUTH_SERVER_URL must be an absolute http\(s\) URL: got "nope"/,
  },
  {
    argv: ["login", "wait", SESSION_ID],
    env: { CLAWAUTH_POLL_INTERVAL_MS: "fast" },
    message: /^CLAWAUTH_POLL_INTERVAL_MS must be a duration/,
  },
];

Deno.test("main() answers bad arguments to every command with a usage error and exit 2", async () => {
  for (const { argv, message, code = "usage", exit = 2, env } of BAD_ARGUMENTS) {
    const label = `clawauth ${argv.join(" ")}`;
    const result = await run([...argv, "--json"], env);
    assert.equal(result.code, exit, `${label}: exit code\n${result.stdout}${result.stderr}`);
    const body = JSON.parse(result.stdout);
    assert.equal(body.error.code, code, label);
    assert.match(body.error.message, message, label);

    const human = await run(argv, env);
    assert.equal(human.code, exit, label);
    assert.equal(human.stdout, "", `${label}: errors go to stderr without --json`);
    assert.match(human.stderr, /^clawauth: .+ \(usage\)\n$/s, label);
  }
});

Deno.test("main() prints --help at every level and --version, exit 0", async () => {
  const levels = [
    [[], "Usage: clawauth <command>"],
    [["login"], "Usage: clawauth login <command>"],
    [["token"], "Usage: clawauth token <command>"],
    [["login", "start"], "Usage: clawauth login start <provider>"],
    [["login", "status"], "Usage: clawauth login status <sessionId>"],
    [["login", "claim"], "Usage: clawauth login claim <sessionId>"],
    [["login", "wait"], "Usage: clawauth login wait <sessionId>"],
    [["login", "local"], "clawauth login local <provider>"],
    [["sessions"], "Usage: clawauth sessions"],
    [["session-rm"], "Usage: clawauth session-rm <sessionId>"],
    [["token", "list"], "Usage: clawauth token list"],
    [["token", "get"], "Usage: clawauth token get [provider]"],
    [["token", "env"], "Usage: clawauth token env [provider]"],
    [["token", "refresh"], "clawauth token refresh"],
    [["token", "rm"], "clawauth token rm"],
    [["token", "status"], "clawauth token status"],
    [["token", "order"], "clawauth token order"],
    [["token", "paste"], "clawauth token paste"],
    [["providers"], "Usage: clawauth providers"],
    [["explain"], "Usage: clawauth explain"],
    [["docs"], "Usage: clawauth docs"],
  ] as const;
  for (const [words, expected] of levels) {
    for (const flag of ["--help", "-h"]) {
      const result = await run([...words, flag]);
      assert.equal(result.code, 0, `${words.join(" ")} ${flag}`);
      assert.ok(result.stdout.includes(expected), `${words.join(" ")} ${flag}: ${result.stdout}`);
    }
    const json = await run([...words, "--help", "--json"]);
    assert.equal(JSON.parse(json.stdout).action, "help");
  }
  const bare = await run([]);
  assert.equal(bare.code, 0);
  assert.match(bare.stdout, /Usage: clawauth <command>/);

  const version = await run(["--version"]);
  assert.equal(version.stdout, `clawauth ${VERSION}\n`);
  assert.deepEqual(JSON.parse((await run(["-V", "--json"])).stdout), {
    action: "version",
    version: VERSION,
  });
});

Deno.test("main() explain and docs print the manual; docs names every command and variable", async () => {
  const explain = await run(["explain"]);
  assert.equal(explain.code, 0);
  assert.match(explain.stdout, /Security model/);
  const docs = await run(["docs", "--json"]);
  assert.equal(docs.code, 0);
  const text = JSON.parse(docs.stdout).text as string;
  for (
    const needle of [
      "clawauth login start <provider>",
      "clawauth login status <sessionId>",
      "clawauth login claim <sessionId>",
      "clawauth login wait <sessionId>",
      "clawauth sessions",
      "clawauth session-rm <sessionId>",
      "clawauth token list",
      "clawauth token get [provider]",
      "clawauth token env [provider]",
      "clawauth providers",
      "shortAuthUrl",
      "storedInKeychain",
      "keychainAccount",
      "token_saved_at",
      "CLAWAUTH_SERVER_URL",
      "CLAWAUTH_WORKER_URL",
      "CLAWAUTH_TTL_SECONDS",
      "CLAWAUTH_SCOPE",
      "CLAWAUTH_POLL_INTERVAL_MS",
      "CLAWAUTH_POLL_TIMEOUT_MS",
      "CLAWAUTH_KEYCHAIN_SERVICE",
      "CLAWAUTH_STATE_DIR",
      "CLAWAUTH_KEYCHAIN",
      "CLAWAUTH_AGENT",
    ]
  ) {
    assert.ok(text.includes(needle), `docs mention ${needle}`);
  }
});

Deno.test("main() providers falls back to the built-in list with a notice when the server is down", async () => {
  const result = await run(["providers", "--json"]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const body = JSON.parse(result.stdout);
  assert.equal(body.source, "builtin");
  assert.equal(body.providers.length, 20);
  assert.ok(body.providers.includes("notion"));
  assert.match(body.notice, /could not get the provider list from http:\/\/127\.0\.0\.1:9/);
  assert.match(result.stderr, /clawauth: notice: could not get the provider list/);
});

Deno.test("main() session-rm of an unknown session says nothing was removed", async () => {
  const result = await run(["session-rm", SESSION_ID, "--json"]);
  assert.equal(result.code, 0);
  assert.deepEqual(JSON.parse(result.stdout), {
    action: "session-rm",
    sessionId: SESSION_ID,
    removed: false,
    serverRemoved: false,
    serverNote: "no signing key on this machine, so the server copy was left to expire on its own",
  });
});

Deno.test("main() login status of a session this machine never started is session_not_found", async () => {
  const result = await run(["login", "status", SESSION_ID, "--json"]);
  assert.equal(result.code, 1);
  const body = JSON.parse(result.stdout);
  assert.equal(body.error.code, "session_not_found");
  assert.match(body.error.message, /^no local login session 0b9c3f3e-.* `clawauth sessions`/);
});
