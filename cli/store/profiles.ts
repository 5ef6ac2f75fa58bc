/**
 * Profile metadata (never a secret): one JSON file per profile under
 * `<stateDir>/profiles/<provider>/<name>.json`, the per-provider order under
 * `<stateDir>/order/<provider>.json`, and the last-used time in its own small file
 * `<stateDir>/profiles/<provider>/<name>.last_used` so that touching a profile never races
 * with a refresher rewriting its metadata.
 */
import { join } from "../path.ts";
import { ClawauthError } from "../../shared/errors.ts";
import type { ProfileMeta } from "./types.ts";
import { readJsonFile, removeFileIfExists, writeFileAtomic } from "./atomic_write.ts";
import { checkStateTree } from "./trusted_path.ts";

/** A parsed `provider:name` profile id. */
export interface ProfileId {
  provider: string;
  name: string;
  /** `provider:name`. */
  id: string;
}

export const DEFAULT_PROFILE_NAME = "default";
const PROVIDER_PATTERN = /^[a-z0-9_-]{1,64}$/;
const NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

/**
 * Parses `github:work` or `github` (→ `github:<defaultName>`). Throws ClawauthError `usage`
 * when the provider is not `[a-z0-9_-]+` or the name not `[A-Za-z0-9._-]+` (not starting
 * with '.', at most 64 characters).
 */
export function parseProfileId(text: string, defaultName = DEFAULT_PROFILE_NAME): ProfileId {
  if (typeof text !== "string" || text === "") {
    throw new ClawauthError("usage", "profile id must be 'provider' or 'provider:name'");
  }
  const colon = text.indexOf(":");
  const provider = colon === -1 ? text : text.slice(0, colon);
  const name = colon === -1 ? defaultName : text.slice(colon + 1);
  if (!PROVIDER_PATTERN.test(provider)) {
    throw new ClawauthError(
      "usage",
      `provider must be 1 to 64 lowercase letters, digits, '_' or '-': current value is '${provider}'`,
    );
  }
  checkProfileName(name);
  return { provider, name, id: `${provider}:${name}` };
}

/** Throws ClawauthError `usage` unless `name` is a valid profile name. */
export function checkProfileName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new ClawauthError(
      "usage",
      `profile name must be 1 to 64 letters, digits, '.', '_' or '-' (not starting with '.'): ` +
        `current value is '${name}'`,
    );
  }
}

function profileDir(stateDir: string, provider: string): string {
  return join(stateDir, "profiles", provider);
}

function metaPath(stateDir: string, id: ProfileId): string {
  return join(profileDir(stateDir, id.provider), `${id.name}.json`);
}

function lastUsedPath(stateDir: string, id: ProfileId): string {
  return join(profileDir(stateDir, id.provider), `${id.name}.last_used`);
}

