/**
 * The 0600 file backend for machines without a usable keychain: one JSON file
 * (`<stateDir>/credentials.json`) in a 0700 directory, rewritten atomically under a lock.
 * Chosen only with `CLAWAUTH_KEYCHAIN=file` or announced on stderr when no keychain works.
 * It refuses to read a file others can read or that is not ours, and says how to fix it.
 */
import { dirname } from "../path.ts";
import { ClawauthError } from "../../shared/errors.ts";
import type { Keychain } from "./keychain.ts";
import { readJsonFile, writeFileAtomic } from "../store/atomic_write.ts";
import { withLock } from "../lock.ts";

/** Options of {@linkcode FileKeychain}. */
export interface FileKeychainOptions {
  /** The credentials file, normally `<stateDir>/credentials.json`. */
  path: string;
  /** The platform backend this file stands in for, and why (see Keychain.fallbackFrom). */
  fallbackFrom?: { backend: string; reason: string };
}

interface FileContent {
  version: 1;
  /** service → account → secret. */
  items: Record<string, Record<string, string>>;
}

const IS_WINDOWS = Deno.build.os === "windows";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Secrets in one 0600 JSON file. */
export class FileKeychain implements Keychain {
  readonly name = "file";
  readonly path: string;
  readonly fallbackFrom?: { backend: string; reason: string };

  constructor(options: FileKeychainOptions) {
    this.path = options.path;
    if (options.fallbackFrom) this.fallbackFrom = options.fallbackFrom;
  }

  async get(service: string, account: string): Promise<string | null> {
    const content = await this.#read();
    return content.items[service]?.[account] ?? null;
  }

  async store(service: string, account: string, secret: string): Promise<void> {
    await this.#update((content) => {
      (content.items[service] ??= {})[account] = secret;
    });
  }

  async remove(service: string, account: string): Promise<void> {
    await this.#update((content) => {
      const items = content.items[service];
      if (!items || !(account in items)) return false;
      delete items[account];
      if (Object.keys(items).length === 0) delete content.items[service];
    });
  }

  async #update(change: (content: FileContent) => void | false): Promise<void> {
    await withLock(`${this.path}.lock`, async () => {
      const content = await this.#read();
      if (change(content) === false) return;
      await writeFileAtomic(this.path, JSON.stringify(content, null, 2) + "\n", { mode: 0o600 });
    }, { timeoutMs: 10_000 });
    if (!IS_WINDOWS) await Deno.chmod(dirname(this.path), 0o700);
  }

  async #read(): Promise<FileContent> {
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(this.path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return { version: 1, items: {} };
      throw new ClawauthError(
        "keychain_error",
        `cannot read the credentials file ${this.path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (!info.isFile) {
      throw new ClawauthError(
        "keychain_error",
        `${this.path} is not a regular file; delete it (you will need to log in again)`,
      );
    }
    if (!IS_WINDOWS) {
      const mode = (info.mode ?? 0) & 0o777;
      if (mode & 0o077) {
        throw new ClawauthError(
          "keychain_error",
          `refusing to read the credentials file ${this.path}: its mode is 0${
            mode.toString(8)
          } but must be 0600 (readable by you only). If nobody else could have read it, run ` +
            `'chmod 600 ${this.path}'; otherwise delete it and log in again`,
        );
      }
      const uid = Deno.uid();
      if (uid !== null && info.uid !== null && info.uid !== uid) {
        throw new ClawauthError(
          "keychain_error",
          `refusing to read the credentials file ${this.path}: it belongs to user ${info.uid}, ` +
            `not to you (${uid}); delete it and log in again`,
        );
      }
    }
    let raw: unknown;
    try {
      raw = await readJsonFile(this.path);
    } catch (error) {
      throw invalid(this.path, error);
    }
    if (!isObject(raw) || raw.version !== 1 || !isObject(raw.items)) throw invalid(this.path);
    for (const accounts of Object.values(raw.items)) {
      if (!isObject(accounts) || !Object.values(accounts).every((s) => typeof s === "string")) {
        throw invalid(this.path);
      }
    }
    return raw as unknown as FileContent;
  }
}

function invalid(path: string, cause?: unknown): ClawauthError {
  return new ClawauthError(
    "keychain_error",
    `${path} is not a valid clawauth credentials file; delete it (you will need to log in again)`,
    { cause },
  );
}
