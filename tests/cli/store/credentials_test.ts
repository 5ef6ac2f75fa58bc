import assert from "node:assert/strict";
import {
  accountFromTokenData,
  CredentialStore,
  secretFromTokenData,
} from "../../../cli/store/credentials.ts";
import { MemoryKeychain } from "../../../cli/keychain/memory.ts";
import type { Keychain } from "../../../cli/keychain/keychain.ts";
import { FileKeychain } from "../../../cli/keychain/file.ts";
import { MacosKeychain } from "../../../cli/keychain/macos.ts";
import { getOrder, readProfileMeta, setOrder, touchProfile } from "../../../cli/store/profiles.ts";
import { encodeBase64Url } from "../../../shared/base64.ts";
import { isClawauthError } from "../../../shared/errors.ts";
import { withTempDir } from "./_meta.ts";
import { makeStandin, STANDINS_DIR } from "../keychain/_standins.ts";

function makeStore<K extends Keychain = MemoryKeychain>(
  dir: string,
  keychain: K = new MemoryKeychain() as unknown as K,
  clock = { now: 1_000_000 },
) {
  return {
    keychain,
    clock,
    store: new CredentialStore({
      keychain,
      stateDir: dir,
      keychainService: "clawauth",
      now: () => clock.now,
    }),
  };
}

Deno.test("CredentialStore.save() puts the secret in the keychain and only metadata on disk", async () => {
  await withTempDir(async (dir) => {
    const { store, keychain } = makeStore(dir);
    const secret = secretFromTokenData("github", {
      access_token: "gho_SECRET",
      refresh_token: "ghr_SECRET",
      token_type: "bearer",
      scope: "repo",
      expires_in: 3600,
    }, 1_000_000);
    const record = await store.save({
      provider: "github",
      name: "work",
      origin: "delegated",
      server: "https://auth.example",
      account: { id: "42", name: "octo" },
      secret,
    });
    assert.deepEqual(record.secret, {
      type: "oauth",
      provider: "github",
      access_token: "gho_SECRET",
      refresh_token: "ghr_SECRET",
      token_type: "bearer",
      scope: "repo",
      expires_at: 1_000_000 + 3_600_000,
      saved_at: new Date(1_000_000).toISOString(),
      generation: 1,
    });
    assert.deepEqual(record.meta, {
      id: "github:work",
      provider: "github",
      name: "work",
      type: "oauth",
      origin: "delegated",
      expiresAt: 1_000_000 + 3_600_000,
      scope: "repo",
      hasRefreshToken: true,
      account: { id: "42", name: "octo" },
      server: "https://auth.example",
      keychainBackend: "memory",
      keychainService: "clawauth",
      keychainAccount: "github:work",
      createdAt: 1_000_000,
      updatedAt: 1_000_000,
      refresh: { state: "idle" },
    });
    assert.deepEqual(JSON.parse((await keychain.get("clawauth", "github:work"))!), record.secret);
    const metaText = await Deno.readTextFile(`${dir}/profiles/github/work.json`);
    assert.ok(!metaText.includes("SECRET"), "no secret in the metadata file");
    assert.deepEqual(await store.load("github:work"), record);
  });
});

Deno.test("CredentialStore.save() bumps the generation and keeps createdAt and lastUsedAt", async () => {
  await withTempDir(async (dir) => {
    const { store, clock } = makeStore(dir);
    const first = await store.save({
      id: "github:default",
      origin: "delegated",
      secret: { access_token: "a1" },
    });
    await touchProfile(dir, "github:default", 1_000_500);
    clock.now = 2_000_000;
    const second = await store.save({
      provider: "github",
      origin: "delegated",
      secret: { access_token: "a2" },
      refresh: {
        state: "needs_login",
        reason: "revoked",
        fixCommand: "clawauth login start github",
      },
    });
    assert.equal(first.secret.generation, 1);
    assert.equal(second.secret.generation, 2);
    assert.equal(second.meta.createdAt, 1_000_000);
    assert.equal(second.meta.updatedAt, 2_000_000);
    assert.equal(second.meta.lastUsedAt, 1_000_500);
    assert.equal(second.meta.hasRefreshToken, false);
    assert.equal(second.meta.refresh.state, "needs_login");
    assert.equal((await store.load("github"))!.secret.access_token, "a2");
  });
});

