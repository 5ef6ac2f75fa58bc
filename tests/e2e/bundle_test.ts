// Test what ships: the release binary embeds the CLI as ONE esbuild-bundled module
// (`deno compile --bundle --minify`, release/compile.ts). Here the same step, `deno bundle
// --platform deno --minify cli/main.ts`, writes that module into a temporary directory (away from
// the sources), and CLI end-to-end tests run against it through tests/fixtures/run_cli.ts
// (CLAWAUTH_CLI_ENTRY). A dynamic import the bundler cannot follow, or a file read next to the
// sources, fails here instead of on a user's machine.

import assert from "node:assert/strict";
import { join } from "node:path";
import { VERSION } from "../../cli/version.ts";
import { REPO_ROOT, runCli } from "../fixtures/run_cli.ts";

/** CLI end-to-end tests run against the bundle: the agent contract's example, login, the token
 * sink (stdin, exit codes), delegated refresh, and `mcp` (the MCP SDK and zod, bundled). */
const BUNDLE_SUBSET = [
  "tests/e2e/seed_example_test.ts",
  "tests/cli/login_test.ts",
  "tests/e2e/token_sink_test.ts",
  "tests/e2e/delegated_refresh_test.ts",
  "tests/e2e/mcp_test.ts",
];

async function run(args: string[], env: Record<string, string> = {}) {
  const result = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: result.code,
    output: decoder.decode(result.stdout) + decoder.decode(result.stderr),
  };
}

/** `deno bundle` as `deno compile --bundle --minify` runs it; returns the bundle's path. */
async function bundle(entrypoint: string, dir: string, minify = true): Promise<string> {
  const out = join(dir, minify ? "clawauth.js" : "clawauth.unminified.js");
  const built = await run(
    [
      "bundle",
      "--quiet",
      "--platform",
      "deno",
      ...(minify ? ["--minify"] : []),
      "-o",
      out,
      entrypoint,
    ],
  );
  assert.equal(built.code, 0, built.output);
  return out;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-bundle-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the bundled CLI is one module that needs no file of ours and no npm package", async () => {
  await withTempDir(async (dir) => {
    const file = await bundle("cli/main.ts", dir);
    const info = await run(["info", "--json", file]);
    assert.equal(info.code, 0, info.output);
    const modules: { specifier: string; kind?: string }[] = JSON.parse(info.output).modules;
    const notBuiltin = modules.filter((m) => !m.specifier.startsWith("node:"));
    assert.deepEqual(notBuiltin.map((m) => m.specifier), [new URL(`file://${file}`).href]);

    const version = await runCli(["--version"], { entrypoint: file });
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `clawauth ${VERSION}\n`);
    const usage = await runCli(["login", "status", "--json"], { entrypoint: file });
    assert.equal(usage.code, 2);
    assert.equal((usage.json() as { error: { code: string } }).error.code, "usage");
  });
});

/** Packages the CLI must not carry: the server's and the tests', and what only a server needs. */
const NOT_IN_THE_CLI = [
  "hono",
  "@hono/node-server",
  "express",
  "oidc-provider",
  "koa",
  "puppeteer-core",
  "chromium-bidi",
  "devtools-protocol",
];

Deno.test("the bundle holds only the CLI's modules: none of server/ or tests/, no server package", async () => {
  // Unminified, esbuild heads each bundled module with a `// <path>` comment: the exact list of
  // what the binary embeds (npm packages sit under <DENO_DIR>/npm/<registry>/<name>/<version>/).
  await withTempDir(async (dir) => {
    const text = await Deno.readTextFile(await bundle("cli/main.ts", dir, false));
    const paths = [...text.matchAll(/^\/\/ (\S+\.(?:ts|js|mjs|cjs|json))$/gm)].map((m) => m[1]);
    const packages = new Set(
      paths.flatMap((path) => {
        const match = /\/npm\/[^/]+\/((?:@[^/]+\/)?[^/@]+)\/\d[^/]*\//.exec(path);
        return match ? [match[1]] : [];
      }),
    );
    const ours = paths.filter((path) => !path.includes("/npm/"));
    assert.ok(ours.includes("cli/main.ts") && packages.has("tweetnacl"), paths.join("\n"));
    assert.deepEqual(ours.filter((path) => !/^(cli|shared|providers)\//.test(path)), []);
    assert.deepEqual(NOT_IN_THE_CLI.filter((name) => packages.has(name)), []);
  });
});

Deno.test("an untraceable dynamic import works from source but fails from the bundle", async () => {
  // The control: the check above would catch such an import in the CLI.
  await withTempDir(async (dir) => {
    const probe = "tests/fixtures/bundle_probe/untraceable_import.ts";
    const fromSource = await run(["run", "-A", "--quiet", probe]);
    assert.equal(fromSource.code, 0, fromSource.output);
    assert.match(fromSource.output, /probe module loaded/);
    const file = await bundle(probe, dir);
    const fromBundle = await run(["run", "-A", "--quiet", file]);
    assert.notEqual(fromBundle.code, 0);
    assert.match(fromBundle.output, /Module not found/);
  });
});

Deno.test("CLI end-to-end tests pass against the bundle", async () => {
  await withTempDir(async (dir) => {
    const file = await bundle("cli/main.ts", dir);
    const tested = await run(["test", "-A", ...BUNDLE_SUBSET], { CLAWAUTH_CLI_ENTRY: file });
    assert.equal(tested.code, 0, tested.output);
    const summary = /ok \| (\d+) passed \| 0 failed/.exec(tested.output);
    assert.ok(summary, tested.output);
    assert.ok(Number(summary[1]) >= BUNDLE_SUBSET.length, tested.output);
    assert.doesNotMatch(tested.output, /\d+ ignored/);
  });
});
