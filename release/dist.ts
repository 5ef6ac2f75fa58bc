// `deno task dist`: the release. Compiles the CLI for every target into dist/ (reporting what
// each binary embeds), writes dist/SHA256SUMS, and writes the npm packages into dist/npm/.
//
//   deno task dist                       all five targets (needs denort: see compile.ts)
//   deno task dist --target <triple>     one target (repeatable), e.g. x86_64-unknown-linux-gnu
//   deno task dist --no-bundle           embed with --exclude-unused-npm instead of --bundle
//   deno task dist --out <dir>           default: dist

import { parseArgs } from "node:util";
import { realpathSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { VERSION } from "../cli/version.ts";
import { writeSha256Sums } from "./checksums.ts";
import { CompileError, type CompileResult, compileTarget, REPO_ROOT } from "./compile.ts";
import { writeNpmPackages } from "./npm_packages.ts";
import { binaryFileName, TARGETS } from "./targets.ts";

function log(line: string): void {
  console.error(line);
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function formatBytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const USAGE = "usage: deno task dist [--target <triple>]... [--no-bundle] [--out <dir>]";

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      target: { type: "string", multiple: true },
      "no-bundle": { type: "boolean", default: false },
      out: { type: "string", default: "dist" },
    },
  }).values;
}

async function main(args: string[]): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(args);
  } catch (error) {
    log(`dist: ${error instanceof Error ? error.message : error}\n${USAGE}`);
    return 2;
  }
  const wanted = values.target ?? TARGETS.map((target) => target.deno);
  const unknown = wanted.filter((name) => !TARGETS.some((target) => target.deno === name));
  if (unknown.length > 0) {
    log(`dist: unknown target ${unknown.join(", ")}; targets: ${TARGETS.map((t) => t.deno)}`);
    return 2;
  }
  const targets = TARGETS.filter((target) => wanted.includes(target.deno));
  const denort = Deno.env.get("DENORT_BIN");
  if (denort && targets.length > 1) {
    log(
      "dist: DENORT_BIN is one denort for one platform; with it set, build one target at a time " +
        "(--target <triple>).",
    );
    return 2;
  }
  if (denort && sameFile(denort, Deno.execPath())) {
    log(
      "dist: DENORT_BIN is the deno binary itself: the files written are NOT standalone clawauth " +
        "binaries (they run as deno). Use this only to measure what a binary embeds.",
    );
  }
  const outDir = isAbsolute(values.out) ? values.out : join(REPO_ROOT, values.out);
  await Deno.mkdir(outDir, { recursive: true });
  const bundle = !values["no-bundle"];

  log(`dist: clawauth ${VERSION}, ${bundle ? "--bundle --minify" : "--exclude-unused-npm"}`);
  const results: CompileResult[] = [];
  for (const target of targets) {
    try {
      const result = await compileTarget(target, outDir, { bundle });
      results.push(result);
      log(
        `  ${binaryFileName(target)}: embeds ${result.embedded}, binary ${
          formatBytes(result.bytes)
        }`,
      );
    } catch (error) {
      if (error instanceof CompileError) {
        log(`dist: ${error.message}`);
        return 1;
      }
      throw error;
    }
  }

  const sums = await writeSha256Sums(results.map((r) => r.path), join(outDir, "SHA256SUMS"));
  log(`dist: ${join(values.out, "SHA256SUMS")}\n${sums.trimEnd()}`);
  const packages = await writeNpmPackages(
    join(outDir, "npm"),
    VERSION,
    results.map((r) => ({ target: r.target, path: r.path })),
  );
  log(
    `dist: npm packages in ${join(values.out, "npm")}: ${packages.map((p) => p.name).join(", ")}`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
