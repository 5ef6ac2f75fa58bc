// The workspace keeps each deliverable's dependencies apart (DESIGN.md §2): the CLI's module
// graph, which `deno compile` embeds, reaches no server- or test-only package and no file of the
// server or the tests; the server reaches no test-only package; shared/ and providers/ import
// nothing of cli/ or server/.

import assert from "node:assert/strict";
import { declaredPackages, moduleGraph } from "./_graph.ts";

/** Test-only packages and what only they pull in: never anywhere in the CLI's or server's graph. */
const TEST_ONLY = [
  "oidc-provider",
  "koa",
  "puppeteer-core",
  "@puppeteer/browsers",
  "chromium-bidi",
  "devtools-protocol",
];

/** Packages the server, the demo or the tests declare and the CLI's members do not. The CLI
 * must not import them (a package the CLI does import may still depend on one, e.g. the MCP SDK
 * on hono; the bundled binary embeds only the modules actually reached). */
async function serverOrTestOnly(): Promise<Set<string>> {
  const forbidden = new Set(TEST_ONLY);
  for (const member of ["server", "server/demo", "tests"]) {
    for (const name of await declaredPackages(member)) forbidden.add(name);
  }
  for (const member of ["cli", "shared", "providers", "."]) {
    for (const name of await declaredPackages(member)) forbidden.delete(name);
  }
  return forbidden;
}

function outside(files: string[], allowed: string[]): string[] {
  return files.filter((file) => !allowed.some((dir) => file.startsWith(dir)));
}

Deno.test("the CLI's module graph holds no server- or test-only package, no server/ or tests/ file", async () => {
  const graph = await moduleGraph("cli/main.ts");
  const forbidden = await serverOrTestOnly();
  assert.ok(forbidden.has("hono") && forbidden.has("oidc-provider"));
  assert.deepEqual([...graph.imported].filter((name) => forbidden.has(name)), []);
  assert.deepEqual([...graph.packages].filter((name) => TEST_ONLY.includes(name)), []);
  assert.deepEqual(outside(graph.files, ["cli/", "shared/", "providers/"]), []);
  // The graph is the real one: it reaches the CLI's own package and its lazily loaded commands.
  assert.ok(graph.imported.has("tweetnacl"), [...graph.imported].join(", "));
  assert.ok(graph.files.some((file) => file.startsWith("cli/commands/")), graph.files.join("\n"));
});

Deno.test("the check sees a graph's packages: the demo server imports hono, oidc-provider (koa)", async () => {
  // The control for the test above: the same checks on a graph that does hold them.
  const graph = await moduleGraph("server/demo/demo.ts");
  const forbidden = await serverOrTestOnly();
  const imported = [...graph.imported].filter((name) => forbidden.has(name));
  for (const name of ["hono", "oidc-provider"]) assert.ok(imported.includes(name), name);
  assert.ok([...graph.packages].some((name) => name === "koa"));
  assert.ok(outside(graph.files, ["cli/", "shared/", "providers/"]).length > 0);
});

Deno.test("the server's module graph holds no test-only package and no cli/, tests/ or demo file", async () => {
  const graph = await moduleGraph("server/main.ts");
  assert.deepEqual([...graph.packages].filter((name) => TEST_ONLY.includes(name)), []);
  assert.ok(graph.imported.has("hono"));
  assert.deepEqual(outside(graph.files, ["server/", "shared/", "providers/"]), []);
  assert.deepEqual(graph.files.filter((file) => file.startsWith("server/demo/")), []);
});

Deno.test("shared/ and providers/ import nothing of cli/ or server/", async () => {
  for (const dir of ["shared", "providers"]) {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
      const graph = await moduleGraph(`${dir}/${entry.name}`);
      assert.deepEqual(outside(graph.files, ["shared/", "providers/"]), [], `${dir}/${entry.name}`);
    }
  }
});

Deno.test("the root deno.json declares no server- or test-only package (members declare their own)", async () => {
  const root = await declaredPackages(".");
  for (const name of ["hono", "oidc-provider", "puppeteer-core"]) assert.ok(!root.has(name), name);
  assert.ok((await declaredPackages("server")).has("hono"));
  assert.ok((await declaredPackages("tests")).has("puppeteer-core"));
  assert.ok((await declaredPackages("cli")).has("tweetnacl"));
});
