/**
 * What `clawauth token import` reads from another tool's files before storing anything: one
 * candidate per credential, or a note why an entry cannot be imported. Holds secrets in memory
 * only; nothing here is ever printed except through `import_apply.ts`'s report rows, which
 * carry no secret.
 */

import type { CredentialType, ProfileMeta } from "../store/types.ts";

/** One credential found in a source file, mapped to a clawauth profile. */
export interface ImportCandidate {
  /** The file it came from. */
  source: string;
  /** Its key in that file (`openai-codex:work`, `anthropic`, `tokens`). */
  sourceKey: string;
  /** clawauth provider (`openai-codex`). */
  provider: string;
  /** clawauth profile name (`work`). */
  name: string;
  type: CredentialType;
  /** `local`: an OAuth token refreshed directly at the provider; `pasted`: never refreshed. */
  origin: "local" | "pasted";
  account?: ProfileMeta["account"];
  secret: {
    access_token?: string;
    refresh_token?: string;
    id_token?: string;
    key?: string;
    token_type?: string;
    /** Epoch ms. */
    expires_at?: number;
  };
}

/** An entry of a source file that cannot be imported, and why. */
export interface ImportProblem {
  source: string;
  sourceKey: string;
  reason: string;
  fix?: string;
}

/** A provider's profile order in the source (`auth-profiles.json` `order`), mapped to ids. */
export interface ImportOrder {
  source: string;
  provider: string;
  /** clawauth profile ids, in order. */
  ids: string[];
}

/** Everything read from one tool's files. */
export interface ImportSource {
  /** Files that were read. */
  files: string[];
  /** Files looked for but absent (for the "nothing found" message). */
  missing: string[];
  candidates: ImportCandidate[];
  problems: ImportProblem[];
  orders: ImportOrder[];
}

/** Profile names as cli/store/profiles.ts accepts them. */
const NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;
const PROVIDER_PATTERN = /^[a-z0-9_-]{1,64}$/;

/**
 * Maps another tool's provider and profile name to clawauth's: provider lower-cased, the name
 * prefixed and with every character clawauth refuses (`@`, `+`, `/`, spaces) replaced by `-`.
 * `null` when no valid id results.
 */
export function mapProfileId(
  provider: string,
  name: string,
  prefix = "",
): { provider: string; name: string } | null {
  const p = provider.trim().toLowerCase();
  let n = `${prefix}${name.trim()}`.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^\.+/, "");
  if (n.length > 64) n = n.slice(0, 64);
  if (!PROVIDER_PATTERN.test(p) || !NAME_PATTERN.test(n)) return null;
  return { provider: p, name: n };
}

/** Decodes a JWT's claims without verifying it (identity and expiry for display only). */
export function jwtClaims(token: string | undefined): Record<string, unknown> | undefined {
  const part = token?.split(".")[1];
  if (part === undefined || token!.split(".").length !== 3) return undefined;
  try {
    const value = JSON.parse(
      new TextDecoder().decode(Uint8Array.fromBase64(part, { alphabet: "base64url" })),
    );
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A non-empty string, else `undefined`. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** A plain object, else `undefined`. */
export function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

/** Reads a JSON file: `undefined` when absent; throws `storage_failed`-style text when unreadable. */
export async function readSourceJson(
  path: string,
): Promise<{ ok: true; value: unknown } | { ok: false; missing: boolean; reason: string }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { ok: false, missing: true, reason: "not found" };
    }
    return {
      ok: false,
      missing: false,
      reason: `cannot be read (${error instanceof Error ? error.name : "error"})`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, missing: false, reason: "is not valid JSON" };
  }
}

/** What an imported OAuth login carries, each part optional as the source files have them. */
export interface OAuthParts {
  accountId?: string;
  email?: string;
  access?: string;
  refresh?: string;
  idToken?: string;
  /** Epoch ms. */
  expiresAt?: number;
}

/** The `type`, `origin`, `account` and `secret` of an imported OAuth candidate. */
export function oauthCandidateFields(
  parts: OAuthParts,
): Pick<ImportCandidate, "type" | "origin" | "account" | "secret"> {
  const { accountId, email, access, refresh, idToken, expiresAt } = parts;
  return {
    type: "oauth",
    origin: "local",
    ...(accountId || email
      ? { account: { ...(accountId ? { id: accountId } : {}), ...(email ? { email } : {}) } }
      : {}),
    secret: {
      ...(access ? { access_token: access } : {}),
      ...(refresh ? { refresh_token: refresh } : {}),
      ...(idToken ? { id_token: idToken } : {}),
      token_type: "Bearer",
      ...(expiresAt ? { expires_at: expiresAt } : {}),
    },
  };
}
