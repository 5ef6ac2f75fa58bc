/**
 * Summarises a V8 `.cpuprofile` (from `deno run --cpu-prof`, e.g. `deno task bench --profile
 * <dir>`): the functions with the most self time, then the functions and the source files with
 * the most inclusive time (each counted once per sample even when it recurses).
 *
 *   deno run -A tests/bench/profile_summary.ts <file.cpuprofile | dir> [--top 25]
 */

import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\/.*?\/(server|shared|providers|node_modules|cli)\//, "$1/")
    .replace(/^.*\/npm\/registry\.npmjs\.org\//, "npm:");
  return `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
}

function fileOf(node: ProfileNode): string {
  const url = node.callFrame.url;
  if (!url) return node.callFrame.functionName; // (program), (garbage collector), (idle)
  return url.replace(/^file:\/\/.*?\/(server|shared|providers|cli)\//, "$1/")
    .replace(/^.*\/registry\.npmjs\.org\/([^/]+)\/[^/]+\/(.*)$/, "npm:$1/$2");
}

async function loadProfile(path: string): Promise<CpuProfile> {
  const info = await Deno.stat(path);
  if (!info.isDirectory) return JSON.parse(await Deno.readTextFile(path));
  const files = [];
  for await (const entry of Deno.readDir(path)) {
    if (entry.name.endsWith(".cpuprofile")) files.push(`${path}/${entry.name}`);
  }
  if (files.length === 0) throw new Error(`no .cpuprofile in ${path}`);
  files.sort();
  return JSON.parse(await Deno.readTextFile(files[files.length - 1]));
}

function table(title: string, entries: [string, number][], totalMs: number, top: number) {
  console.log(`\n${title}`);
  for (const [name, ms] of entries.slice(0, top)) {
    console.log(
      `${ms.toFixed(0).padStart(8)} ms ${(ms / totalMs * 100).toFixed(1).padStart(5)}%  ${name}`,
    );
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { top: { type: "string", default: "25" } },
  });
  if (positionals.length !== 1) {
    console.error("usage: profile_summary.ts <file.cpuprofile | dir> [--top 25]");
    Deno.exit(2);
  }
  const top = Number(values.top);
  const profile = await loadProfile(positionals[0]);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }

  const selfMs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    selfMs.set(profile.samples[i], (selfMs.get(profile.samples[i]) ?? 0) + ms);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const idleMs = [...selfMs].filter(([id]) => byId.get(id)!.callFrame.functionName === "(idle)")
    .reduce((sum, [, ms]) => sum + ms, 0);
  const busyMs = totalMs - idleMs;

  const selfByLabel = new Map<string, number>();
  const inclusiveByLabel = new Map<string, number>();
  const inclusiveByFile = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") continue;
    selfByLabel.set(label(node), (selfByLabel.get(label(node)) ?? 0) + ms);
    const seenFiles = new Set<string>();
    const seenLabels = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      const file = fileOf(frame);
      if (file !== "(root)" && !seenFiles.has(file)) {
        seenFiles.add(file);
        inclusiveByFile.set(file, (inclusiveByFile.get(file) ?? 0) + ms);
      }
      const name = label(frame);
      if (name !== "(root)" && !seenLabels.has(name)) {
        seenLabels.add(name);
        inclusiveByLabel.set(name, (inclusiveByLabel.get(name) ?? 0) + ms);
      }
    }
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  console.log(
    `profile: ${totalMs.toFixed(0)} ms, busy ${busyMs.toFixed(0)} ms (JS main thread; ` +
      `percentages of busy time)`,
  );
  table("self time by function", sorted(selfByLabel), busyMs, top);
  table("inclusive time by function", sorted(inclusiveByLabel), busyMs, top);
  table("inclusive time by file", sorted(inclusiveByFile), busyMs, top);
}

if (import.meta.main) await main();
