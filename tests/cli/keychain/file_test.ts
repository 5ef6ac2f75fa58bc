import assert from "node:assert/strict";
import { FileKeychain } from "../../../cli/keychain/file.ts";
import { isClawauthError } from "../../../shared/errors.ts";
import { NASTY_SECRET } from "./_standins.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-file-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function mode(path: string): number {
  return Deno.statSync(path).mode! & 0o777;
}

Deno.test("FileKeychain round-trips secrets and keeps services and accounts apart", async () => {
  await withTempDir(async (dir) => {
    const keychain = new FileKeychain({ path: `${dir}/state/credentials.json` });
    assert.equal(await keychain.get("clawauth", "github:default"), null);
    await keychain.store("clawauth", "github:default", NASTY_SECRET);
    await keychain.store("clawauth:sessions", "github:default", "keys");
    await keychain.store("clawauth", "github:work", "work");
    assert.equal(await keychain.get("clawauth", "github:default"), NASTY_SECRET);
    assert.equal(await keychain.get("clawauth:sessions", "github:default"), "keys");
    await keychain.store("clawauth", "github:work", "work2");
    assert.equal(await keychain.get("clawauth", "github:work"), "work2");
    await keychain.remove("clawauth", "github:work");
    await keychain.remove("clawauth", "github:work");
    assert.equal(await keychain.get("clawauth", "github:work"), null);
    assert.equal(
      await new FileKeychain({ path: keychain.path }).get("clawauth", "github:default"),
      NASTY_SECRET,
    );
  });
});

Deno.test("FileKeychain writes a 0600 file in a 0700 directory and leaves no temp files", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/state/credentials.json`;
    await new FileKeychain({ path }).store("clawauth", "a:b", "secret");
    assert.equal(mode(path), 0o600);
    assert.equal(mode(`${dir}/state`), 0o700);
    const names = [...Deno.readDirSync(`${dir}/state`)].map((e) => e.name).sort();
    assert.deepEqual(names, ["credentials.json", "credentials.json.lock"]);
  });
});

Deno.test("FileKeychain tightens a state directory that others could read", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/state`, { mode: 0o755 });
    Deno.chmodSync(`${dir}/state`, 0o755);
    await new FileKeychain({ path: `${dir}/state/credentials.json` }).store("s", "a:b", "x");
    assert.equal(mode(`${dir}/state`), 0o700);
  });
});

Deno.test("FileKeychain refuses to read a 0644 credentials file and says how to fix it", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/credentials.json`;
    const keychain = new FileKeychain({ path });
    await keychain.store("clawauth", "a:b", "MARKER-secret");
    Deno.chmodSync(path, 0o644);
    for (
      const call of [() => keychain.get("clawauth", "a:b"), () => keychain.store("x", "y:z", "w")]
    ) {
      const error = await call().catch((e) => e);
      assert.ok(isClawauthError(error));
      assert.equal(error.code, "keychain_error");
      assert.equal(
        error.message,
        `refusing to read the credentials file ${path}: its mode is 0644 but must be 0600 ` +
          `(readable by you only). If nobody else could have read it, run 'chmod 600 ${path}'; ` +
          `otherwise delete it and log in again`,
      );
    }
    Deno.chmodSync(path, 0o600);
    assert.equal(await keychain.get("clawauth", "a:b"), "MARKER-secret");
  });
});

Deno.test("FileKeychain refuses a file with invalid content and tells the user to delete it", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/credentials.json`;
    for (
      const content of [
        "not json",
        "[]",
        '{"version":2,"items":{}}',
        '{"version":1,"items":{"s":{"a":1}}}',
      ]
    ) {
      Deno.writeTextFileSync(path, content, { mode: 0o600 });
      const error = await new FileKeychain({ path }).get("s", "a").catch((e) => e);
      assert.ok(isClawauthError(error), content);
      assert.equal(error.code, "keychain_error");
      assert.equal(
        error.message,
        `${path} is not a valid clawauth credentials file; delete it (you will need to log in again)`,
      );
    }
  });
});

Deno.test("FileKeychain refuses a credentials path that is a symlink", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/elsewhere.json`, '{"version":1,"items":{}}', { mode: 0o600 });
    Deno.symlinkSync(`${dir}/elsewhere.json`, `${dir}/credentials.json`);
    const error = await new FileKeychain({ path: `${dir}/credentials.json` }).get("s", "a")
      .catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.match(error.message, /is not a regular file; delete it/);
  });
});

Deno.test("FileKeychain loses no update when many stores run at once", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/credentials.json`;
    await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => new FileKeychain({ path }).store("s", `p:${i}`, `v${i}`),
      ),
    );
    const keychain = new FileKeychain({ path });
    for (let i = 0; i < 20; i++) assert.equal(await keychain.get("s", `p:${i}`), `v${i}`);
  });
});
