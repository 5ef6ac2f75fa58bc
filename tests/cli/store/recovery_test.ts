import assert from "node:assert/strict";
import { writeRecoveryFile } from "../../../cli/store/recovery.ts";
import { withTempDir } from "./_meta.ts";

Deno.test("writeRecoveryFile() writes the token to a 0600 file in a 0700 directory and returns its path", async () => {
  await withTempDir(async (dir) => {
    const tokenData = { access_token: 'a"b$(x)', refresh_token: "r" };
    const path = await writeRecoveryFile(`${dir}/state`, {
      provider: "github",
      profile: "work",
      tokenData,
      now: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    });
    assert.match(
      path,
      new RegExp(`^${dir}/state/recovery/github-work-2026-01-02T03-04-05-006Z-[0-9a-f]{8}\\.json$`),
    );
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
    assert.equal(Deno.statSync(`${dir}/state/recovery`).mode! & 0o777, 0o700);
    const content = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(content.tokenData, tokenData);
    assert.equal(content.provider, "github");
    assert.equal(content.profile, "work");
    assert.equal(content.savedAt, "2026-01-02T03:04:05.006Z");
  });
});

Deno.test("writeRecoveryFile() never overwrites an earlier recovery file", async () => {
  await withTempDir(async (dir) => {
    const input = { provider: "github", profile: "default", tokenData: { n: 1 }, now: 5 };
    const first = await writeRecoveryFile(dir, input);
    const second = await writeRecoveryFile(dir, { ...input, tokenData: { n: 2 } });
    assert.notEqual(first, second);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(first)).tokenData, { n: 1 });
  });
});

Deno.test("writeRecoveryFile() falls back to a private temp directory when the state directory is unwritable", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/file`, "");
    const path = await writeRecoveryFile(`${dir}/file/state`, {
      provider: "github",
      profile: "default",
      tokenData: { access_token: "t" },
    });
    try {
      assert.ok(!path.startsWith(dir));
      assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
      const parent = path.slice(0, path.lastIndexOf("/"));
      assert.equal(Deno.statSync(parent).mode! & 0o777, 0o700);
      assert.deepEqual(JSON.parse(await Deno.readTextFile(path)).tokenData, { access_token: "t" });
    } finally {
      await Deno.remove(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    }
  });
});
