/**
 * Binding of a refresh token to the CLI key that claimed it: a stateless MAC, nothing stored
 * per token.
 *
 *   binding = "v1." + kid + "." + base64url(HMAC-SHA256(key[kid],
 *     "clawauth-refresh-binding|v1|" + provider + "|" + base64url(SHA-256(refresh_token)) + "|" + jkt))
 *
 * where `jkt` is the thumbprint of the profile's Ed25519 refresh key (shared/refresh_proof.ts).
 * A binding survives restarts and scale-out (every instance has the keys), and key rotation
 * works by `kid`: the first key of `CLAWAUTH_REFRESH_KEYS` signs new bindings, every listed
 * key verifies.
 *
 * Why a MAC and not an AEAD-wrapped refresh handle: a wrapped handle would hide the refresh
 * token from the CLI too, but `login local` credentials and tokens claimed from a 0.4 server
 * must still be refreshable (and revocable) by the CLI, which needs the raw token; and the
 * threat is the token leaking through agent-facing output, which the CLI stops by never
 * printing it. With the MAC, a leaked refresh token is useless at the server without the
 * private key, which stays in the keychain.
 */
import { decodeBase64, decodeBase64Url, encodeBase64Url } from "../shared/base64.ts";
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";
import { keyThumbprint, sha256Base64Url } from "../shared/refresh_proof.ts";
import type { SealedTokenPayload } from "../shared/wire.ts";
import type { AppServices } from "./services.ts";
import type { SessionRecord } from "./store.ts";

/** One server key: its id and HMAC key. */
export interface RefreshBindingKey {
  kid: string;
  key: CryptoKey;
}

/** The server's binding keys: `keys[0]` signs, all verify. */
export interface RefreshBindingKeys {
  keys: RefreshBindingKey[];
  /** Where they came from (for logs and `/readyz`, never the secret). */
  source: "CLAWAUTH_REFRESH_KEYS" | "STATE_SIGNING_SECRET";
}

/** The `kid` of the key derived from `STATE_SIGNING_SECRET` when `CLAWAUTH_REFRESH_KEYS` is unset. */
export const DERIVED_KID = "state";
const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const MIN_KEY_BYTES = 32;
const BINDING_PATTERN = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{43})$/;

function misconfigured(message: string): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.SERVER_MISCONFIGURED,
    `CLAWAUTH_REFRESH_KEYS ${message}`,
    { status: 500, details: { setting: "CLAWAUTH_REFRESH_KEYS" } },
  );
}

function importHmac(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/** HKDF-SHA256 of the state secret with a fixed salt and info: the derived binding key. */
async function deriveFromStateSecret(secret: string): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    "HKDF",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: new TextEncoder().encode("clawauth-refresh-binding-salt"),
      info: new TextEncoder().encode("clawauth refresh binding key v1"),
    },
    ikm,
    256,
  );
  return await importHmac(new Uint8Array(bits));
}

function decodeSecret(kid: string, value: string): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = decodeBase64(value);
  } catch {
    try {
      bytes = decodeBase64Url(value.replace(/=+$/, ""));
    } catch {
      throw misconfigured(`key '${kid}' is not base64 or base64url`);
    }
  }
  if (bytes.length < MIN_KEY_BYTES) {
    throw misconfigured(
      `key '${kid}' must be at least ${MIN_KEY_BYTES} random bytes: got ${bytes.length}`,
    );
  }
  return bytes;
}

/** `CLAWAUTH_REFRESH_KEYS` parsed (synchronously, at start-up): kids and raw secrets. */
export interface RefreshKeySettings {
  /** Newest first; `"derived"`: HKDF of `STATE_SIGNING_SECRET`. */
  entries: { kid: string; secret: Uint8Array<ArrayBuffer> | "derived" }[];
  source: RefreshBindingKeys["source"];
}

/**
 * Parses the binding keys. `CLAWAUTH_REFRESH_KEYS` is a comma-separated list, newest first:
 * `kid:base64secret` entries (kid `[A-Za-z0-9_-]{1,32}`, secret at least 32 bytes, base64 or
 * base64url), plus optionally the bare word `state`, which keeps the key derived from
 * `STATE_SIGNING_SECRET` as a verify-only key (for moving off the default). The first entry
 * signs; all verify. Unset: one key derived from `STATE_SIGNING_SECRET` with HKDF under kid
 * `state`; `undefined` when neither is set. Throws `server_misconfigured` naming the problem
 * (never the secret).
 */
