// One `deno compile` of the CLI for one release target, and what it embedded.

import { binaryFileName, type ReleaseTarget } from "./targets.ts";

/** The repository root (this file is in release/). */
export const REPO_ROOT: string = decodeURIComponent(new URL("../", import.meta.url).pathname)
  .replace(/\/$/, "");
export const CLI_ENTRYPOINT = "cli/main.ts";

/**
 * How the release binary embeds the CLI: one esbuild-bundled, minified module (`--bundle`), the
 * same step `deno bundle --platform deno --minify` runs for tests/e2e/bundle_test.ts. With
 * `bundle: false`, `--exclude-unused-npm`: the module graph's files and only the npm packages
 * it reaches.
 */
export function compileFlags(options: { bundle: boolean }): string[] {
  return options.bundle ? ["--bundle", "--minify"] : ["--exclude-unused-npm"];
}

/** What one compile produced. */
export interface CompileResult {
  target: ReleaseTarget;
  /** Absolute path of the written binary. */
  path: string;
  /** The "Files:" total `deno compile` reports for the embedded file system, e.g. "202.12KB". */
  embedded: string;
  /** Size of the written binary in bytes. */
  bytes: number;
  /** `deno compile`'s listing of what it embeds. */
  listing: string;
}

/** A compile that failed, with the reason in words. */
export class CompileError extends Error {
  override name = "CompileError";
}

function denortMessage(target: ReleaseTarget, output: string): string | undefined {
  const denort = Deno.env.get("DENORT_BIN");
  if (denort) {
    let usable = false;
    try {
      usable = Deno.statSync(denort).isFile;
    } catch {
      // not there
    }
    if (!usable) return `DENORT_BIN=${denort} is not a file: point it at an unzipped denort.`;
    return undefined;
  }
  if (!/denort|dl\.deno\.land|Setting up base binary/i.test(output)) return undefined;
  const version = Deno.version.deno;
  return [
    `deno compile could not get denort, the runtime it puts into every binary, for ${target.deno}.`,
    `It downloads https://dl.deno.land/release/v${version}/denort-${target.deno}.zip, which this`,
    "machine cannot reach. Build the release where dl.deno.land is reachable, or download that",
    "zip elsewhere, unzip it and run, for that one target:",
    `  DENORT_BIN=/path/to/denort deno task dist --target ${target.deno}`,
  ].join("\n");
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Compiles cli/main.ts for `target` into `outDir`; throws CompileError with the reason. */
export async function compileTarget(
  target: ReleaseTarget,
  outDir: string,
  options: { bundle: boolean },
): Promise<CompileResult> {
  const path = `${outDir}/${binaryFileName(target)}`;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      "-A",
      ...compileFlags(options),
      "--target",
      target.deno,
      "--output",
      path,
      CLI_ENTRYPOINT,
    ],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const output = (new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr))
    .replace(ANSI, "");
  if (code !== 0) {
    throw new CompileError(
      denortMessage(target, output) ??
        `deno compile --target ${target.deno} failed (exit ${code}):\n${output}`,
    );
  }
  const embedded = /^Files:\s*(\S+)/m.exec(output)?.[1] ?? "unknown";
  const bytes = (await Deno.stat(path)).size;
  return { target, path, embedded, bytes, listing: output };
}
