import assert from "node:assert/strict";
import { readJsonFile, writeFileAtomic } from "../../../cli/store/atomic_write.ts";
import { isClawauthError } from "../../../shared/errors.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-atomic-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeFileAtomic() creates 0700 parents and a 0600 file, replacing the old content", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a/b/file.json`;
    await writeFileAtomic(path, '{"v":1}');
    await writeFileAtomic(path, '{"v":2}');
    assert.equal(await Deno.readTextFile(path), '{"v":2}');
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
    assert.equal(Deno.statSync(`${dir}/a`).mode! & 0o777, 0o700);
    assert.equal(Deno.statSync(`${dir}/a/b`).mode! & 0o777, 0o700);
    assert.deepEqual([...Deno.readDirSync(`${dir}/a/b`)].map((e) => e.name), ["file.json"]);
  });
});

Deno.test("writeFileAtomic() applies the requested mode even over an existing looser file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/f`;
    Deno.writeTextFileSync(path, "old", { mode: 0o644 });
    Deno.chmodSync(path, 0o644);
    await writeFileAtomic(path, "new");
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
    await writeFileAtomic(path, "public", { mode: 0o644 });
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o644);
  });
});

Deno.test("writeFileAtomic() replaces by rename: a reader never sees a partial file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/f.json`;
    const big = JSON.stringify({ data: "x".repeat(1 << 20) });
    await writeFileAtomic(path, JSON.stringify({ data: "small" }));
    const inode = Deno.statSync(path).ino;
    const writes = Array.from({ length: 5 }, () => writeFileAtomic(path, big));
    const reads: unknown[] = [];
    for (let i = 0; i < 20; i++) reads.push(JSON.parse(await Deno.readTextFile(path)));
    await Promise.all(writes);
    assert.ok(reads.every((r) => typeof (r as { data: string }).data === "string"));
    assert.notEqual(Deno.statSync(path).ino, inode, "the file was replaced, not rewritten");
  });
});

Deno.test("writeFileAtomic() fails with storage_failed naming the path and leaves no temp file", async () => {
  await withTempDir(async (dir) => {
    Deno.mkdirSync(`${dir}/ro`, { mode: 0o500 });
    Deno.chmodSync(`${dir}/ro`, 0o500);
    const isRoot = Deno.uid() === 0;
    const error = await writeFileAtomic(`${dir}/ro/x/f`, "x").catch((e) => e);
    if (isRoot) {
      // root ignores directory permissions; the write must still be complete and clean.
      assert.equal(error, undefined);
    } else {
      assert.ok(isClawauthError(error));
      assert.equal(error.code, "storage_failed");
      assert.match(error.message, new RegExp(`^could not write ${dir}/ro/x/f: `));
    }
    Deno.writeTextFileSync(`${dir}/file`, "");
    const notDir = await writeFileAtomic(`${dir}/file/sub`, "x").catch((e) => e);
    assert.ok(isClawauthError(notDir));
    assert.equal(notDir.code, "storage_failed");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["file", "ro"]);
  });
});

Deno.test("readJsonFile() resolves null for a missing file and refuses invalid JSON", async () => {
  await withTempDir(async (dir) => {
    assert.equal(await readJsonFile(`${dir}/missing.json`), null);
    Deno.writeTextFileSync(`${dir}/ok.json`, '{"a":[1]}');
    assert.deepEqual(await readJsonFile(`${dir}/ok.json`), { a: [1] });
    Deno.writeTextFileSync(`${dir}/bad.json`, "{");
    const error = await readJsonFile(`${dir}/bad.json`).catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "storage_failed");
    assert.equal(error.message, `${dir}/bad.json is not valid JSON; delete it or fix it by hand`);
  });
});
