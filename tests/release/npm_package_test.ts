// The npm packages `deno task dist` writes (release/npm_packages.ts), packed with `npm pack` and
// installed from the tarballs, offline, the way a user gets them with `npm install clawauth`,
// `npm install -g clawauth` or `npx clawauth`. `deno compile` cannot run here (no denort), so a
// shell script stands in for the compiled binary in every platform package.

import assert from "node:assert/strict";
import { join } from "node:path";
import { VERSION } from "../../cli/version.ts";
import { writeNpmPackages } from "../../release/npm_packages.ts";
import { hostTarget, platformPackageName, TARGETS } from "../../release/targets.ts";
import { npmEnv, requireTool, runTool } from "./_npm.ts";

const STAND_IN = `#!/bin/sh
case "$1" in
  --version) echo "clawauth ${VERSION}" ;;
  read-stdin) input=$(cat); echo "read: $input"; echo "stand-in stderr" >&2; exit 3 ;;
  args) shift; for arg in "$@"; do printf '[%s]\\n' "$arg"; done ;;
  wait-signal)
    trap 'echo "got TERM"; exit 7' TERM; echo ready
    i=0; while [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done; echo "no signal"; exit 9 ;;
  die-of-signal) kill -KILL $$ ;;
esac
`;

type Step = (installed: Installed) => Promise<void>;
const STEPS: [string, Step][] = [];

interface Installed {
  dir: string;
  env: Record<string, string>;
  tarballs: Record<string, string>;
}

/** Writes the packages with stand-in binaries, packs them, and installs them into `dir/project`. */
async function packAndInstall(dir: string): Promise<Installed> {
  await requireTool("node", "the npm packaging test runs the clawauth launcher with node");
  await requireTool("npm", "the npm packaging test packs and installs the packages with npm");
  const host = hostTarget();
  if (!host) throw new Error(`clawauth is not released for ${Deno.build.target}`);
  const standIn = join(dir, "stand-in");
  await Deno.writeTextFile(standIn, STAND_IN, { mode: 0o755 });
  const packages = await writeNpmPackages(
    join(dir, "npm"),
    VERSION,
    TARGETS.map((target) => ({ target, path: standIn })),
  );
  const env = npmEnv(join(dir, "npm-cache"));
  const tarballDir = join(dir, "tarballs");
  await Deno.mkdir(tarballDir);
  const tarballs: Record<string, string> = {};
  for (const { name, dir: packageDir } of packages) {
    const packed = await runTool("npm", ["pack", "--json", "--pack-destination", tarballDir], {
      cwd: packageDir,
      env,
    });
    assert.equal(packed.code, 0, packed.stderr);
    tarballs[name] = join(tarballDir, JSON.parse(packed.stdout)[0].filename);
  }
  // As from the registry: `clawauth`, whose optional dependencies resolve to the packed platform
  // packages; npm installs only the one whose os/cpu fit this machine.
  const project = join(dir, "project");
  await Deno.mkdir(project);
  const overrides = Object.fromEntries(
    TARGETS.map((t) => [platformPackageName(t), `file:${tarballs[platformPackageName(t)]}`]),
  );
  await Deno.writeTextFile(
    join(project, "package.json"),
    JSON.stringify({
      name: "clawauth-npm-test",
      private: true,
      dependencies: { clawauth: `file:${tarballs["clawauth"]}` },
      overrides,
    }),
  );
  const installed = await runTool("npm", ["install"], { cwd: project, env });
  assert.equal(installed.code, 0, installed.stderr);
  return { dir: project, env, tarballs };
}

