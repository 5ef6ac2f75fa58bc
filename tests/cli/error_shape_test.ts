// One error shape everywhere: every command's error paths, run through main() with --json,
// print exactly {"error": {code, message, transient, fix?, ...}} on stdout with a non-zero exit;
// without --json, nothing on stdout and "clawauth: <message> (<code>)" on stderr. Usage errors
// exit 2, wait_timeout 3, the rest 1. `transient` is true only where retrying the same command
// later can work (provider_not_configured, for one, is not).

import assert from "node:assert/strict";
import { main, ROUTES } from "../../cli/main.ts";
import { MemoryKeychain } from "../../cli/keychain/memory.ts";
import { type Json, PROVIDER, startDelegated } from "./_delegated.ts";

const UNKNOWN_SESSION = "0b9c3f3e-1c1a-4c1e-9f0e-6a1f3f1f2f3a";
const DEAD_SERVER = "http://127.0.0.1:9";

interface Case {
  argv: string[];
  code?: string;
  transient?: boolean;
  /** Where the CLI is pointed: the live server (default) or a dead address. */
  server?: "live" | "dead";
  fix?: RegExp;
}

/** Error paths beyond the usage errors every command gets (see the generic row below). */
const CASES: Case[] = [
  { argv: ["login", "start", "github"], code: "provider_not_configured", transient: false },
  {
    argv: ["login", "start", "nosuch"],
    code: "provider_not_implemented",
    transient: false,
  },
  {
    argv: ["login", "start", PROVIDER],
    code: "server_unreachable",
    transient: true,
    server: "dead",
    fix: /start the clawauth server at http:\/\/127\.0\.0\.1:9|CLAWAUTH_SERVER_URL/,
  },
  { argv: ["login", "status", UNKNOWN_SESSION], code: "session_not_found", transient: false },
  { argv: ["login", "claim", UNKNOWN_SESSION], code: "session_not_found", transient: false },
  { argv: ["login", "wait", UNKNOWN_SESSION], code: "session_not_found", transient: false },
  { argv: ["login", "local", "nosuch"] },
  { argv: ["token", "get", "nosuch"], code: "token_not_found", fix: /^clawauth providers$/ },
  {
    argv: ["token", "get", "github"],
    code: "token_not_found",
    fix: /^clawauth login start github$/,
  },
  { argv: ["token", "env", "github"], code: "token_not_found" },
  { argv: ["token", "refresh", "github"], code: "token_not_found" },
  { argv: ["token", "rm", "github"], code: "token_not_found" },
  { argv: ["token", "paste", "github"] },
  { argv: ["token", "order", "set", "github", "gitlab:x"], code: "usage" },
  { argv: ["token", "get", "github", "--raw"], code: "usage" }, // --raw with --json
  { argv: ["exec", "github", "--", "true"], code: "token_not_found" },
  { argv: ["api", "github", "/user"] },
];

/** argv with --json, placed before a `--` (after it, words belong to the child command). */
function withJson(argv: string[]): string[] {
  const dashes = argv.indexOf("--");
  return dashes === -1
    ? [...argv, "--json"]
    : [...argv.slice(0, dashes), "--json", ...argv.slice(dashes)];
}

async function run(
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const keychain = new MemoryKeychain();
  const code = await main(argv, {
    env,
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: new ReadableStream({ start: (c) => c.close() }),
    isTerminal: false,
    now: Date.now,
    sleep: () => Promise.resolve(),
    fetch: globalThis.fetch,
    keychain: () => Promise.resolve(keychain),
  });
  return { code, stdout, stderr };
}

function checkShape(label: string, result: { code: number; stdout: string }, want: Case): Json {
  assert.notEqual(result.code, 0, `${label}: exits non-zero\n${result.stdout}`);
  let body: Json;
  try {
    body = JSON.parse(result.stdout);
  } catch {
    throw new Error(`${label}: stdout is not one JSON document: ${result.stdout}`);
  }
  // Beside "error", only the seed contract's own fields of a failed claim may stand at the top
  // (seeds/000: `login claim --json` carries `status: error`, `provider`, `storedInKeychain`).
  const extra = Object.keys(body).filter((key) => key !== "error");
  assert.ok("error" in body, `${label}: "error" at the top`);
  assert.deepEqual(
    extra.filter((key) => !["status", "provider", "storedInKeychain"].includes(key)),
    [],
    `${label}: only "error" (and a failed claim's seed fields) at the top`,
  );
  if (extra.length > 0) assert.equal(body.status, "error", `${label}: status is "error"`);
  const error = body.error;
  assert.equal(typeof error, "object", `${label}: error is an object, never a string`);
  assert.equal(typeof error.code, "string", label);
  assert.match(error.code, /^[a-z_]+$/, label);
  assert.equal(typeof error.message, "string", label);
  assert.ok(error.message.length > 0, label);
  assert.equal(typeof error.transient, "boolean", `${label}: transient is a boolean`);
  if ("fix" in error) {
    assert.equal(typeof error.fix, "string", label);
    assert.ok(error.fix.length > 0, label);
  }
  const exit = error.code === "usage" ? 2 : error.code === "wait_timeout" ? 3 : 1;
  assert.equal(result.code, exit, `${label}: exit code of ${error.code}`);
  if (want.code) assert.equal(error.code, want.code, `${label}\n${result.stdout}`);
  if (want.transient !== undefined) assert.equal(error.transient, want.transient, label);
  if (want.fix) assert.match(String(error.fix), want.fix, `${label}\n${result.stdout}`);
  if (error.code === "usage" || error.code.endsWith("not_configured")) {
    assert.equal(error.transient, false, `${label}: retrying cannot help`);
  }
  return body;
}

Deno.test("every command's error paths print the one JSON error shape and the right exit code", async () => {
  const setup = await startDelegated();
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-shape-" });
  try {
    const envFor = (server: "live" | "dead" = "live") => ({
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_SERVER_URL: server === "live" ? setup.url : DEAD_SERVER,
    });
    // Every command, including ones added later: an unknown flag is a usage error in the shape.
    const generic: Case[] = Object.keys(ROUTES).map((words) => ({
      argv: [...words.split(" "), "--no-such-flag-for-the-shape-test"],
      code: "usage",
    }));
    const groups: Case[] = [{ argv: ["login"] }, { argv: ["token"] }, { argv: ["nosuch"] }];
    for (const want of [...generic, ...groups, ...CASES]) {
      const label = `clawauth ${want.argv.join(" ")}`;
      const env = envFor(want.server);
      checkShape(label, await run(withJson(want.argv), env), want);
      if (want.argv.includes("--raw")) continue;
      const human = await run(want.argv, env);
      assert.notEqual(human.code, 0, label);
      assert.equal(human.stdout, "", `${label}: errors go to stderr without --json`);
      assert.match(human.stderr, /^clawauth: [\s\S]+ \([a-z_]+\)\n/, `${label}: ${human.stderr}`);
    }
    // Keep the table honest: each command word appears in a generic row.
    assert.ok(generic.length >= 17, `routes: ${generic.length}`);
  } finally {
    await setup.stop();
    await Deno.remove(stateDir, { recursive: true });
  }
});
