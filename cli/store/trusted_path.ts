/**
 * The state directory is checked before it is trusted: its metadata decides where refresh
 * tokens are sent and which files get written. A state directory, a directory inside it, a
 * profile file or a lock file is refused when it is a symbolic link, is not owned by this
 * user, or is group- or world-writable; the error names the path and the fix (chmod, chown,
 * or remove the link). Missing paths are fine: they get created 0700/0600.
 *
 * Opening without following symlinks: Deno has no `O_NOFOLLOW`, so (see also cli/lock.ts and
 * atomic_write.ts) new files are created with `createNew` (`O_CREAT|O_EXCL`, which never
 * follows a symlink), existing ones are `lstat`-checked first, and after opening, the open
 * file's own `fstat` must be a regular file of ours that others cannot write (what was read
 * is then ours whatever path led to it); a lock file's is also compared with a fresh `lstat`
 * of the path (same device and inode, still not a link) before anything is written to it,
 * so a link swapped in between is caught. JSON files are replaced by rename, so their readers
 * do not compare inodes (a legitimate rename would look like a swap).
 *
 * Windows: ownership and mode bits are not checked (ACLs decide there); links still are.
 */
import { dirname, join, resolve } from "../path.ts";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";

const IS_WINDOWS = Deno.build.os === "windows";

let cachedUid: number | null | undefined;
/** This process's uid; null on Windows or without `--allow-sys` (owner check skipped then). */
function currentUid(): number | null {
  if (cachedUid === undefined) {
    try {
      cachedUid = Deno.uid();
    } catch {
      cachedUid = null;
    }
  }
  return cachedUid;
}

function unsafe(path: string, why: string, fix: string): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.UNSAFE_STATE_DIR,
    `refusing to use ${path}: it ${why}, so another user could control what clawauth reads or writes there. Fix: ${fix}`,
    { details: { path, fix } },
  );
}

/** Throws `unsafe_state_dir` unless `info` (an lstat of `path`) is safe to trust. */
export function checkInfo(path: string, info: Deno.FileInfo, kind: "directory" | "file"): void {
  if (info.isSymlink) {
    throw unsafe(
      path,
      "is a symbolic link",
      `remove the link (rm '${path}'); clawauth creates the real ${kind} itself`,
    );
  }
  if (kind === "directory" ? !info.isDirectory : !info.isFile) {
    throw unsafe(path, `is not a ${kind}`, `move it away (mv '${path}' '${path}.bak')`);
  }
  if (IS_WINDOWS) return;
  const uid = currentUid();
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    throw unsafe(
      path,
      `is owned by uid ${info.uid}, not by you (uid ${uid})`,
      `remove it, or take it over: chown ${uid} '${path}'`,
    );
  }
  const mode = info.mode ?? 0;
  if ((mode & 0o022) !== 0) {
    throw unsafe(
      path,
      `is group- or world-writable (mode ${(mode & 0o777).toString(8).padStart(4, "0")})`,
      `chmod ${kind === "directory" ? "700" : "600"} '${path}'`,
    );
  }
}

/** Checks one path if it exists; returns false when it does not. */
export async function checkTrustedPath(
  path: string,
  kind: "directory" | "file",
): Promise<boolean> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  checkInfo(path, info, kind);
  return true;
}

/**
 * Checks `root` (the state directory), every directory from it down to `path`'s parent, and
 * `path` itself (a file), stopping at the first one that does not exist yet.
 */
export async function checkStateTree(root: string, path: string): Promise<void> {
  const base = resolve(root);
  if (!await checkTrustedPath(base, "directory")) return;
  const target = resolve(path);
  const parent = dirname(target);
  const separators = IS_WINDOWS ? /[\\/]/ : /\//;
  if (parent !== base && !(parent.startsWith(base) && separators.test(parent[base.length]))) {
    throw new Error(`${target} is outside the state directory ${base}`);
  }
  let current = base;
  for (const part of parent.slice(base.length).split(separators).filter((p) => p !== "")) {
    current = join(current, part);
    if (!await checkTrustedPath(current, "directory")) return;
  }
  await checkTrustedPath(target, "file");
}

/**
 * After opening `path`: the open file must be a regular file owned by this user and not
 * writable by others (its `fstat`, which no link or race can fake). With `samePath` (lock
 * files, which are never replaced) it must also still be what the path names: same device
 * and inode, and the path not a link. Readers of files that writers replace by rename (the
 * JSON files) must not ask for `samePath`: a legitimate rename would look like a swap.
 * Throws (after closing the file) otherwise.
 */
export async function checkOpenedFile(
  path: string,
  file: Deno.FsFile,
  options: { samePath?: boolean } = {},
): Promise<void> {
  try {
    const opened = await file.stat();
    checkInfo(path, opened, "file");
    if (!options.samePath) return;
    const named = await Deno.lstat(path);
    checkInfo(path, named, "file");
    if (!IS_WINDOWS && (opened.ino !== named.ino || opened.dev !== named.dev)) {
      throw unsafe(path, "was replaced while it was being opened", `remove it (rm '${path}')`);
    }
  } catch (error) {
    file.close();
    throw error;
  }
}
