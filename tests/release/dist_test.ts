// `deno task dist` (release/dist.ts). `deno compile` needs denort, which it downloads from
// dl.deno.land; this machine cannot, so: the script's message when denort is missing, and a run
// with DENORT_BIN pointing at the deno binary itself, which makes `deno compile` list and embed
// everything as for a release (the file it writes runs as deno, not as clawauth).

import assert from "node:assert/strict";
import { join } from "node:path";
import { VERSION } from "../../cli/version.ts";
import { binaryFileName, hostTarget } from "../../release/targets.ts";
import { denoDir, REPO_ROOT } from "../fixtures/run_cli.ts";

async function dist(args: string[], env: Record<string, string>) {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "release/dist.ts", ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: result.code,
    output: decoder.decode(result.stdout) + decoder.decode(result.stderr),
  };
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-dist-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

function host() {
  const target = hostTarget();
  if (!target) throw new Error(`clawauth is not released for ${Deno.build.target}`);
  return target;
}

Deno.test("dist without denort fails, saying where denort comes from and how to pass one", async () => {
  await withTempDir(async (dir) => {
    // A Deno cache that has the npm packages but no denort, and no way to download one.
    const cache = join(dir, "deno-dir");
    await Deno.mkdir(cache);
    await Deno.symlink(join(await denoDir(), "npm"), join(cache, "npm"));
    const out = join(dir, "dist");
    const target = host().deno;
    const result = await dist(["--no-bundle", "--target", target, "--out", out], {
      DENO_DIR: cache,
      HTTPS_PROXY: "http://127.0.0.1:1",
      NO_PROXY: "",
      DENORT_BIN: "",
    });
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /could not get denort/);
    assert.match(result.output, new RegExp(`dl\\.deno\\.land/release/v[\\d.]+/denort-${target}`));
    assert.match(
      result.output,
      new RegExp(`DENORT_BIN=/path/to/denort deno task dist --target ${target}`),
    );
    assert.equal(await exists(join(out, "SHA256SUMS")), false);
    assert.equal(await exists(join(out, "npm")), false);
  });
});

Deno.test("dist refuses a DENORT_BIN that is no file, and DENORT_BIN for several targets", async () => {
  const missing = await dist(["--target", host().deno], { DENORT_BIN: "/nonexistent/denort" });
  assert.equal(missing.code, 1);
  assert.match(missing.output, /DENORT_BIN=\/nonexistent\/denort is not a file/);
  const several = await dist([], { DENORT_BIN: Deno.execPath() });
  assert.equal(several.code, 2);
  assert.match(several.output, /one denort for one platform/);
  const bogus = await dist(["--bogus"], {});
  assert.equal(bogus.code, 2);
  assert.match(bogus.output, /Unknown option .--bogus.\nusage: deno task dist/);
  const unknown = await dist(["--target", "mips-unknown-linux-gnu"], {});
  assert.equal(unknown.code, 2);
  assert.match(unknown.output, /unknown target mips-unknown-linux-gnu/);
});

Deno.test("dist writes the binary, SHA256SUMS and the npm packages; the CLI embeds < 3 MB", async () => {
  await withTempDir(async (dir) => {
    const target = host();
    const out = join(dir, "dist");
    const result = await dist(["--target", target.deno, "--out", out], {
      DENORT_BIN: Deno.execPath(),
    });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /NOT standalone/);
    const name = binaryFileName(target);
    const embedded = new RegExp(`${name}: embeds ([\\d.]+)(B|KB|MB)`).exec(result.output);
    assert.ok(embedded, result.output);
    const bytes = Number(embedded[1]) * { B: 1, KB: 1024, MB: 1024 * 1024 }[embedded[2]]!;
    // Without the workspace and --bundle it embedded the whole npm snapshot: 29.9 MB.
    assert.ok(bytes > 50_000 && bytes < 3 * 1024 * 1024, `embeds ${embedded[1]}${embedded[2]}`);

    const sums = await Deno.readTextFile(join(out, "SHA256SUMS"));
    assert.match(sums, new RegExp(`^[0-9a-f]{64}  ${name}\\n$`));
    const checked = await new Deno.Command("sha256sum", { args: ["-c", "SHA256SUMS"], cwd: out })
      .output();
    assert.equal(checked.code, 0, new TextDecoder().decode(checked.stderr));

    const launcher = JSON.parse(await Deno.readTextFile(join(out, "npm/clawauth/package.json")));
    assert.equal(launcher.version, VERSION);
    assert.deepEqual(launcher.bin, { clawauth: "bin/clawauth.cjs" });
    const platformDir = join(out, "npm", `cli-${target.os}-${target.cpu}`);
    const platform = JSON.parse(await Deno.readTextFile(join(platformDir, "package.json")));
    assert.deepEqual([platform.name, platform.version, platform.os, platform.cpu], [
      `@clawauth/cli-${target.os}-${target.cpu}`,
      VERSION,
      [target.os],
      [target.cpu],
    ]);
    const binary = await Deno.stat(join(platformDir, "bin", "clawauth"));
    assert.equal(binary.size, (await Deno.stat(join(out, name))).size);
    assert.equal((binary.mode ?? 0) & 0o111, 0o111);
  });
});
