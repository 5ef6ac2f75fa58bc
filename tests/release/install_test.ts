// `deno task install` (from source, for people who run a checkout) works in the workspace: the
// installed `clawauth` runs from any directory and loads the CLI's npm package (tweetnacl, through
// `login start`'s key generation and request signing).

import assert from "node:assert/strict";
import { join } from "node:path";
import { VERSION } from "../../cli/version.ts";
import { denoDir, REPO_ROOT } from "../fixtures/run_cli.ts";

async function run(command: string, args: string[], cwd: string, env: Record<string, string>) {
  const result = await new Deno.Command(command, {
    args,
    cwd,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/tmp",
      DENO_DIR: await denoDir(),
      NO_COLOR: "1",
      DENO_NO_UPDATE_CHECK: "1",
      ...env,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: result.code,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
  };
}

Deno.test("deno task install puts a working clawauth into DENO_INSTALL_ROOT/bin", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-install-" });
  try {
    const installed = await run(Deno.execPath(), ["task", "--quiet", "install"], REPO_ROOT, {
      DENO_INSTALL_ROOT: dir,
    });
    assert.equal(installed.code, 0, installed.stderr);
    const bin = join(dir, "bin", "clawauth");
    const elsewhere = await Deno.makeTempDir({ dir, prefix: "cwd-" });
    const version = await run(bin, ["--version"], elsewhere, {});
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `clawauth ${VERSION}\n`);
    // login start signs its request with tweetnacl-made keys before it reaches the (closed) server.
    const start = await run(bin, ["login", "start", "demo", "--json"], elsewhere, {
      CLAWAUTH_SERVER_URL: "http://127.0.0.1:1",
      CLAWAUTH_KEYCHAIN: "memory",
      CLAWAUTH_STATE_DIR: join(dir, "state"),
    });
    assert.equal(start.code, 1, start.stderr);
    assert.equal(JSON.parse(start.stdout).error.code, "server_unreachable");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
