// `token env` output is safe to eval whatever bytes a token holds: a token full of shell syntax
// round-trips through `bash -c 'eval "$(clawauth token env …)"'` unchanged, and runs nothing.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FileKeychain } from "../../cli/keychain/file.ts";
import { credentialsFilePath } from "../../cli/keychain/select.ts";
import { CredentialStore } from "../../cli/store/credentials.ts";
import { denoDir, REPO_ROOT, runCli } from "../fixtures/run_cli.ts";

const HOSTILE_ACCESS = [
  `it's "quoted" 'twice'`,
  "$(touch PWNED_SUBSHELL)",
  "`touch PWNED_BACKTICK`",
  "${HOME} $HOME $0 $$ $1",
  "line one\nline two\r\n  spaces   and\ttabs  ",
  "; touch PWNED_SEMI & | > out < in * ? [a] {b,c} ~ ! # \\ \\' '\\''",
  "émoji 🔐 \u00a0nbsp",
].join("");
const HOSTILE_REFRESH = `'; touch PWNED_REFRESH; echo '\n$(id)\``;

/** A `clawauth` executable (the CLI from source) in a fresh bin directory. */
async function installWrapper(dir: string): Promise<string> {
  const bin = join(dir, "bin");
  await Deno.mkdir(bin);
  const script =
    `#!/bin/sh\nexec '${Deno.execPath()}' run -A --quiet --config='${REPO_ROOT}/deno.json' '${REPO_ROOT}/cli/main.ts' "$@"\n`;
  await Deno.writeTextFile(join(bin, "clawauth"), script, { mode: 0o755 });
  return bin;
}

Deno.test("token env round-trips a token with quotes, $(), backticks, newlines and spaces through bash eval", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-token-env-" });
  try {
    const stateDir = join(dir, "state");
    const work = join(dir, "work");
    await Deno.mkdir(work);
    const keychain = new FileKeychain({ path: credentialsFilePath(stateDir) });
    const store = new CredentialStore({
      keychain,
      stateDir,
      keychainService: "clawauth",
      now: Date.now,
    });
    await store.save({
      id: "my-idp:default",
      origin: "delegated",
      secret: {
        access_token: HOSTILE_ACCESS,
        refresh_token: HOSTILE_REFRESH,
        token_type: "Bearer",
      },
    });

    const bin = await installWrapper(dir);
    const env = {
      PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
      HOME: dir,
      DENO_DIR: await denoDir(),
      NO_COLOR: "1",
      DENO_NO_UPDATE_CHECK: "1",
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_KEYCHAIN: "file",
      CLAWAUTH_SERVER_URL: "http://127.0.0.1:9",
    };
    // The seed's form, verbatim; then each variable is written out byte for byte.
    const script = `set -e
eval "$(clawauth token env my-idp)"
printf '%s' "$CLAWAUTH_PROVIDER" > provider.out
printf '%s' "$CLAWAUTH_ACCESS_TOKEN" > access.out
printf '%s' "$CLAWAUTH_REFRESH_TOKEN" > refresh.out
printf '%s' "$CLAWAUTH_TOKEN_TYPE" > type.out
printf '%s' "$MY_IDP_ACCESS_TOKEN" > provider_access.out
`;
    const bash = await new Deno.Command("bash", {
      args: ["-c", script],
      cwd: work,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(bash.stderr);
    assert.equal(bash.code, 0, stderr);

    const read = (name: string) => Deno.readTextFile(join(work, name));
    assert.equal(await read("provider.out"), "my-idp");
    assert.equal(await read("access.out"), HOSTILE_ACCESS);
    assert.equal(await read("refresh.out"), "", "token env never exports a refresh token");
    assert.equal(await read("type.out"), "Bearer");
    assert.equal(await read("provider_access.out"), HOSTILE_ACCESS);
    const created = [];
    for await (const entry of Deno.readDir(work)) created.push(entry.name);
    assert.deepEqual(created.filter((name) => !name.endsWith(".out")), [], "eval ran nothing");

    // --json gives the same variables as an object.
    const json = await runCli(["token", "env", "my-idp", "--json"], {
      env: { CLAWAUTH_STATE_DIR: stateDir, CLAWAUTH_KEYCHAIN: "file", HOME: dir },
    });
    assert.equal(json.code, 0, json.stderr);
    assert.ok(!json.stdout.includes(HOSTILE_REFRESH));
    assert.deepEqual(json.json(), {
      action: "env",
      account: "my-idp:default",
      profile: "my-idp:default",
      variables: {
        CLAWAUTH_PROVIDER: "my-idp",
        CLAWAUTH_ACCESS_TOKEN: HOSTILE_ACCESS,
        CLAWAUTH_TOKEN_TYPE: "Bearer",
        MY_IDP_ACCESS_TOKEN: HOSTILE_ACCESS,
      },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("token env exports the access token, its type and expiry only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-token-env-" });
  try {
    const stateDir = join(dir, "state");
    const store = new CredentialStore({
      keychain: new FileKeychain({ path: credentialsFilePath(stateDir) }),
      stateDir,
      keychainService: "clawauth",
      now: Date.now,
    });
    await store.save({
      id: "github:default",
      origin: "delegated",
      secret: {
        access_token: "gho_plain",
        refresh_token: "ghr_never_exported",
        token_type: "bearer",
        expires_at: Date.UTC(2030, 0, 1),
      },
    });
    const result = await runCli(["token", "env", "github"], {
      env: { CLAWAUTH_STATE_DIR: stateDir, CLAWAUTH_KEYCHAIN: "file", HOME: dir },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        "export CLAWAUTH_PROVIDER='github'",
        "export CLAWAUTH_ACCESS_TOKEN='gho_plain'",
        "export CLAWAUTH_TOKEN_TYPE='bearer'",
        "export CLAWAUTH_EXPIRES_AT='2030-01-01T00:00:00.000Z'",
        "export GITHUB_ACCESS_TOKEN='gho_plain'",
        "",
      ].join("\n"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
