// `deno task install` puts `clawauth` on the PATH from a checkout, so every command the CLI
// prints (statusCommand, claimCommand, error.fix, the README's quick start) runs as printed.

import assert from "node:assert/strict";
import { join } from "node:path";
import { denoDir, REPO_ROOT } from "../fixtures/run_cli.ts";

Deno.test("deno task install puts a working clawauth on the PATH, runnable from any directory", async () => {
  const root = await Deno.makeTempDir({ prefix: "clawauth-install-" });
  try {
    const env = {
      PATH: `${join(root, "bin")}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
      HOME: root,
      DENO_DIR: await denoDir(),
      DENO_INSTALL_ROOT: root,
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
    };
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["task", "install"],
      cwd: REPO_ROOT,
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));

    const elsewhere = join(root, "elsewhere");
    await Deno.mkdir(elsewhere);
    const run = async (args: string[]) => {
      const out = await new Deno.Command("clawauth", {
        args,
        cwd: elsewhere,
        env: { ...env, CLAWAUTH_STATE_DIR: join(root, "state"), CLAWAUTH_KEYCHAIN: "memory" },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      return {
        code: out.code,
        stdout: new TextDecoder().decode(out.stdout),
        stderr: new TextDecoder().decode(out.stderr),
      };
    };
    const version = await run(["--version"]);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^clawauth \d+\.\d+\.\d+/);
    const list = await run(["token", "list", "--json"]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), { action: "list", tokens: [] });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
