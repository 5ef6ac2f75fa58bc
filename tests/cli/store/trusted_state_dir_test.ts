// The state directory is checked before it is trusted: a planted symlink (lock or profile file,
// or the state directory itself), a 0777 directory, a group-writable file or a foreign owner is
// refused with the fix, and no file outside is truncated or read.

import assert from "node:assert/strict";
import { join } from "node:path";
import { lockPathFor, withLock } from "../../../cli/lock.ts";
import { readProfileMeta, writeProfileMeta } from "../../../cli/store/profiles.ts";
import type { ProfileMeta } from "../../../cli/store/types.ts";
import { isClawauthError } from "../../../shared/errors.ts";
import { runCli } from "../../fixtures/run_cli.ts";

const ID = "demo:default";
const META: ProfileMeta = {
  id: ID,
  provider: "demo",
  name: "default",
  type: "oauth",
  origin: "delegated",
  hasRefreshToken: true,
  server: "https://auth.example.test",
  keychainService: "clawauth",
  keychainAccount: ID,
  createdAt: 1,
  updatedAt: 1,
  refresh: { state: "idle" },
};

async function withDirs(fn: (stateDir: string, outside: string) => Promise<void>) {
  const root = await Deno.makeTempDir({ prefix: "clawauth-trust-" });
  const stateDir = join(root, "state");
  const outside = join(root, "outside");
  await Deno.mkdir(stateDir, { mode: 0o700 });
  await Deno.mkdir(outside, { mode: 0o700 });
  try {
    await fn(stateDir, outside);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function refusedWith(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(isClawauthError(error), String(error));
    assert.equal(error.code, "unsafe_state_dir");
    assert.match(error.message, pattern);
    return true;
  };
}

Deno.test("a lock file planted as a symlink is refused and its target is not truncated", async () => {
  await withDirs(async (stateDir, outside) => {
    const victim = join(outside, "precious.txt");
    await Deno.writeTextFile(victim, "another user's data\n");
    const lock = lockPathFor(stateDir, ID);
    await Deno.mkdir(join(stateDir, "locks", "demo"), { recursive: true, mode: 0o700 });
    await Deno.symlink(victim, lock);
    let ran = false;
    await assert.rejects(
      withLock(lock, () => ran = true),
      refusedWith(/is a symbolic link.*rm '/),
    );
    assert.equal(ran, false);
    assert.equal(await Deno.readTextFile(victim), "another user's data\n", "not truncated");

    // A dangling link must not make clawauth create its target either.
    await Deno.remove(lock);
    const target = join(outside, "created-through-link");
    await Deno.symlink(target, lock);
    await assert.rejects(withLock(lock, () => {}), refusedWith(/symbolic link/));
    await assert.rejects(Deno.lstat(target), Deno.errors.NotFound);
  });
});

Deno.test("a profile file planted as a symlink is not read (it decides where tokens go)", async () => {
  await withDirs(async (stateDir, outside) => {
    const forged = join(outside, "forged.json");
    await Deno.writeTextFile(forged, JSON.stringify({ ...META, server: "https://evil.test" }));
    await Deno.mkdir(join(stateDir, "profiles", "demo"), { recursive: true, mode: 0o700 });
    await Deno.symlink(forged, join(stateDir, "profiles", "demo", "default.json"));
    await assert.rejects(
      readProfileMeta(stateDir, ID),
      refusedWith(/default\.json.*symbolic link/),
    );
  });
});

Deno.test("a 0777 state directory, a group-writable profile and a foreign owner are refused with the fix", async () => {
  await withDirs(async (stateDir) => {
    await writeProfileMeta(stateDir, META);
    assert.equal((await readProfileMeta(stateDir, ID))?.server, META.server, "sane case works");

    await Deno.chmod(stateDir, 0o777);
    await assert.rejects(
      readProfileMeta(stateDir, ID),
      refusedWith(/group- or world-writable \(mode 0777\).*chmod 700 '/),
    );
    await assert.rejects(writeProfileMeta(stateDir, META), refusedWith(/chmod 700/));
    await Deno.chmod(stateDir, 0o700);

    const file = join(stateDir, "profiles", "demo", "default.json");
    await Deno.chmod(file, 0o666);
    await assert.rejects(readProfileMeta(stateDir, ID), refusedWith(/chmod 600 '/));
    await Deno.chmod(file, 0o600);

    if (Deno.uid() === 0) {
      // Only root can hand a file to another user; elsewhere this part cannot be staged.
      await Deno.chown(join(stateDir, "profiles"), 65534, 65534);
      await assert.rejects(readProfileMeta(stateDir, ID), refusedWith(/owned by uid 65534.*chown/));
      await Deno.chown(join(stateDir, "profiles"), 0, 0);
    }
    assert.ok(await readProfileMeta(stateDir, ID));
  });
});

Deno.test("the CLI refuses a world-writable or symlinked state directory with a clear error", async () => {
  await withDirs(async (stateDir, outside) => {
    await writeProfileMeta(stateDir, META);
    await Deno.chmod(stateDir, 0o777);
    const env = { CLAWAUTH_STATE_DIR: stateDir, CLAWAUTH_KEYCHAIN: "file" };
    const result = await runCli(["token", "get", "demo", "--json"], { env });
    assert.equal(result.code, 1);
    const error = (result.json() as { error: { code: string; message: string; fix: string } })
      .error;
    assert.equal(error.code, "unsafe_state_dir");
    assert.match(error.message, /chmod 700/);
    assert.equal(error.fix, `chmod 700 '${stateDir}'`);

    await Deno.chmod(stateDir, 0o700);
    const link = join(outside, "state-link");
    await Deno.symlink(stateDir, link);
    const linked = await runCli(["token", "get", "demo", "--json"], {
      env: { ...env, CLAWAUTH_STATE_DIR: link },
    });
    assert.equal(linked.code, 1);
    const linkError = (linked.json() as { error: { code: string; message: string } }).error;
    assert.equal(linkError.code, "unsafe_state_dir");
    assert.match(linkError.message, /symbolic link/);
  });
});