Deno.test("CredentialStore.save() writes the keychain first: a failed store leaves no metadata", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/not-a-dir`, "");
    const broken = new FileKeychain({ path: `${dir}/not-a-dir/credentials.json` });
    const store = new CredentialStore({
      keychain: broken,
      stateDir: `${dir}/state`,
      keychainService: "clawauth",
      now: () => 1,
    });
    const error = await store.save({
      provider: "github",
      origin: "pasted",
      type: "token",
      secret: { key: "MARKER-secret" },
    }).catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "keychain_unavailable");
    assert.match(
      error.message,
      /^could not (read|store) github:default in the file keychain \(the 0600 credentials file\): /,
    );
    assert.ok(!error.message.includes("MARKER"));
    assert.equal(await readProfileMeta(`${dir}/state`, "github:default"), null);
  });
});

Deno.test("CredentialStore.load() resolves null for an unknown profile and when the secret is gone", async () => {
  await withTempDir(async (dir) => {
    const { store, keychain } = makeStore(dir);
    assert.equal(await store.load("github:none"), null);
    await store.save({ provider: "github", origin: "delegated", secret: { access_token: "a" } });
    await keychain.remove("clawauth", "github:default");
    assert.equal(await store.load("github"), null);
  });
});

Deno.test("CredentialStore.load() adopts a 0.4 keychain record that has no metadata", async () => {
  await withTempDir(async (dir) => {
    const { store, keychain } = makeStore(dir);
    await keychain.store(
      "clawauth",
      "github:default",
      JSON.stringify({
        access_token: "old",
        refresh_token: "r",
        token_type: "bearer",
        saved_at: "2024-01-01T00:00:00.000Z",
        expires_in: 3600,
      }),
    );
    const record = await store.load("github");
    assert.ok(record);
    assert.equal(record.secret.type, "oauth");
    assert.equal(record.secret.provider, "github");
    assert.equal(record.secret.generation, 0);
    assert.equal(record.secret.expires_at, Date.parse("2024-01-01T01:00:00.000Z"));
    assert.equal(record.meta.origin, "delegated");
    assert.equal(record.meta.hasRefreshToken, true);
    assert.deepEqual(await readProfileMeta(dir, "github:default"), record.meta);
  });
});

Deno.test("CredentialStore.load() refuses a keychain entry that is not JSON, naming the fix", async () => {
  await withTempDir(async (dir) => {
    const { store, keychain } = makeStore(dir);
    await keychain.store("clawauth", "github:work", "not json");
    const error = await store.load("github:work").catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "storage_failed");
    assert.equal(
      error.message,
      "the keychain entry of github:work is not valid JSON; run 'clawauth token rm github --profile work' and log in again",
    );
  });
});

Deno.test("CredentialStore.remove() deletes secret, metadata and the profile's place in the order", async () => {
  await withTempDir(async (dir) => {
    const { store, keychain } = makeStore(dir);
    await store.save({ id: "github:a", origin: "delegated", secret: { access_token: "a" } });
    await store.save({ id: "github:b", origin: "delegated", secret: { access_token: "b" } });
    await setOrder(dir, "github", ["a", "b"]);
    await store.remove("github:a");
    assert.equal(await keychain.get("clawauth", "github:a"), null);
    assert.equal(await readProfileMeta(dir, "github:a"), null);
    assert.deepEqual(await getOrder(dir, "github"), ["github:b"]);
    assert.deepEqual((await store.list("github")).map((m) => m.id), ["github:b"]);
    await store.remove("github:b");
    assert.deepEqual(await getOrder(dir, "github"), []);
    await store.remove("github:b");
    assert.deepEqual(await store.list(), []);
  });
});

Deno.test("CredentialStore.setRefreshState() rewrites only the refresh state", async () => {
  await withTempDir(async (dir) => {
    const { store } = makeStore(dir);
    assert.equal(await store.setRefreshState("github", { state: "idle" }), null);
    const saved = await store.save({
      provider: "github",
      origin: "local",
      secret: { access_token: "a" },
    });
    const updated = await store.setRefreshState("github", {
      state: "in_flight",
      startedAt: 5,
      pid: 77,
      fromGeneration: 1,
    });
    assert.deepEqual(updated, {
      ...saved.meta,
      refresh: { state: "in_flight", startedAt: 5, pid: 77, fromGeneration: 1 },
    });
    assert.deepEqual((await store.load("github"))!.meta, updated);
  });
});

Deno.test("CredentialStore.checkWritable() passes on working storage and leaves nothing behind", async () => {
  await withTempDir(async (dir) => {
    const { store, keychain } = makeStore(`${dir}/state`);
    await store.checkWritable();
    assert.equal(keychain.size, 0);
    assert.deepEqual([...Deno.readDirSync(`${dir}/state`)], []);
  });
});

Deno.test("CredentialStore.checkWritable() reports a broken keychain as keychain_unavailable", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/credentials.json`;
    Deno.writeTextFileSync(path, '{"version":1,"items":{}}', { mode: 0o644 });
    Deno.chmodSync(path, 0o644);
    const { store } = makeStore(
      `${dir}/state`,
      new FileKeychain({ path }),
    );
    const error = await store.checkWritable().catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "keychain_unavailable");
    assert.match(
      error.message,
      /^could not store a test secret in the file keychain \(the 0600 credentials file\): refusing to read the credentials file .* its mode is 0644/,
    );
  });
});