// One pack and install (npm is slow), shared by the steps below; the last step breaks it.
Deno.test("npm packaging: clawauth launcher + platform packages, packed and installed offline", async (t) => {
  const temp = await Deno.makeTempDir({ prefix: "clawauth-npm-" });
  try {
    const installed = await packAndInstall(temp);
    for (const [name, step] of STEPS) await t.step(name, () => step(installed));
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
});

STEPS.push([
  "the packages install from their tarballs; npx clawauth runs this platform's binary",
  async ({ dir, env }) => {
    const host = hostTarget()!;
    const scope = join(dir, "node_modules", "@clawauth");
    const platformPackages = [...Deno.readDirSync(scope)].map((entry) => entry.name);
    assert.deepEqual(platformPackages, [`cli-${host.os}-${host.cpu}`]);
    const launcherJson = JSON.parse(
      await Deno.readTextFile(join(dir, "node_modules", "clawauth", "package.json")),
    );
    assert.equal(launcherJson.version, VERSION);
    assert.deepEqual(
      launcherJson.optionalDependencies,
      Object.fromEntries(TARGETS.map((target) => [platformPackageName(target), VERSION])),
    );

    const version = await runTool("npx", ["clawauth", "--version"], { cwd: dir, env });
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `clawauth ${VERSION}\n`);

    const stdin = await runTool("npx", ["clawauth", "read-stdin"], {
      cwd: dir,
      env,
      stdin: "from the agent\n",
    });
    assert.equal(stdin.code, 3, stdin.stderr);
    assert.equal(stdin.stdout, "read: from the agent\n");
    assert.match(stdin.stderr, /stand-in stderr/);
  },
]);

STEPS.push([
  "the launcher passes arguments as given and a signal both ways",
  async ({ dir, env }) => {
    const bin = join(dir, "node_modules", ".bin", "clawauth");
    const args = await runTool(bin, ["args", "two words", "", "--json", "ü"], { cwd: dir, env });
    assert.equal(args.code, 0, args.stderr);
    assert.equal(args.stdout, "[two words]\n[]\n[--json]\n[ü]\n");

    // A signal to the launcher reaches the binary, whose exit code comes back.
    const child = new Deno.Command(bin, {
      args: ["wait-signal"],
      cwd: dir,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("ready")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    child.kill("SIGTERM");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    const status = await child.status;
    assert.equal(out, "ready\ngot TERM\n");
    assert.equal(status.code, 7);

    // A binary killed by a signal: the launcher dies of the same signal.
    const killed = await runTool(bin, ["die-of-signal"], { cwd: dir, env });
    assert.equal(killed.signal, "SIGKILL");
    assert.equal(killed.code, 137);
  },
]);

STEPS.push([
  "no binary fits the platform, or npm left it out: the launcher says so",
  async ({ dir, env }) => {
    const launcher = join(dir, "node_modules", "clawauth", "bin", "clawauth.cjs");
    const preload = join(dir, "arch_ia32.cjs");
    await Deno.writeTextFile(
      preload,
      'Object.defineProperty(process, "arch", { value: "ia32" });\n',
    );
    const unsupported = await runTool(
      "node",
      ["-r", preload, launcher, "token", "get", "--json"],
      {
        cwd: dir,
        env,
      },
    );
    assert.equal(unsupported.code, 1);
    const error = JSON.parse(unsupported.stdout).error;
    assert.equal(error.code, "binary_unavailable");
    assert.match(
      error.message,
      /no prebuilt binary for linux-ia32|no prebuilt binary for \w+-ia32/,
    );
    assert.match(error.message, /linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64/);
    assert.match(error.message, /deno task install/);

    const host = hostTarget()!;
    const name = platformPackageName(host);
    await Deno.remove(join(dir, "node_modules", name), { recursive: true });
    const missing = await runTool(join(dir, "node_modules", ".bin", "clawauth"), ["--version"], {
      cwd: dir,
      env,
    });
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, "");
    assert.match(missing.stderr, new RegExp(`the package ${name}, which carries`));
    assert.match(missing.stderr, /--omit=optional/);
  },
]);

STEPS.push([
  "npm install -g of the tarballs puts a working clawauth on PATH",
  async ({ dir, env, tarballs }) => {
    const prefix = join(dir, "global");
    const host = hostTarget()!;
    const installed = await runTool(
      "npm",
      [
        "install",
        "-g",
        "--prefix",
        prefix,
        tarballs["clawauth"],
        tarballs[platformPackageName(host)],
      ],
      { cwd: dir, env },
    );
    assert.equal(installed.code, 0, installed.stderr);
    const version = await runTool("clawauth", ["--version"], {
      cwd: dir,
      env: { ...env, PATH: `${join(prefix, "bin")}:${env.PATH}` },
    });
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `clawauth ${VERSION}\n`);
  },
]);
