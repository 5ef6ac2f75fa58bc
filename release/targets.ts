// The release targets: one `deno compile --target` each, one npm platform package each.

/** One platform clawauth is released for. */
export interface ReleaseTarget {
  /** `deno compile --target` value. */
  deno: string;
  /** npm `os` (Node's `process.platform`). */
  os: "linux" | "darwin" | "win32";
  /** npm `cpu` (Node's `process.arch`). */
  cpu: "x64" | "arm64";
}

export const TARGETS: readonly ReleaseTarget[] = [
  { deno: "x86_64-unknown-linux-gnu", os: "linux", cpu: "x64" },
  { deno: "aarch64-unknown-linux-gnu", os: "linux", cpu: "arm64" },
  { deno: "x86_64-apple-darwin", os: "darwin", cpu: "x64" },
  { deno: "aarch64-apple-darwin", os: "darwin", cpu: "arm64" },
  { deno: "x86_64-pc-windows-msvc", os: "win32", cpu: "x64" },
];

/** File name of the released binary in `dist/`, e.g. `clawauth-x86_64-unknown-linux-gnu`. */
export function binaryFileName(target: ReleaseTarget): string {
  return `clawauth-${target.deno}${target.os === "win32" ? ".exe" : ""}`;
}

/** The npm package carrying the target's binary, e.g. `@clawauth/cli-linux-x64`. */
export function platformPackageName(target: ReleaseTarget): string {
  return `@clawauth/cli-${target.os}-${target.cpu}`;
}

/** The target of the machine running this code, if clawauth is released for it. */
export function hostTarget(): ReleaseTarget | undefined {
  const os = Deno.build.os === "windows" ? "win32" : Deno.build.os;
  const cpu = Deno.build.arch === "x86_64" ? "x64" : "arm64";
  return TARGETS.find((target) => target.os === os && target.cpu === cpu);
}