export function parseRefreshKeys(
  env: Readonly<Record<string, string | undefined>>,
): RefreshKeySettings | undefined {
  const raw = env.CLAWAUTH_REFRESH_KEYS?.trim();
  const hasStateSecret = env.STATE_SIGNING_SECRET !== undefined && env.STATE_SIGNING_SECRET !== "";
  if (raw === undefined || raw === "") {
    if (!hasStateSecret) return undefined;
    return { entries: [{ kid: DERIVED_KID, secret: "derived" }], source: "STATE_SIGNING_SECRET" };
  }
  const entries: RefreshKeySettings["entries"] = [];
  for (const entry of raw.split(",").map((item) => item.trim()).filter((item) => item !== "")) {
    if (entry === DERIVED_KID) {
      if (!hasStateSecret) throw misconfigured("names 'state' but STATE_SIGNING_SECRET is not set");
      entries.push({ kid: DERIVED_KID, secret: "derived" });
      continue;
    }
    const colon = entry.indexOf(":");
    const kid = colon < 0 ? "" : entry.slice(0, colon);
    if (!KID_PATTERN.test(kid) || kid === DERIVED_KID) {
      throw misconfigured(
        "entries must be 'kid:base64secret' (kid: 1 to 32 of A-Z a-z 0-9 _ -, not 'state') or the word 'state'",
      );
    }
    entries.push({ kid, secret: decodeSecret(kid, entry.slice(colon + 1)) });
  }
  if (entries.length === 0) throw misconfigured("is set but lists no key");
  if (new Set(entries.map((k) => k.kid)).size !== entries.length) {
    throw misconfigured("lists a kid twice");
  }
  return { entries, source: "CLAWAUTH_REFRESH_KEYS" };
}

/** Imports parsed keys for Web Crypto (the derived one from `stateSecret`). */
export async function importRefreshKeys(
  settings: RefreshKeySettings,
  stateSecret: string | undefined,
): Promise<RefreshBindingKeys> {
  const keys: RefreshBindingKey[] = [];
  for (const entry of settings.entries) {
    const key = entry.secret === "derived"
      ? await deriveFromStateSecret(stateSecret ?? "")
      : await importHmac(entry.secret);
    keys.push({ kid: entry.kid, key });
  }
  return { keys, source: settings.source };
}

async function bindingInput(provider: string, refreshToken: string, jkt: string) {
  return new TextEncoder().encode(
    `clawauth-refresh-binding|v1|${provider}|${await sha256Base64Url(refreshToken)}|${jkt}`,
  );
}

/** The binding of `refreshToken` (of `provider`) to the key with thumbprint `jkt`, under the signing key. */
export async function createBinding(
  keys: RefreshBindingKeys,
  input: { provider: string; refreshToken: string; jkt: string },
): Promise<string> {
  const { kid, key } = keys.keys[0];
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    await bindingInput(input.provider, input.refreshToken, input.jkt),
  );
  return `v1.${kid}.${encodeBase64Url(new Uint8Array(mac))}`;
}

/** Outcome of {@linkcode verifyBinding}. */
export type BindingCheck = "ok" | "malformed" | "unknown_kid" | "mismatch";

/** Checks a binding (constant time: Web Crypto's HMAC verify). */
export async function verifyBinding(
  keys: RefreshBindingKeys,
  binding: string,
  input: { provider: string; refreshToken: string; jkt: string },
): Promise<BindingCheck> {
  const match = BINDING_PATTERN.exec(binding);
  if (match === null) return "malformed";
  const found = keys.keys.find((k) => k.kid === match[1]);
  if (found === undefined) return "unknown_kid";
  const mac = decodeBase64Url(match[2]);
  const ok = await crypto.subtle.verify(
    "HMAC",
    found.key,
    mac,
    await bindingInput(input.provider, input.refreshToken, input.jkt),
  );
  return ok ? "ok" : "mismatch";
}

/**
 * The refresh token of a token response (Slack user tokens: under `authed_user`), or
 * undefined.
 */
export function refreshTokenOf(tokenData: Record<string, unknown>): string | undefined {
  const nested = tokenData.authed_user;
  const source = typeof tokenData.access_token !== "string" && typeof nested === "object" &&
      nested !== null
    ? nested as Record<string, unknown>
    : tokenData;
  const value = source.refresh_token;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * At the code exchange: when the session has a refresh key and the provider issued a refresh
 * token, puts its binding into the payload to be sealed (`refreshBinding`).
 */
export async function bindIssuedRefreshToken(
  services: AppServices,
  record: Pick<SessionRecord, "provider" | "refreshKey">,
  payload: SealedTokenPayload,
): Promise<void> {
  if (record.refreshKey === undefined) return;
  const refreshToken = refreshTokenOf(payload.tokenData);
  const keys = await services.refreshKeys?.();
  if (refreshToken === undefined || keys === undefined) return;
  payload.refreshBinding = await createBinding(keys, {
    provider: record.provider,
    refreshToken,
    jkt: await keyThumbprint(decodeBase64(record.refreshKey)),
  });
}
