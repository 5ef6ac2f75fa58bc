import assert from "node:assert/strict";
import {
  clearOrder,
  deleteProfileMeta,
  getOrder,
  listProfileMeta,
  parseProfileId,
  readProfileMeta,
  selectProfile,
  setOrder,
  touchProfile,
  writeProfileMeta,
} from "../../../cli/store/profiles.ts";
import { resolveStatePaths } from "../../../cli/store/paths.ts";
import { isClawauthError } from "../../../shared/errors.ts";
import { makeMeta, withTempDir } from "./_meta.ts";

function usageError(message: string) {
  return (e: unknown) => isClawauthError(e) && e.code === "usage" && e.message === message;
}

Deno.test("parseProfileId() accepts provider and provider:name, defaulting the name", () => {
  assert.deepEqual(parseProfileId("github"), {
    provider: "github",
    name: "default",
    id: "github:default",
  });
  assert.deepEqual(parseProfileId("github:work"), {
    provider: "github",
    name: "work",
    id: "github:work",
  });
  assert.deepEqual(parseProfileId("slack", "team"), {
    provider: "slack",
    name: "team",
    id: "slack:team",
  });
  assert.deepEqual(parseProfileId("my_prov-2:Me.Two_x-y"), {
    provider: "my_prov-2",
    name: "Me.Two_x-y",
    id: "my_prov-2:Me.Two_x-y",
  });
});

Deno.test("parseProfileId() rejects malformed providers and names with a usage error naming the value", () => {
  const provider = (v: string) =>
    `provider must be 1 to 64 lowercase letters, digits, '_' or '-': current value is '${v}'`;
  const name = (v: string) =>
    `profile name must be 1 to 64 letters, digits, '.', '_' or '-' (not starting with '.'): current value is '${v}'`;
  const rows: [string, string][] = [
    ["", "profile id must be 'provider' or 'provider:name'"],
    ["GitHub", provider("GitHub")],
    [":work", provider("")],
    ["git hub:x", provider("git hub")],
    ["github:", name("")],
    ["github:..", name("..")],
    ["github:.hidden", name(".hidden")],
    ["github:a/b", name("a/b")],
    ["github:a:b", name("a:b")],
    ["github:" + "n".repeat(65), name("n".repeat(65))],
  ];
  for (const [input, message] of rows) {
    assert.throws(() => parseProfileId(input), usageError(message), input);
  }
});

Deno.test("writeProfileMeta() stores one 0600 file per profile; read, list and delete see it", async () => {
  await withTempDir(async (dir) => {
    await writeProfileMeta(dir, makeMeta("github:work"));
    await writeProfileMeta(dir, makeMeta("github:default"));
    await writeProfileMeta(dir, makeMeta("slack:default"));
    const path = `${dir}/profiles/github/work.json`;
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
    assert.equal(Deno.statSync(`${dir}/profiles`).mode! & 0o777, 0o700);
    assert.deepEqual(await readProfileMeta(dir, "github:work"), makeMeta("github:work"));
    assert.equal(await readProfileMeta(dir, "github:none"), null);
    assert.deepEqual((await listProfileMeta(dir)).map((m) => m.id), [
      "github:default",
      "github:work",
      "slack:default",
    ]);
    assert.deepEqual((await listProfileMeta(dir, "github")).map((m) => m.id), [
      "github:default",
      "github:work",
    ]);
    await deleteProfileMeta(dir, "github:work");
    await deleteProfileMeta(dir, "github:work");
    assert.equal(await readProfileMeta(dir, "github:work"), null);
    assert.deepEqual(await listProfileMeta(dir, "nobody"), []);
  });
});

Deno.test("readProfileMeta() refuses a metadata file that does not match its id", async () => {
  await withTempDir(async (dir) => {
    await writeProfileMeta(dir, makeMeta("github:work"));
    const path = `${dir}/profiles/github/work.json`;
    Deno.writeTextFileSync(path, JSON.stringify(makeMeta("github:other")));
    const error = await readProfileMeta(dir, "github:work").catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "storage_failed");
    assert.equal(
      error.message,
      `${path} is not valid profile metadata for github:work; delete it and log in again`,
    );
  });
});

