/**
 * Which account a claimed token belongs to, and whether a profile may take it. The identity
 * comes sealed from the server (read from the provider at login); it is still checked here
 * (the CLI trusts nothing from the server): strings only, control characters stripped, cut to
 * a short length. Older servers send none: the unverified `id_token` `sub` stands in.
 */
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { readProfileMeta } from "../store/profiles.ts";
import type { ProfileMeta } from "../store/types.ts";

/** The identity kept in a profile's metadata. */
export type ClaimedIdentity = NonNullable<ProfileMeta["identity"]>;

const MAX_FIELD = 200;

function clean(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  // deno-lint-ignore no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "").trim();
  return text === "" ? undefined : text.slice(0, MAX_FIELD);
}

/** The sealed identity if it is well-formed, else undefined. */
export function parseSealedIdentity(value: unknown): ClaimedIdentity | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const raw = value as Record<string, unknown>;
  const id = clean(raw.id);
  if (id === undefined) return undefined;
  const identity: ClaimedIdentity = { id };
  for (const key of ["login", "email", "name"] as const) {
    const field = clean(raw[key]);
    if (field !== undefined) identity[key] = field;
  }
  return identity;
}

/** `alice (alice@example.com)`, or the best single field. */
export function describeIdentity(
  identity: { id?: string; login?: string; email?: string; name?: string },
): string {
  const main = identity.login ?? identity.email ?? identity.name ?? identity.id ?? "unknown";
  const email = identity.email !== undefined && identity.email !== main
    ? ` (${identity.email})`
    : "";
  return `${main}${email}`;
}

/** The stable id a stored profile is known by, if any. */
function storedId(meta: ProfileMeta): string | undefined {
  return meta.identity?.id ?? meta.account?.id;
}

/** What decides where a claimed token goes. */
export interface ProfileCheck {
  /** The profile that already holds another account, when there is a conflict. */
  conflict?: { meta: ProfileMeta; storedAs: string };
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
}

/**
 * Checks whether `profileId` may take the account `receivedId`. A profile holding another
 * account (by stable id) is a conflict unless `replace`; then a free profile name is chosen
 * to keep the one-time claim safe: `<name>-<login>` (or `-2`, `-3`, ...), never one that
 * holds yet another account.
 */
export async function checkProfileAccount(
  stateDir: string,
  options: {
    provider: string;
    profile: string;
    receivedId?: string;
    receivedLabel?: string;
    replace: boolean;
  },
): Promise<ProfileCheck> {
  const { provider, profile, receivedId } = options;
  if (options.replace || receivedId === undefined) return {};
  const meta = await readProfileMeta(stateDir, `${provider}:${profile}`);
  const existing = meta === null ? undefined : storedId(meta);
  if (meta === null || existing === undefined || existing === receivedId) return {};
  const base = `${profile}-${slug(options.receivedLabel ?? receivedId) || "account"}`.slice(0, 60);
  for (let n = 1; n < 100; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    const other = await readProfileMeta(stateDir, `${provider}:${name}`);
    if (other === null || storedId(other) === receivedId) {
      return { conflict: { meta, storedAs: name } };
    }
  }
  throw new ClawauthError(
    ERROR_CODES.STORAGE_FAILED,
    `no free profile name for ${provider} account ${receivedId}`,
  );
}
