/**
 * Atomic file writes for the state directory: a reader sees the old file or the new one,
 * never a half-written one, even when the writer is killed.
 */
import { basename, dirname, join } from "../path.ts";
import { ClawauthError, isClawauthError } from "../../shared/errors.ts";
import { checkOpenedFile, checkTrustedPath } from "./trusted_path.ts";

async function readAll(file: Deno.FsFile): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) break;
    chunks.push(buffer.slice(0, n));
    total += n;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Options of {@linkcode writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** File mode (default 0o600). Parent directories are created 0o700. */
  mode?: number;
}

function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Creates `dir` (and parents) with mode 0o700 when missing. */
export async function ensureDir(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * Writes `text` to `path` through a temp file in the same directory: write, fsync, chmod,
 * rename over the target. Throws ClawauthError `storage_failed` naming the path.
 */
export async function writeFileAtomic(
  path: string,
  text: string,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const { mode = 0o600 } = options;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${Deno.pid}.${randomSuffix()}.tmp`);
  try {
    await ensureDir(dir);
    // The directory must be ours; the temp file is created O_EXCL (never through a link) and
    // the rename replaces a link at `path` rather than writing through it.
    await checkTrustedPath(dir, "directory");
    const file = await Deno.open(temp, { write: true, createNew: true, mode });
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    if (Deno.build.os !== "windows") await Deno.chmod(temp, mode); // umask may have narrowed it
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    if (isClawauthError(error)) throw error;
    throw new ClawauthError(
      "storage_failed",
      `could not write ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Reads and parses a JSON file. Resolves `null` when the file does not exist; throws
 * ClawauthError `storage_failed` when it cannot be read or is not valid JSON.
 */
export async function readJsonFile(path: string): Promise<unknown | null> {
  let text: string;
  // A linked, foreign or writable-by-others file (or directory) is refused, not read; the
  // opened file is compared with the path so a link swapped in meanwhile is caught too.
  if (!await checkTrustedPath(path, "file")) return null;
  await checkTrustedPath(dirname(path), "directory");
  try {
    const file = await Deno.open(path, { read: true });
    await checkOpenedFile(path, file);
    try {
      text = new TextDecoder().decode(await readAll(file));
    } finally {
      file.close();
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    if (isClawauthError(error)) throw error;
    throw new ClawauthError(
      "storage_failed",
      `could not read ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ClawauthError(
      "storage_failed",
      `${path} is not valid JSON; delete it or fix it by hand`,
      { cause: error },
    );
  }
}

/** Removes a file; resolves when it did not exist. */
export async function removeFileIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw new ClawauthError(
      "storage_failed",
      `could not remove ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