Deno.test("setOrder() stores ids (names accepted), getOrder() reads them, clearOrder() removes them", async () => {
  await withTempDir(async (dir) => {
    assert.deepEqual(await getOrder(dir, "github"), []);
    await setOrder(dir, "github", ["work", "github:personal"]);
    assert.deepEqual(await getOrder(dir, "github"), ["github:work", "github:personal"]);
    await assert.rejects(
      setOrder(dir, "github", ["slack:x"]),
      usageError("profile 'slack:x' does not belong to provider 'github'"),
    );
    await assert.rejects(
      setOrder(dir, "github", ["a", "github:a"]),
      usageError("profile 'github:a' appears twice in the order"),
    );
    await clearOrder(dir, "github");
    await clearOrder(dir, "github");
    assert.deepEqual(await getOrder(dir, "github"), []);
  });
});

Deno.test("selectProfile(): explicit profile > explicit order (first existing) > last used > id", async () => {
  await withTempDir(async (dir) => {
    assert.equal(await selectProfile(dir, { provider: "github" }), null);
    await writeProfileMeta(dir, makeMeta("github:a", { updatedAt: 100 }));
    await writeProfileMeta(dir, makeMeta("github:b", { updatedAt: 100 }));
    await writeProfileMeta(dir, makeMeta("github:c", { updatedAt: 50, lastUsedAt: 300 }));
    await writeProfileMeta(dir, makeMeta("slack:z", { updatedAt: 999 }));
    const pick = async (options: { provider?: string; profile?: string }) =>
      (await selectProfile(dir, options))?.id ?? null;

    assert.equal(await pick({ provider: "github" }), "github:c", "most recently used");
    await touchProfile(dir, "github:b", 400);
    assert.equal(await pick({ provider: "github" }), "github:b", "touch counts as use");
    await setOrder(dir, "github", ["gone", "a", "b"]);
    assert.equal(await pick({ provider: "github" }), "github:a", "first existing in the order");
    assert.equal(await pick({ provider: "github", profile: "c" }), "github:c", "explicit wins");
    assert.equal(await pick({ provider: "github", profile: "github:c" }), "github:c");
    assert.equal(await pick({ profile: "slack:z" }), "slack:z");
    assert.equal(await pick({ provider: "github", profile: "nope" }), null);
    await clearOrder(dir, "github");
    await deleteProfileMeta(dir, "github:b");
    assert.equal(await pick({ provider: "github" }), "github:c");
    await deleteProfileMeta(dir, "github:c");
    assert.equal(await pick({ provider: "github" }), "github:a", "tie on time broken by id");
    assert.equal(await pick({}), "slack:z", "without a provider: across all providers");
    await assert.rejects(
      selectProfile(dir, { provider: "github", profile: "slack:z" }),
      usageError("profile 'slack:z' does not belong to provider 'github'"),
    );
    await assert.rejects(
      selectProfile(dir, { profile: "work" }),
      usageError("name the provider of profile 'work'"),
    );
  });
});

Deno.test("touchProfile() keeps the last-used time apart from the metadata file", async () => {
  await withTempDir(async (dir) => {
    await writeProfileMeta(dir, makeMeta("github:a", { updatedAt: 10 }));
    const before = await Deno.readTextFile(`${dir}/profiles/github/a.json`);
    await touchProfile(dir, "github:a", 12345);
    assert.equal(await Deno.readTextFile(`${dir}/profiles/github/a.json`), before);
    assert.equal((await readProfileMeta(dir, "github:a"))!.lastUsedAt, 12345);
    // A metadata rewrite (e.g. by a refresher) does not lose the touch.
    await writeProfileMeta(dir, makeMeta("github:a", { updatedAt: 20 }));
    assert.equal((await readProfileMeta(dir, "github:a"))!.lastUsedAt, 12345);
    assert.deepEqual((await listProfileMeta(dir)).map((m) => m.id), ["github:a"]);
  });
});

Deno.test("CLAWAUTH_AGENT isolates profiles: agents never see each other's state", async () => {
  await withTempDir(async (home) => {
    const one = resolveStatePaths({ HOME: home, CLAWAUTH_AGENT: "one" }, "linux");
    const two = resolveStatePaths({ HOME: home, CLAWAUTH_AGENT: "two" }, "linux");
    const shared = resolveStatePaths({ HOME: home }, "linux");
    await writeProfileMeta(one.stateDir, makeMeta("github:default"));
    assert.equal((await selectProfile(one.stateDir, { provider: "github" }))?.id, "github:default");
    assert.equal(await selectProfile(two.stateDir, { provider: "github" }), null);
    assert.equal(await selectProfile(shared.stateDir, { provider: "github" }), null);
    assert.notEqual(one.keychainService, two.keychainService);
    assert.notEqual(one.keychainService, shared.keychainService);
  });
});
