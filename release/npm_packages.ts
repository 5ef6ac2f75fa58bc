// Writes the npm packages, the way Deno itself ships on npm: `clawauth` (a small node launcher,
// `bin`) with one optional dependency per platform, `@clawauth/cli-<os>-<cpu>` (`os`/`cpu` set,
// the binary in `bin/`). npm installs only the platform package that fits the machine.

import { join } from "node:path";
import { platformPackageName, type ReleaseTarget } from "./targets.ts";

const LAUNCHER = new URL("./npm/launcher.cjs", import.meta.url);
const DESCRIPTION = "Delegated OAuth for AI agents, with no central token vault";

/** A written package: its directory and name. */
export interface WrittenPackage {
  name: string;
  dir: string;
}

/** The binary of one target, to go into that target's platform package. */
export interface TargetBinary {
  target: ReleaseTarget;
  /** Path of the compiled binary (or a stand-in in tests). */
  path: string;
}

/** Directory name of a package under the npm output directory (`clawauth`, `cli-linux-x64`). */
export function packageDirName(name: string): string {
  return name.replace(/^@clawauth\//, "");
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(value, null, 2) + "\n");
}

async function resetDir(dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.mkdir(dir, { recursive: true });
}

/** Writes one platform package; the binary goes to `bin/clawauth` (`bin/clawauth.exe`). */
export async function writePlatformPackage(
  outDir: string,
  version: string,
  binary: TargetBinary,
): Promise<WrittenPackage> {
  const name = platformPackageName(binary.target);
  const dir = join(outDir, packageDirName(name));
  await resetDir(join(dir, "bin"));
  const exe = binary.target.os === "win32" ? "clawauth.exe" : "clawauth";
  await Deno.copyFile(binary.path, join(dir, "bin", exe));
  if (Deno.build.os !== "windows") await Deno.chmod(join(dir, "bin", exe), 0o755);
  await writeJson(join(dir, "package.json"), {
    name,
    version,
    description: `The clawauth binary for ${binary.target.os}-${binary.target.cpu}`,
    os: [binary.target.os],
    cpu: [binary.target.cpu],
    files: ["bin/"],
    preferUnplugged: true,
  });
  await Deno.writeTextFile(
    join(dir, "README.md"),
    `# ${name}\n\nThe \`clawauth\` binary for ${binary.target.os}-${binary.target.cpu}` +
      ` (${binary.target.deno}). Install \`clawauth\` instead; it picks this package on this platform.\n`,
  );
  return { name, dir };
}

/** Writes the `clawauth` launcher package depending on every target's platform package. */
export async function writeLauncherPackage(
  outDir: string,
  version: string,
  targets: readonly ReleaseTarget[],
): Promise<WrittenPackage> {
  const dir = join(outDir, "clawauth");
  await resetDir(join(dir, "bin"));
  const launcher = join(dir, "bin", "clawauth.cjs");
  await Deno.copyFile(LAUNCHER, launcher);
  if (Deno.build.os !== "windows") await Deno.chmod(launcher, 0o755);
  await writeJson(join(dir, "package.json"), {
    name: "clawauth",
    version,
    description: DESCRIPTION,
    bin: { clawauth: "bin/clawauth.cjs" },
    files: ["bin/"],
    engines: { node: ">=18" },
    optionalDependencies: Object.fromEntries(
      targets.map((target) => [platformPackageName(target), version]),
    ),
    preferUnplugged: true,
  });
  await Deno.writeTextFile(
    join(dir, "README.md"),
    "# clawauth\n\n" + DESCRIPTION + ".\n\n" +
      "`npx clawauth --help`, `npm install -g clawauth` or `npm install clawauth`. This package is\n" +
      "a launcher: npm installs the one optional dependency `@clawauth/cli-<os>-<cpu>` that fits\n" +
      "the machine, and `clawauth` runs its binary with the same arguments, streams and exit code.\n" +
      "Prebuilt for linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64.\n",
  );
  return { name: "clawauth", dir };
}

/** Writes the launcher package and one platform package per binary into `outDir`. */
export async function writeNpmPackages(
  outDir: string,
  version: string,
  binaries: readonly TargetBinary[],
): Promise<WrittenPackage[]> {
  await Deno.mkdir(outDir, { recursive: true });
  const written: WrittenPackage[] = [];
  for (const binary of binaries) {
    written.push(await writePlatformPackage(outDir, version, binary));
  }
  written.push(await writeLauncherPackage(outDir, version, binaries.map((b) => b.target)));
  return written;
}
