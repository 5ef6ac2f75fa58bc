/**
 * Secrets larger than one keychain item allows (secret-tool reads at most 8 KiB from stdin,
 * `security -i` takes 4 KiB command lines, Windows credential blobs hold 2560 bytes) are
 * split into parts. The main item then holds `clawauth-parts:<tag>:<n>` and the parts live
 * under `<account>#<tag>#<i>`. A fresh tag per write lets a reader never mix parts of two
 * writes: the writer stores the new parts, switches the main item, then deletes the old parts.
 */
import { ClawauthError } from "../../shared/errors.ts";
import type { Keychain } from "./keychain.ts";

/** One platform's single-item operations. */
export interface ItemStore {
  readItem(service: string, account: string): Promise<string | null>;
  writeItem(service: string, account: string, value: string): Promise<void>;
  /** Resolves when the item did not exist. */
  deleteItem(service: string, account: string): Promise<void>;
  /** Largest value (UTF-8 bytes) `writeItem` accepts for this service and account. */
  maxValueBytes(service: string, account: string): number;
}

const PARTS_PREFIX = "clawauth-parts:";
const PARTS_PATTERN = /^clawauth-parts:([0-9a-f]{8}):([1-9][0-9]{0,3})$/;
/** Room for `#<tag>#<i>` after the account name. */
const PART_SUFFIX_EXAMPLE = "#ffffffff#9999";

interface PartsHeader {
  tag: string;
  count: number;
}

function parseHeader(value: string | null): PartsHeader | null {
  if (value === null || !value.startsWith(PARTS_PREFIX)) return null;
  const match = PARTS_PATTERN.exec(value);
  if (!match) {
    throw new ClawauthError("keychain_error", "a keychain item has a malformed parts header");
  }
  return { tag: match[1], count: Number(match[2]) };
}

function partAccount(account: string, tag: string, index: number): string {
  return `${account}#${tag}#${index}`;
}

/** Splits `text` into pieces of at most `maxBytes` UTF-8 bytes, on code point boundaries. */
export function splitUtf8(text: string, maxBytes: number): string[] {
  const parts: string[] = [];
  let current = "";
  let size = 0;
  for (const char of text) {
    const bytes = new TextEncoder().encode(char).length;
    if (size + bytes > maxBytes && current !== "") {
      parts.push(current);
      current = "";
      size = 0;
    }
    current += char;
    size += bytes;
  }
  if (current !== "" || parts.length === 0) parts.push(current);
  return parts;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

async function readParts(
  items: ItemStore,
  service: string,
  account: string,
  header: PartsHeader,
): Promise<string | null> {
  const parts: string[] = [];
  for (let i = 1; i <= header.count; i++) {
    const part = await items.readItem(service, partAccount(account, header.tag, i));
    if (part === null) return null;
    parts.push(part);
  }
  return parts.join("");
}

/** Reads a secret, joining its parts when it was split. */
export async function getSplit(
  items: ItemStore,
  service: string,
  account: string,
): Promise<string | null> {
  // A concurrent writer may delete the parts we are about to read; the main item then
  // already names the new ones, so read it again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const head = await items.readItem(service, account);
    const header = parseHeader(head);
    if (!header) return head;
    const joined = await readParts(items, service, account, header);
    if (joined !== null) return joined;
  }
  throw new ClawauthError(
    "keychain_error",
    `keychain item ${service} / ${account} is missing some of its parts; remove it and store it again`,
  );
}

async function deleteParts(
  items: ItemStore,
  service: string,
  account: string,
  header: PartsHeader | null,
): Promise<void> {
  if (!header) return;
  for (let i = 1; i <= header.count; i++) {
    await items.deleteItem(service, partAccount(account, header.tag, i));
  }
}

/** Stores a secret, split into parts when it does not fit one item. */
export async function storeSplit(
  items: ItemStore,
  service: string,
  account: string,
  secret: string,
): Promise<void> {
  const old = parseHeaderSafe(await items.readItem(service, account));
  const maxBytes = items.maxValueBytes(service, account + PART_SUFFIX_EXAMPLE);
  if (utf8Length(secret) <= maxBytes && !secret.startsWith(PARTS_PREFIX)) {
    await items.writeItem(service, account, secret);
  } else {
    const pieces = splitUtf8(secret, maxBytes);
    if (pieces.length > 9999) {
      throw new ClawauthError("keychain_error", "secret is too large for the keychain");
    }
    const tag = Array.from(
      crypto.getRandomValues(new Uint8Array(4)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    for (let i = 0; i < pieces.length; i++) {
      await items.writeItem(service, partAccount(account, tag, i + 1), pieces[i]);
    }
    await items.writeItem(service, account, `${PARTS_PREFIX}${tag}:${pieces.length}`);
  }
  await deleteParts(items, service, account, old);
}

/** Removes a secret and its parts. */
export async function removeSplit(
  items: ItemStore,
  service: string,
  account: string,
): Promise<void> {
  const old = parseHeaderSafe(await items.readItem(service, account));
  await items.deleteItem(service, account);
  await deleteParts(items, service, account, old);
}

function parseHeaderSafe(value: string | null): PartsHeader | null {
  try {
    return parseHeader(value);
  } catch {
    return null; // a malformed old header is simply overwritten
  }
}

/**
 * Base of the backends whose platform store holds a limited value size: `get`, `store` and
 * `remove` go through the split-item functions above over the subclass's {@linkcode ItemStore}.
 */
export abstract class SplitItemKeychain implements Keychain {
  abstract readonly name: string;
  protected abstract readonly items: ItemStore;

  get(service: string, account: string): Promise<string | null> {
    return getSplit(this.items, service, account);
  }

  store(service: string, account: string, secret: string): Promise<void> {
    return storeSplit(this.items, service, account, secret);
  }

  remove(service: string, account: string): Promise<void> {
    return removeSplit(this.items, service, account);
  }
}
