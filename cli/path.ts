/**
 * The few path functions the CLI uses (`join`, `dirname`, `basename`, `resolve`,
 * `isAbsolute`), for POSIX and Windows, without `node:path`: loading Deno's Node path module
 * costs about 10 ms of every `clawauth` start (measured with `--cpu-prof`), more than
 * `token get` spends on its own work. tests/cli/path_test.ts checks them against `node:path`.
 */

/** Path functions of one platform. */
export interface PathFlavor {
  sep: string;
  join(...parts: string[]): string;
  dirname(path: string): string;
  basename(path: string): string;
  isAbsolute(path: string): boolean;
  resolve(...parts: string[]): string;
}

/** Resolves `.` and `..` among `segments` (no separators inside); keeps leading `..` if relative. */
function normalizeSegments(segments: string[], absolute: boolean): string[] {
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(segment);
  }
  return out;
}

function posixNormalize(path: string): string {
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const trailing = path.endsWith("/");
  const body = normalizeSegments(path.split("/"), absolute).join("/");
  if (absolute) return `/${body}${body && trailing ? "/" : ""}`;
  return body === "" ? "." : `${body}${trailing ? "/" : ""}`;
}

function trimTrailing(path: string, isSep: (c: string) => boolean, keep: number): string {
  let end = path.length;
  while (end > keep && isSep(path[end - 1])) end--;
  return path.slice(0, end);
}

export const posix: PathFlavor = {
  sep: "/",
  join(...parts) {
    const joined = parts.filter((p) => p !== "").join("/");
    return joined === "" ? "." : posixNormalize(joined);
  },
  dirname(path) {
    if (path === "") return ".";
    const trimmed = trimTrailing(path, (c) => c === "/", 1);
    const at = trimmed.lastIndexOf("/");
    if (at < 0) return ".";
    if (at === 0) return "/";
    return trimTrailing(trimmed.slice(0, at), (c) => c === "/", 1);
  },
  basename(path) {
    const trimmed = trimTrailing(path, (c) => c === "/", 0);
    return trimmed.slice(trimmed.lastIndexOf("/") + 1);
  },
  isAbsolute: (path) => path.startsWith("/"),
  resolve(...parts) {
    let resolved = "";
    for (let i = parts.length - 1; i >= 0 && !resolved.startsWith("/"); i--) {
      if (parts[i] === "") continue;
      resolved = resolved === "" ? parts[i] : `${parts[i]}/${resolved}`;
    }
    if (!resolved.startsWith("/")) resolved = `${Deno.cwd()}/${resolved}`;
    const normalized = posixNormalize(resolved);
    return normalized.length > 1 ? trimTrailing(normalized, (c) => c === "/", 1) : normalized;
  },
};

const isWinSep = (c: string) => c === "/" || c === "\\";

/** Splits a Windows path into its root (`C:\`, `\\server\share\`, `\`, `C:`, or "") and the rest. */
function winRoot(path: string): { root: string; rest: string } {
  const unc = /^[\\/]{2}([^\\/]+)[\\/]+([^\\/]+)(?:[\\/]+|$)/.exec(path);
  if (unc) return { root: `\\\\${unc[1]}\\${unc[2]}\\`, rest: path.slice(unc[0].length) };
  const drive = /^([A-Za-z]:)([\\/]*)/.exec(path);
  if (drive) {
    return { root: drive[2] ? `${drive[1]}\\` : drive[1], rest: path.slice(drive[0].length) };
  }
  if (path.length > 0 && isWinSep(path[0])) {
    return { root: "\\", rest: path.replace(/^[\\/]+/, "") };
  }
  return { root: "", rest: path };
}

function winNormalize(path: string): string {
  if (path === "") return ".";
  const { root, rest } = winRoot(path);
  const absolute = root.endsWith("\\");
  const trailing = rest.length > 0 && isWinSep(rest[rest.length - 1]);
  const body = normalizeSegments(rest.split(/[\\/]/), absolute).join("\\");
  if (body === "") return root === "" ? "." : root;
  return `${root}${body}${trailing ? "\\" : ""}`;
}

export const win32: PathFlavor = {
  sep: "\\",
  join(...parts) {
    const joined = parts.filter((p) => p !== "").join("\\");
    return joined === "" ? "." : winNormalize(joined);
  },
  dirname(path) {
    const { rest } = winRoot(path);
    // As written (node:path keeps the caller's separators in the root).
    const root = path.slice(0, path.length - rest.length);
    const trimmed = trimTrailing(rest, isWinSep, 0);
    let at = trimmed.length - 1;
    while (at >= 0 && !isWinSep(trimmed[at])) at--;
    if (at < 0) return root === "" ? "." : root;
    return root + trimTrailing(trimmed.slice(0, at), isWinSep, 0);
  },
  basename(path) {
    const { rest } = winRoot(path);
    const trimmed = trimTrailing(rest, isWinSep, 0);
    let at = trimmed.length - 1;
    while (at >= 0 && !isWinSep(trimmed[at])) at--;
    return trimmed.slice(at + 1);
  },
  isAbsolute(path) {
    return /^[A-Za-z]:[\\/]/.test(path) || (path.length > 0 && isWinSep(path[0]));
  },
  resolve(...parts) {
    let resolved = "";
    for (let i = parts.length - 1; i >= 0 && !win32.isAbsolute(resolved); i--) {
      if (parts[i] === "") continue;
      resolved = resolved === "" ? parts[i] : `${parts[i]}\\${resolved}`;
    }
    if (!win32.isAbsolute(resolved)) resolved = `${Deno.cwd()}\\${resolved}`;
    const normalized = winNormalize(resolved);
    const { root } = winRoot(normalized);
    return normalized.length > root.length
      ? trimTrailing(normalized, isWinSep, root.length)
      : normalized;
  },
};

const platform = Deno.build.os === "windows" ? win32 : posix;

/** Joins path segments with this platform's separator and normalises `.` and `..`. */
export const join = platform.join;
/** The directory part of `path`. */
export const dirname = platform.dirname;
/** The last segment of `path`. */
export const basename = platform.basename;
/** True when `path` is absolute on this platform. */
export const isAbsolute = platform.isAbsolute;
/** An absolute, normalised path (relative parts resolve against the working directory). */
export const resolve = platform.resolve;
