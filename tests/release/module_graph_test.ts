// The workspace keeps each deliverable's dependencies apart (DESIGN.md §2): the CLI's module
// graph, which `deno compile` embeds, reaches no server- or test-only package and no file of the
// server or the tests; the server reaches no test-only package; shared/ and providers/ import
// nothing of cli/ or server/.

import assert from "node:assert/strict";
import { declaredPackages, moduleGraph } from "./_graph.ts";

/** Packages of the server, the demo and the tests, and what they pull in, that the CLI never loads. */
const KNOWN_SERVER_OR_TEST_ONLY = [
  "hono",
  "oidc-provider",
  "koa",
  "puppeteer-core",
  "@puppeteer/browsers",
  "chromium-bidi",
  "devtools-protocol",
];

async function serverOrTestOnly(): Promise<Set<string>> {
  const forbidden = new Set(KNOWN_SERVER_OR_TEST_ONLY);
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
  assert.deepEqual([...graph.packages].filter((name) => forbidden.has(name)), []);
  assert.deepEqual(outside(graph.files, ["cli/", "shared/", "providers/"]), []);
  // The graph is the real one: it reaches the CLI's own package and its lazily loaded commands.
  assert.ok(graph.packages.has("tweetnacl"), [...graph.packages].join(", "));
  assert.ok(graph.files.some((file) => file.startsWith("cli/commands/")), graph.files.join("\n"));
});

Deno.test("the check sees a graph's packages: the demo server reaches hono, oidc-provider, koa", async () => {
  // The control for the test above: the same check on a graph that does hold them.
  const graph = await moduleGraph("server/demo/demo.ts");
  const forbidden = await serverOrTestOnly();
  const found = [...graph.packages].filter((name) => forbidden.has(name));
  for (const name of ["hono", "oidc-provider", "koa"]) assert.ok(found.includes(name), name);
});

Deno.test("the server's module graph holds no test-only package and no cli/, tests/ or demo file", async () => {
  const graph = await moduleGraph("server/main.ts");
  for (const name of ["oidc-provider", "koa", "puppeteer-core", "chromium-bidi"]) {
    assert.ok(!graph.packages.has(name), name);
  }
  assert.ok(graph.packages.has("hono"));
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
