/**
 * Cross-process exclusive lock on a file (flock on Unix, LockFileEx on Windows, through
 * `Deno.FsFile.tryLock`). The kernel drops the lock when the holder's process dies, so a
 * killed holder never blocks the next taker. The lock file is never deleted: deleting it
 * would let two processes lock two different inodes of the same path.
 */
import { basename, dirname, join, resolve } from "./path.ts";
import { ClawauthError } from "../shared/errors.ts";
import { parseProfileId } from "./store/profiles.ts";
import { checkOpenedFile, checkStateTree } from "./store/trusted_path.ts";

/** Options of {@linkcode withLock}. */
export interface WithLockOptions {
  /** Give up after this long (default 30 s) with ClawauthError `lock_timeout`. */
  timeoutMs?: number;
  /** Clock, epoch ms. */
  now?: () => number;
  /** Called once when the lock is busy and this process starts waiting. */
  onWait?: (info: { path: string; holderPid?: number }) => void;
  /** Waits between attempts (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
}

const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 100;
/** Callers in this process queue here first, so they wait without polling each other. */
const LOCAL_QUEUES = new Map<string, Promise<void>>();

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readHolderPid(file: Deno.FsFile): Promise<number | undefined> {
  try {
    const buffer = new Uint8Array(32);
    await file.seek(0, Deno.SeekMode.Start);
    const n = await file.read(buffer);
    if (!n) return undefined;
    const pid = Number(new TextDecoder().decode(buffer.subarray(0, n)).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` while holding an exclusive lock on `path` (created with mode 0600, parent 0700).
 * Other processes (and other calls in this process) wait; the lock is released when `fn`
 * settles or the process dies.
 */
export async function withLock<T>(
  path: string,
  fn: () => Promise<T> | T,
  options: WithLockOptions = {},
): Promise<T> {
  const key = resolve(path);
  const previous = LOCAL_QUEUES.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => release = resolve);
  const tail = previous.then(() => mine);
  LOCAL_QUEUES.set(key, tail);
  try {
    await waitLocal(path, previous, options);
    return await withFileLock(path, fn, options);
  } finally {
    release();
    if (LOCAL_QUEUES.get(key) === tail) LOCAL_QUEUES.delete(key);
  }
}

/** Waits for earlier callers in this process, within the same time limit as the file lock. */
async function waitLocal(
  path: string,
  previous: Promise<void>,
  options: WithLockOptions,
): Promise<void> {
  const { timeoutMs = 30_000, onWait } = options;
  let settled = false;
  previous.then(() => settled = true);
  await Promise.resolve();
  if (settled) return;
  onWait?.({ path, holderPid: Deno.pid });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      previous,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeoutError(path, timeoutMs, Deno.pid)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function timeoutError(path: string, timeoutMs: number, holderPid?: number): ClawauthError {
  return new ClawauthError(
    "lock_timeout",
    `could not take the lock ${path} within ${timeoutMs / 1000} s` +
      (holderPid ? `: process ${holderPid} holds it` : ""),
    // Transient: the holder finishes or dies (the kernel then releases the lock).
    { details: { lockPath: path, ...(holderPid ? { holderPid } : {}), transient: true } },
  );
}

async function withFileLock<T>(
  path: string,
  fn: () => Promise<T> | T,
  options: WithLockOptions,
): Promise<T> {
  const { timeoutMs = 30_000, now = Date.now, onWait, sleep = defaultSleep } = options;
  const file = await openLockFile(path);
  try {
    const started = now();
    let delay = FIRST_RETRY_MS;
    let announced = false;
    while (!(await file.tryLock(true))) {
      if (!announced) {
        announced = true;
        onWait?.({ path, holderPid: await readHolderPid(file) });
      }
      if (now() - started >= timeoutMs) {
        throw timeoutError(path, timeoutMs, await readHolderPid(file));
      }
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
    try {
      // The pid is only a hint for messages; the kernel lock is what excludes.
      await file.truncate(0);
      await file.seek(0, Deno.SeekMode.Start);
      await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
      return await fn();
    } finally {
      await file.unlock();
    }
  } finally {
    file.close();
  }
}

/** The state directory a lock path lives in (`<root>/locks/<provider>/<name>.lock`), else its directory. */
function lockRootOf(path: string): string {
  const providerDir = dirname(path);
  return basename(dirname(providerDir)) === "locks" ? dirname(dirname(providerDir)) : providerDir;
}

/**
 * Opens (creating 0600 when missing) a lock file without following a planted symlink: the
 * state tree is checked, a new file is created with `createNew` (O_EXCL never follows links),
 * an existing one is opened and then compared with a fresh lstat (store/trusted_path.ts), all
 * before the lock is taken and the file truncated.
 */
async function openLockFile(path: string): Promise<Deno.FsFile> {
  const root = lockRootOf(path);
  await checkStateTree(root, path);
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await checkStateTree(root, path);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true, createNew: true, mode: 0o600 });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    file = await Deno.open(path, { read: true, write: true });
  }
  await checkOpenedFile(path, file, { samePath: true });
  return file;
}

/** The lock file of one profile: `<stateDir>/locks/<provider>/<name>.lock`. */
export function lockPathFor(stateDir: string, profileId: string): string {
  const { provider, name } = parseProfileId(profileId);
  return join(stateDir, "locks", provider, `${name}.lock`);
}
