// The module graph of an entrypoint as `deno info --json` reports it: our files (relative to the
// repository root) and the npm packages it reaches (by name, dependencies included).

import { REPO_ROOT } from "../fixtures/run_cli.ts";

export interface ModuleGraph {
  /** Our files in the graph, relative to the repository root, e.g. "cli/main.ts". */
  files: string[];
  /** Names of the npm packages our files import. */
  imported: Set<string>;
  /** Names of every npm package the graph reaches: the imported ones and their dependencies. */
  packages: Set<string>;
}

interface DenoInfo {
  modules: { specifier: string; kind?: string; npmPackage?: string }[];
  npmPackages: Record<string, { name: string; dependencies: string[] }>;
}

/** `deno info --json <entrypoint>` (relative to the repository root), summarised. */
export async function moduleGraph(entrypoint: string): Promise<ModuleGraph> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entrypoint],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`deno info ${entrypoint} failed: ${new TextDecoder().decode(stderr)}`);
  }
  const info: DenoInfo = JSON.parse(new TextDecoder().decode(stdout));
  const root = new URL(`file://${REPO_ROOT}/`).href;
  const files = info.modules
    .map((m) => m.specifier)
    .filter((specifier) => specifier.startsWith("file:"))
    .map((specifier) => specifier.startsWith(root) ? specifier.slice(root.length) : specifier)
    .sort();
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = info.modules.flatMap((m) => m.npmPackage ? [m.npmPackage] : []);
  const imported = new Set(queue.map((id) => info.npmPackages[id]?.name ?? id));
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const entry = info.npmPackages[id];
    if (!entry) throw new Error(`deno info names npm package ${id} without describing it`);
    packages.add(entry.name);
    queue.push(...entry.dependencies);
  }
  return { files, imported, packages };
}

/** The npm package names a member's deno.json `imports` declare (`npm:name@version`). */
export async function declaredPackages(member: string): Promise<Set<string>> {
  const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/${member}/deno.json`));
  const names = new Set<string>();
  for (const target of Object.values(config.imports ?? {}) as string[]) {
    const match = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)/.exec(target);
    if (match) names.add(match[1]);
  }
  return names;
}