function orderPath(stateDir: string, provider: string): string {
  return join(stateDir, "order", `${provider}.json`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkMeta(value: unknown, path: string, id: ProfileId): ProfileMeta {
  const ok = isObject(value) && value.id === id.id && value.provider === id.provider &&
    value.name === id.name && typeof value.type === "string" &&
    typeof value.origin === "string" && typeof value.keychainService === "string" &&
    typeof value.keychainAccount === "string" && typeof value.createdAt === "number" &&
    typeof value.updatedAt === "number" && isObject(value.refresh) &&
    typeof value.refresh.state === "string";
  if (!ok) {
    throw new ClawauthError(
      "storage_failed",
      `${path} is not valid profile metadata for ${id.id}; delete it and log in again`,
    );
  }
  const meta = value as unknown as ProfileMeta;
  return { ...meta, hasRefreshToken: meta.hasRefreshToken === true };
}

async function readLastUsed(stateDir: string, id: ProfileId): Promise<number | undefined> {
  try {
    const value = Number((await Deno.readTextFile(lastUsedPath(stateDir, id))).trim());
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Reads one profile's metadata (with its last-used time), or `null` when there is none. */
export async function readProfileMeta(
  stateDir: string,
  id: string,
): Promise<ProfileMeta | null> {
  const parsed = parseProfileId(id);
  const path = metaPath(stateDir, parsed);
  await checkStateTree(stateDir, path);
  const raw = await readJsonFile(path);
  if (raw === null) return null;
  const meta = checkMeta(raw, path, parsed);
  const touched = await readLastUsed(stateDir, parsed);
  if (touched !== undefined && touched > (meta.lastUsedAt ?? 0)) meta.lastUsedAt = touched;
  return meta;
}

/** Writes one profile's metadata atomically (0600 file, 0700 directories). */
export async function writeProfileMeta(stateDir: string, meta: ProfileMeta): Promise<void> {
  const parsed = parseProfileId(meta.id);
  if (parsed.provider !== meta.provider || parsed.name !== meta.name) {
    throw new ClawauthError(
      "internal_error",
      `profile metadata id '${meta.id}' does not match provider '${meta.provider}' and name '${meta.name}'`,
    );
  }
  const path = metaPath(stateDir, parsed);
  await checkStateTree(stateDir, path);
  await writeFileAtomic(path, JSON.stringify(meta, null, 2) + "\n");
}

/** Deletes a profile's metadata and last-used time; resolves when they did not exist. */
export async function deleteProfileMeta(stateDir: string, id: string): Promise<void> {
  const parsed = parseProfileId(id);
  await removeFileIfExists(metaPath(stateDir, parsed));
  await removeFileIfExists(lastUsedPath(stateDir, parsed));
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new ClawauthError(
      "storage_failed",
      `could not list ${dir}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return names.sort();
}

/** Every profile's metadata (of one provider, or all), sorted by id. */
export async function listProfileMeta(
  stateDir: string,
  provider?: string,
): Promise<ProfileMeta[]> {
  const providers = provider !== undefined
    ? [parseProfileId(provider).provider]
    : (await listDir(join(stateDir, "profiles"))).filter((name) => PROVIDER_PATTERN.test(name));
  const metas: ProfileMeta[] = [];
  for (const p of providers) {
    for (const file of await listDir(profileDir(stateDir, p))) {
      if (!file.endsWith(".json")) continue;
      const name = file.slice(0, -".json".length);
      if (!NAME_PATTERN.test(name)) continue; // temp files start with '.'
      const meta = await readProfileMeta(stateDir, `${p}:${name}`);
      if (meta) metas.push(meta);
    }
  }
  return metas.sort((a, b) => compareIds(a.id, b.id));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The explicit profile order of a provider (full ids), `[]` when none is set. */
export async function getOrder(stateDir: string, provider: string): Promise<string[]> {
  const p = parseProfileId(provider).provider;
  const path = orderPath(stateDir, p);
  const raw = await readJsonFile(path);
  if (raw === null) return [];
  if (
    !isObject(raw) || !Array.isArray(raw.order) || !raw.order.every((x) => typeof x === "string")
  ) {
    throw new ClawauthError(
      "storage_failed",
      `${path} is not a valid profile order; run 'clawauth token order clear ${p}'`,
    );
  }
  return raw.order as string[];
}

/**
 * Sets the explicit order of a provider's profiles. Accepts names (`work`) or ids
 * (`github:work`); stores ids. Throws ClawauthError `usage` for another provider's id or a
 * duplicate.
 */
export async function setOrder(stateDir: string, provider: string, ids: string[]): Promise<void> {
  const p = parseProfileId(provider).provider;
  const order: string[] = [];
  for (const item of ids) {
    const parsed = item.includes(":") ? parseProfileId(item) : parseProfileId(`${p}:${item}`);
    if (parsed.provider !== p) {
      throw new ClawauthError(
        "usage",
        `profile '${parsed.id}' does not belong to provider '${p}'`,
      );
    }
    if (order.includes(parsed.id)) {
      throw new ClawauthError("usage", `profile '${parsed.id}' appears twice in the order`);
    }
    order.push(parsed.id);
  }
  if (order.length === 0) return clearOrder(stateDir, p);
  await writeFileAtomic(
    orderPath(stateDir, p),
    JSON.stringify({ provider: p, order }, null, 2) + "\n",
  );
}

/** Removes a provider's explicit order (selection falls back to the last used). */
export async function clearOrder(stateDir: string, provider: string): Promise<void> {
  await removeFileIfExists(orderPath(stateDir, parseProfileId(provider).provider));
}

/** Options of {@linkcode selectProfile}. */
export interface SelectProfileOptions {
  provider?: string;
  /** A profile name (`work`) or id (`github:work`). */
  profile?: string;
}

function lastUse(meta: ProfileMeta): number {
  return meta.lastUsedAt ?? meta.updatedAt;
}

/**
 * Chooses the profile a command acts on, deterministically:
 * 1. an explicit profile → that one (or `null`);
 * 2. the provider's explicit order → the first profile in it that exists;
 * 3. the most recently used (`lastUsedAt`, else `updatedAt`), ties broken by id.
 */
export async function selectProfile(
  stateDir: string,
  options: SelectProfileOptions,
): Promise<ProfileMeta | null> {
  const { provider, profile } = options;
  if (profile !== undefined) {
    let id: ProfileId;
    if (profile.includes(":")) {
      id = parseProfileId(profile);
      if (provider !== undefined && id.provider !== provider) {
        throw new ClawauthError(
          "usage",
          `profile '${id.id}' does not belong to provider '${provider}'`,
        );
      }
    } else {
      if (provider === undefined) {
        throw new ClawauthError("usage", `name the provider of profile '${profile}'`);
      }
      id = parseProfileId(`${provider}:${profile}`);
    }
    return await readProfileMeta(stateDir, id.id);
  }
  if (provider !== undefined) {
    for (const id of await getOrder(stateDir, provider)) {
      const meta = await readProfileMeta(stateDir, id);
      if (meta) return meta;
    }
  }
  const metas = await listProfileMeta(stateDir, provider);
  metas.sort((a, b) => lastUse(b) - lastUse(a) || compareIds(a.id, b.id));
  return metas[0] ?? null;
}

/** Records that a profile was used at `now` (its own file; metadata is not rewritten). */
export async function touchProfile(stateDir: string, id: string, now: number): Promise<void> {
  const parsed = parseProfileId(id);
  await writeFileAtomic(lastUsedPath(stateDir, parsed), `${Math.floor(now)}\n`);
}