Deno.test("CredentialStore.checkWritable() reports an unwritable state directory as storage_failed", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/file`, "");
    const { store, keychain } = makeStore(`${dir}/file/state`);
    const error = await store.checkWritable().catch((e) => e);
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "storage_failed");
    assert.match(
      error.message,
      new RegExp(`^the state directory ${dir}/file/state is not writable: `),
    );
    assert.match(error.message, /set CLAWAUTH_STATE_DIR$/);
    assert.equal(keychain.size, 0);
  });
});

Deno.test("CredentialStore.checkWritable() passes a keychain timeout through as keychain_timeout", async () => {
  await withTempDir(async (dir) => {
    const standin = await makeStandin({ STANDIN_HANG: "1" });
    try {
      const keychain = new MacosKeychain({
        command: `${STANDINS_DIR}security`,
        env: standin.env,
        timeoutMs: 300,
      });
      const { store } = makeStore(dir, keychain);
      const error = await store.checkWritable().catch((e) => e);
      assert.ok(isClawauthError(error));
      assert.equal(error.code, "keychain_timeout");
    } finally {
      await standin.cleanup();
    }
  });
});

Deno.test("secretFromTokenData() keeps the tokens and turns expires_in into expires_at", () => {
  const rows: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ["full response", {
      access_token: "a",
      refresh_token: "r",
      id_token: "i",
      token_type: "Bearer",
      scope: "openid email",
      expires_in: 3600,
      extra: "dropped",
    }, {
      access_token: "a",
      refresh_token: "r",
      id_token: "i",
      token_type: "Bearer",
      scope: "openid email",
      expires_at: 10_000 + 3_600_000,
    }],
    ["string expires_in, array scope", { access_token: "a", expires_in: "60", scope: ["a", "b"] }, {
      access_token: "a",
      scope: "a b",
      expires_at: 70_000,
    }],
    ["no expiry, no refresh", { access_token: "a", expires_in: 0 }, { access_token: "a" }],
    ["Slack user token", {
      ok: true,
      team: { name: "T" },
      authed_user: {
        id: "U1",
        access_token: "xoxp",
        refresh_token: "xoxe",
        expires_in: 43200,
        scope: "chat:write",
        token_type: "user",
      },
    }, {
      access_token: "xoxp",
      refresh_token: "xoxe",
      token_type: "user",
      scope: "chat:write",
      expires_at: 10_000 + 43_200_000,
    }],
  ];
  for (const [name, tokenData, expected] of rows) {
    assert.deepEqual(
      secretFromTokenData("p", tokenData, 10_000),
      {
        type: "oauth",
        provider: "p",
        saved_at: new Date(10_000).toISOString(),
        generation: 0,
        ...expected,
      },
      name,
    );
  }
});

Deno.test("accountFromTokenData() reads display identity without verifying, or gives undefined", () => {
  const jwt = (claims: object) =>
    `${encodeBase64Url(new TextEncoder().encode('{"alg":"none"}'))}.${
      encodeBase64Url(new TextEncoder().encode(JSON.stringify(claims)))
    }.sig`;
  const rows: [string, Record<string, unknown>, unknown][] = [
    ["id_token", { id_token: jwt({ sub: "s1", email: "a@b.c", name: "Ann" }) }, {
      id: "s1",
      name: "Ann",
      email: "a@b.c",
    }],
    ["preferred_username", { id_token: jwt({ sub: "s2", preferred_username: "ann" }) }, {
      id: "s2",
      name: "ann",
    }],
    ["Slack", { authed_user: { id: "U1" }, team: { id: "T1", name: "Team" } }, {
      id: "U1",
      name: "Team",
    }],
    ["Notion", {
      owner: { user: { id: "n1", name: "Nia", person: { email: "n@x.y" } } },
      workspace_name: "W",
    }, { id: "n1", name: "Nia", email: "n@x.y" }],
    ["garbage id_token", { id_token: "a.b.c" }, undefined],
    ["nothing", { access_token: "a" }, undefined],
  ];
  for (const [name, tokenData, expected] of rows) {
    assert.deepEqual(accountFromTokenData(tokenData), expected, name);
  }
});

Deno.test("CredentialStore reads and writes a profile in its recorded backend, never in this run's other one", async () => {
  await withTempDir(async (dir) => {
    // Stored in the file backend; this run's keychain is memory: reads and refresh-saves go to the file.
    const file = new FileKeychain({ path: `${dir}/credentials.json` });
    const { store: inFile } = makeStore(dir, file);
    await inFile.save({
      provider: "github",
      origin: "pasted",
      type: "token",
      secret: { key: "k1" },
    });
    const { store, keychain } = makeStore(dir);
    assert.equal((await store.load("github"))!.secret.key, "k1");
    const saved = await store.save({
      provider: "github",
      origin: "pasted",
      type: "token",
      secret: { key: "k2" },
    });
    assert.equal(saved.meta.keychainBackend, "file");
    assert.equal(keychain.size, 0, "nothing was written to this run's keychain");
    assert.equal(JSON.parse((await file.get("clawauth", "github:default"))!).key, "k2");

    // Recorded in the Secret Service, but this run fell back to the file: unreachable, not missing.
    const meta = (await readProfileMeta(dir, "github:default"))!;
    const { writeProfileMeta } = await import("../../../cli/store/profiles.ts");
    await writeProfileMeta(dir, { ...meta, keychainBackend: "linux" });
    const fallback = new FileKeychain({
      path: `${dir}/credentials.json`,
      fallbackFrom: { backend: "linux", reason: "no D-Bus session" },
    });
    const { store: fellBack } = makeStore(dir, fallback);
    for (
      const attempt of [
        () => fellBack.load("github:default"),
        () => fellBack.remove("github:default"),
      ]
    ) {
      const error = await attempt().catch((e) => e);
      assert.ok(isClawauthError(error));
      assert.equal(error.code, "keychain_unavailable");
      assert.equal(error.details.backend, "linux");
    }
    assert.ok(await readProfileMeta(dir, "github:default"), "remove() left everything in place");

    // A record written before backends were recorded, read through a fallback: not "missing".
    const { keychainBackend: _b, ...legacy } = meta;
    await writeProfileMeta(dir, { ...legacy, keychainAccount: "github:elsewhere" });
    const error = await fellBack.load("github:default").catch((e) => e);
    assert.equal(error.code, "keychain_unavailable");
    assert.equal(error.details.reason, "no D-Bus session");
  });
});
