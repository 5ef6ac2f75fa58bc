import assert from "node:assert/strict";
import { BUILTIN_PROVIDERS } from "../../providers/builtin.ts";
import { PROVIDER_NAME_PATTERN, RESERVED_PROVIDER_NAMES } from "../../providers/custom.ts";
import { createRegistry } from "../../providers/registry.ts";
import type { ProviderSpec } from "../../providers/types.ts";

const SKILL_PROVIDERS = [
  "notion",
  "github",
  "discord",
  "linear",
  "airtable",
  "todoist",
  "asana",
  "trello",
  "dropbox",
  "digitalocean",
  "slack",
  "gitlab",
  "reddit",
  "figma",
  "spotify",
  "bitbucket",
  "box",
  "calendly",
  "fathom",
  "twitch",
];

function isHttps(value: string): boolean {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

Deno.test("BUILTIN_PROVIDERS holds exactly the skill's 20 providers, in order", () => {
  assert.deepEqual(BUILTIN_PROVIDERS.map((spec) => spec.name), SKILL_PROVIDERS);
});

Deno.test("every builtin has https endpoints, https docs and a sane shape", () => {
  const names = new Set<string>();
  for (const spec of BUILTIN_PROVIDERS) {
    const at = spec.name;
    assert.match(spec.name, PROVIDER_NAME_PATTERN, at);
    assert.equal(RESERVED_PROVIDER_NAMES.includes(spec.name), false, at);
    assert.equal(names.has(spec.name), false, `${at} is listed twice`);
    names.add(spec.name);
    for (const url of [spec.authorizeUrl, spec.tokenUrl, spec.registerUrl]) {
      assert.ok(isHttps(url), `${at}: ${url} is not https`);
    }
    if (spec.refreshUrl !== undefined) assert.ok(isHttps(spec.refreshUrl), at);
    if (spec.userinfoUrl !== undefined) assert.ok(isHttps(spec.userinfoUrl), at);
    assert.ok(spec.docs.length > 0, `${at} has no docs URL`);
    for (const doc of spec.docs) assert.ok(isHttps(doc), `${at}: doc ${doc} is not https`);
    assert.ok(spec.displayName.trim() !== "", at);
    assert.ok(spec.scopeSeparator === " " || spec.scopeSeparator === ",", at);
    for (const scope of spec.defaultScopes) assert.match(scope, /^[\x21\x23-\x5B\x5D-\x7E]+$/, at);
    assert.equal(spec.source, "builtin", at);
    assert.ok(["basic", "body", "none"].includes(spec.clientAuth), at);
    assert.ok(["required", "supported", "none"].includes(spec.pkce), at);
  }
});

Deno.test("builtin quirks the server relies on are encoded", () => {
  const get = (name: string) => BUILTIN_PROVIDERS.find((spec) => spec.name === name)!;
  assert.equal(get("github").tokenResponse, "github");
  assert.equal(get("github").tokenHeaders?.accept, "application/json");
  assert.equal(get("slack").tokenResponse, "slack");
  assert.equal(get("airtable").pkce, "required");
  assert.equal(get("notion").clientAuth, "basic");
  assert.equal(get("figma").tokenUrl, "https://api.figma.com/v1/oauth/token");
  assert.equal(get("dropbox").authorizeParams?.token_access_type, "offline");
  assert.equal(get("reddit").authorizeParams?.duration, "permanent");
  assert.ok(get("trello").defaultScopes.includes("offline_access"));
  assert.equal(get("linear").scopeSeparator, ",");
});

Deno.test("BUILTIN_PROVIDERS cannot be mutated", () => {
  const spec = BUILTIN_PROVIDERS[0] as ProviderSpec;
  assert.throws(() => {
    spec.tokenUrl = "https://evil.example/token";
  }, TypeError);
  assert.throws(() => {
    spec.defaultScopes.push("admin");
  }, TypeError);
  assert.equal(BUILTIN_PROVIDERS[0].tokenUrl, "https://api.notion.com/v1/oauth/token");
});

const CUSTOM: ProviderSpec = {
  name: "demo",
  displayName: "Demo",
  authorizeUrl: "http://127.0.0.1:1/auth",
  tokenUrl: "http://127.0.0.1:1/token",
  clientAuth: "basic",
  pkce: "supported",
  scopeSeparator: " ",
  defaultScopes: ["openid"],
  tokenResponse: "oauth2",
  refresh: { supported: true },
  registerUrl: "http://127.0.0.1:1",
  docs: [],
  source: "custom",
};

Deno.test("createRegistry() lists builtins, then custom-only providers", () => {
  const registry = createRegistry([CUSTOM]);
  assert.deepEqual(registry.names(), [...SKILL_PROVIDERS, "demo"]);
  assert.equal(registry.get("demo"), CUSTOM);
  assert.equal(registry.get("github")?.name, "github");
  assert.equal(registry.get("GitHub"), undefined);
  assert.equal(registry.get("nope"), undefined);
  assert.deepEqual(registry.list().map((spec) => spec.name), registry.names());
});

Deno.test("createRegistry() lets a custom entry replace a builtin in place", () => {
  const override = { ...CUSTOM, name: "github", displayName: "GitHub Enterprise" };
  const registry = createRegistry([override]);
  assert.equal(registry.get("github"), override);
  assert.deepEqual(registry.names(), SKILL_PROVIDERS);
  assert.equal(registry.names().indexOf("github"), 1);
});

Deno.test("createRegistry() list() returns a copy", () => {
  const registry = createRegistry();
  registry.list().pop();
  assert.equal(registry.list().length, 20);
});
