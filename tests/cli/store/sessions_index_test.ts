import assert from "node:assert/strict";
import {
  listSessions,
  loadSession,
  removeSession,
  saveSession,
  type SessionMaterial,
} from "../../../cli/store/sessions_index.ts";
import { MemoryKeychain } from "../../../cli/keychain/memory.ts";
import { isClawauthError } from "../../../shared/errors.ts";
import { withTempDir } from "./_meta.ts";

const SESSION: SessionMaterial = {
  sessionId: "0b6f6c1e-4c2a-4d7e-9a53-2f1c3f0e9d11",
  provider: "github",
  profile: "work",
  server: "https://auth.example",
  signSecretKey: "SIGN-SECRET-b64",
  boxSecretKey: "BOX-SECRET-b64",
  createdAt: "2026-01-01T00:00:00.000Z",
  expiresIn: 3600,
};

function context(dir: string) {
  return {
    keychain: new MemoryKeychain(),
    sessionKeychainService: "clawauth:sessions",
    stateDir: dir,
  };
}

Deno.test("saveSession() keeps keys in the keychain (0.4 JSON) and a non-secret index file", async () => {
  await withTempDir(async (dir) => {
    const ctx = context(dir);
    await saveSession(ctx, SESSION);
    assert.deepEqual(
      JSON.parse((await ctx.keychain.get("clawauth:sessions", SESSION.sessionId))!),
      {
        provider: "github",
        signSecretKey: "SIGN-SECRET-b64",
        boxSecretKey: "BOX-SECRET-b64",
        createdAt: "2026-01-01T00:00:00.000Z",
        expiresIn: 3600,
      },
    );
    const indexPath = `${dir}/sessions/${SESSION.sessionId}.json`;
    const index = await Deno.readTextFile(indexPath);
    assert.ok(!index.includes("SECRET"), "no key material in the index");
    assert.equal(Deno.statSync(indexPath).mode! & 0o777, 0o600);
    assert.deepEqual(await loadSession(ctx, SESSION.sessionId), {
      ...SESSION,
      keychainBackend: "memory",
    });
  });
});

Deno.test("listSessions() lists index entries oldest first and skips junk", async () => {
  await withTempDir(async (dir) => {
    const ctx = context(dir);
    assert.deepEqual(await listSessions(ctx), []);
    await saveSession(ctx, { ...SESSION, sessionId: "b", createdAt: 2000 });
    await saveSession(ctx, { ...SESSION, sessionId: "a", createdAt: 3000 });
    await saveSession(ctx, { ...SESSION, sessionId: "c", createdAt: "1970-01-01T00:00:01.000Z" });
    Deno.writeTextFileSync(`${dir}/sessions/junk.json`, "{");
    Deno.writeTextFileSync(`${dir}/sessions/other.txt`, "x");
    const list = await listSessions({ stateDir: dir });
    assert.deepEqual(list.map((s) => s.sessionId), ["c", "b", "a"]);
    assert.ok(list.every((s) => !("signSecretKey" in s) && !("boxSecretKey" in s)));
  });
});

Deno.test("removeSession() removes keys and index; loadSession() then resolves null", async () => {
  await withTempDir(async (dir) => {
    const ctx = context(dir);
    await saveSession(ctx, SESSION);
    await removeSession(ctx, SESSION.sessionId);
    await removeSession(ctx, SESSION.sessionId);
    assert.equal(await loadSession(ctx, SESSION.sessionId), null);
    assert.deepEqual(await listSessions(ctx), []);
    assert.equal(ctx.keychain.size, 0);
  });
});

Deno.test("loadSession() reads a 0.4 session that has keys but no index", async () => {
  await withTempDir(async (dir) => {
    const ctx = context(dir);
    await ctx.keychain.store(
      "clawauth:sessions",
      "legacy-1",
      JSON.stringify({
        provider: "google",
        signSecretKey: "s",
        boxSecretKey: "b",
        createdAt: "2025-05-05T00:00:00Z",
        expiresIn: 600,
      }),
    );
    assert.deepEqual(await loadSession(ctx, "legacy-1"), {
      sessionId: "legacy-1",
      provider: "google",
      profile: "default",
      createdAt: "2025-05-05T00:00:00Z",
      expiresIn: 600,
      signSecretKey: "s",
      boxSecretKey: "b",
    });
  });
});

Deno.test("session functions refuse ids that could escape the sessions directory", async () => {
  await withTempDir(async (dir) => {
    const ctx = context(dir);
    for (const id of ["../x", "a/b", "", "a b"]) {
      for (
        const call of [
          () => loadSession(ctx, id),
          () => removeSession(ctx, id),
          () => saveSession(ctx, { ...SESSION, sessionId: id }),
        ]
      ) {
        const error = await call().catch((e) => e);
        assert.ok(isClawauthError(error) && error.code === "usage", id);
        assert.equal(
          error.message,
          `session id must be 1 to 128 letters, digits, '_' or '-': current value is '${id}'`,
        );
      }
    }
  });
});

Deno.test("loadSession() refuses a keychain entry without key material, naming the fix", async () => {
  await withTempDir(async (dir) => {
    const ctx = context(dir);
    await ctx.keychain.store("clawauth:sessions", "s1", '{"provider":"github"}');
    const error = await loadSession(ctx, "s1").catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "storage_failed");
    assert.equal(
      error.message,
      "the keychain entry of session s1 is not valid; run 'clawauth session-rm s1' and start a new login",
    );
  });
});
