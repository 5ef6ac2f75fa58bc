/**
 * The credential store: one record per profile. The secret (tokens) lives in the keychain as
 * JSON under `<keychainService>` / `<provider>:<name>` (the 0.4 naming); the non-secret
 * metadata lives in the state directory (see `profiles.ts`). A save writes the keychain
 * first and the metadata second, so metadata never points at a secret that was not stored.
 */
import { ClawauthError, isClawauthError } from "../../shared/errors.ts";
import { decodeBase64Url } from "../../shared/base64.ts";
import type { Keychain } from "../keychain/keychain.ts";
import { keychainFailure, keychainUnavailable, recordedKeychain } from "../keychain/recorded.ts";
import type {
  CredentialOrigin,
  CredentialRecord,
  CredentialSecret,
  CredentialType,
  ProfileMeta,
  RefreshState,
} from "./types.ts";
import {
  clearOrder,
  deleteProfileMeta,
  getOrder,
  listProfileMeta,
  parseProfileId,
  readProfileMeta,
  setOrder,
  writeProfileMeta,
} from "./profiles.ts";
import { removeFileIfExists, writeFileAtomic } from "./atomic_write.ts";
import { join } from "../path.ts";

/** Options of {@linkcode CredentialStore}. */
export interface CredentialStoreOptions {
  keychain: Keychain;
  stateDir: string;
  keychainService: string;
  /** Epoch ms. */
  now: () => number;
}

/** The secret fields a caller provides; `saved_at` and `generation` are set by the store. */
export type CredentialSecretInput =
  & Omit<CredentialSecret, "saved_at" | "generation" | "provider" | "type">
  & Partial<Pick<CredentialSecret, "saved_at" | "generation" | "provider" | "type">>;

/** What {@linkcode CredentialStore.save} takes: who, how, and the secret. */
export interface SaveCredentialInput {
  /** `provider:name`; or give `provider` (and optionally `name`, default `default`). */
  id?: string;
  provider?: string;
  name?: string;
  /** Defaults to `secret.type`, else `oauth`. */
  type?: CredentialType;
  origin: CredentialOrigin;
  server?: string;
  account?: ProfileMeta["account"];
  /** The account's identity; undefined keeps the stored one (a refresh), null drops it. */
  identity?: ProfileMeta["identity"] | null;
  /** Defaults to `{ state: "idle" }`. */
  refresh?: RefreshState;
  secret: CredentialSecretInput;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses the keychain JSON, accepting 0.4 records (no `type`, no `generation`). */
function parseSecret(text: string, provider: string, id: string): CredentialSecret {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  if (!isObject(raw)) {
    throw new ClawauthError(
      "storage_failed",
      `the keychain entry of ${id} is not valid JSON; run 'clawauth token rm ${
        id.replace(":", " --profile ")
      }' and log in again`,
    );
  }
  const secret = { ...raw } as Record<string, unknown>;
  secret.type = typeof raw.type === "string" ? raw.type : "oauth";
  secret.provider = typeof raw.provider === "string" ? raw.provider : provider;
  secret.generation = typeof raw.generation === "number" ? raw.generation : 0;
  secret.saved_at = typeof raw.saved_at === "string" ? raw.saved_at : new Date(0).toISOString();
  if (typeof raw.expires_at !== "number") {
    delete secret.expires_at;
    const savedAt = Date.parse(secret.saved_at as string);
    const expiresIn = Number(raw.expires_in);
    if (Number.isFinite(savedAt) && savedAt > 0 && Number.isFinite(expiresIn) && expiresIn > 0) {
      secret.expires_at = savedAt + expiresIn * 1000;
    }
  }
  return secret as unknown as CredentialSecret;
}

function wrapKeychainError(
  error: unknown,
  action: string,
  keychain: Keychain,
  subject?: string,
): ClawauthError {
  if (isClawauthError(error) && typeof error.details.backend === "string") return error;
  return keychainFailure(error, keychain, { action, subject });
}

/** Reads and writes credential records (secret in the keychain, metadata in the state dir). */
export class CredentialStore {
  readonly keychain: Keychain;
  readonly stateDir: string;
  readonly keychainService: string;
  readonly now: () => number;

  constructor(options: CredentialStoreOptions) {
    this.keychain = options.keychain;
    this.stateDir = options.stateDir;
    this.keychainService = options.keychainService;
    this.now = options.now;
  }

  /**
   * Loads a record. `null` when neither metadata nor secret exist, or when the metadata's
   * secret is gone from the keychain. A 0.4 secret without metadata is adopted: metadata is
   * made up from it and written.
   */
  async load(id: string): Promise<CredentialRecord | null> {
    const parsed = parseProfileId(id);
    const meta = await readProfileMeta(this.stateDir, parsed.id);
    const service = meta?.keychainService ?? this.keychainService;
    const account = meta?.keychainAccount ?? parsed.id;
    const keychain = await this.#keychainOf(meta, parsed.id);
    let text: string | null;
    try {
      text = await keychain.get(service, account);
    } catch (error) {
      throw wrapKeychainError(error, `read ${parsed.id}`, keychain, parsed.id);
    }
    if (text === null) {
      if (meta && meta.keychainBackend === undefined && keychain.fallbackFrom) {
        // Stored before backends were recorded, most likely in the keychain this run fell
        // back from: it is unreachable, not missing.
        throw keychainUnavailable({
          backend: keychain.fallbackFrom.backend,
          reason: keychain.fallbackFrom.reason,
          subject: parsed.id,
        });
      }
      return null;
    }
    const secret = parseSecret(text, parsed.provider, parsed.id);
    if (meta) return { meta, secret };
    const now = this.now();
    const adopted: ProfileMeta = {
      ...metaFromSecret(secret, parsed),
      origin: secret.type === "oauth" ? "delegated" : "pasted",
      keychainBackend: keychain.name,
      keychainService: service,
      keychainAccount: account,
      createdAt: now,
      updatedAt: now,
      refresh: { state: "idle" },
    };
    await writeProfileMeta(this.stateDir, adopted);
    return { meta: adopted, secret };
  }

  /** The keychain holding `meta`'s secret (its recorded backend); see cli/keychain/recorded.ts. */
  #keychainOf(meta: ProfileMeta | null, subject: string): Promise<Keychain> {
    return recordedKeychain(this.keychain, meta?.keychainBackend, {
      stateDir: this.stateDir,
      subject,
    });
  }

  /**
   * Saves a record: the secret (with `saved_at` = now and `generation` one above the stored
   * one) to the keychain first, then the metadata. Keeps `createdAt` and `lastUsedAt`.
   */
  async save(input: SaveCredentialInput): Promise<CredentialRecord> {
    const parsed = input.id !== undefined
      ? parseProfileId(input.id)
      : parseProfileId(`${input.provider ?? ""}:${input.name ?? "default"}`);
    if (input.provider !== undefined && input.provider !== parsed.provider) {
      throw new ClawauthError(
        "internal_error",
        `save: id '${parsed.id}' does not match provider '${input.provider}'`,
      );
    }
    const now = this.now();
    const previousMeta = await readProfileMeta(this.stateDir, parsed.id);
    const service = this.keychainService;
    const account = parsed.id;
    // A profile stays in the backend that holds it; a new credential for a profile whose
    // backend cannot be reached (an explicit new login) goes to this run's keychain.
    let keychain = this.keychain;
    try {
      keychain = await this.#keychainOf(previousMeta, parsed.id);
    } catch {
      keychain = this.keychain;
    }
    let previousGeneration = 0;
    try {
      const previous = await keychain.get(service, account);
      if (previous !== null) {
        try {
          previousGeneration = parseSecret(previous, parsed.provider, parsed.id).generation;
        } catch {
          // An unreadable old entry is replaced.
        }
      }
    } catch (error) {
      throw wrapKeychainError(error, `read ${parsed.id}`, keychain, parsed.id);
    }
    const type = input.type ?? input.secret.type ?? "oauth";
    const secret: CredentialSecret = {
      ...input.secret,
      type,
      provider: parsed.provider,
      saved_at: new Date(now).toISOString(),
      generation: Math.max(previousGeneration, input.secret.generation ?? 0) + 1,
    };
    for (const key of Object.keys(secret) as (keyof CredentialSecret)[]) {
      if (secret[key] === undefined) delete secret[key];
    }
    try {
      await keychain.store(service, account, JSON.stringify(secret));
    } catch (error) {
      throw wrapKeychainError(error, `store ${parsed.id}`, keychain, parsed.id);
    }
    const meta: ProfileMeta = {
      ...metaFromSecret(secret, parsed),
      type,
      origin: input.origin,
      ...(input.account ? { account: input.account } : {}),
      ...(input.identity
        ? { identity: input.identity }
        : input.identity === undefined && previousMeta?.identity
        ? { identity: previousMeta.identity }
        : {}),
      ...(input.server ? { server: input.server } : {}),
      keychainBackend: keychain.name,
      keychainService: service,
      keychainAccount: account,
      createdAt: previousMeta?.createdAt ?? now,
      updatedAt: now,
      ...(previousMeta?.lastUsedAt !== undefined ? { lastUsedAt: previousMeta.lastUsedAt } : {}),
      refresh: input.refresh ?? { state: "idle" },
    };
    await writeProfileMeta(this.stateDir, meta);
    return { meta, secret };
  }

  /**
   * Rewrites only the metadata's refresh state (e.g. `in_flight` before a refresh grant is
   * sent, `needs_login` after `invalid_grant`). Returns the new metadata, or `null` when the
   * profile has none.
   */
  async setRefreshState(id: string, refresh: RefreshState): Promise<ProfileMeta | null> {
    const meta = await readProfileMeta(this.stateDir, id);
    if (!meta) return null;
    const updated: ProfileMeta = { ...meta, refresh };
    await writeProfileMeta(this.stateDir, updated);
    return updated;
  }

  /** Removes secret, metadata and the profile's place in its provider's order. */
  async remove(id: string): Promise<void> {
    const parsed = parseProfileId(id);
    const meta = await readProfileMeta(this.stateDir, parsed.id);
    const keychain = await this.#keychainOf(meta, parsed.id);
    try {
      await keychain.remove(
        meta?.keychainService ?? this.keychainService,
        meta?.keychainAccount ?? parsed.id,
      );
    } catch (error) {
      throw wrapKeychainError(error, `remove ${parsed.id}`, keychain, parsed.id);
    }
    await deleteProfileMeta(this.stateDir, parsed.id);
    const order = await getOrder(this.stateDir, parsed.provider);
    if (order.includes(parsed.id)) {
      const rest = order.filter((item) => item !== parsed.id);
      if (rest.length) await setOrder(this.stateDir, parsed.provider, rest);
      else await clearOrder(this.stateDir, parsed.provider);
    }
  }

  /** Metadata of every profile (of one provider, or all); never a secret. */
  list(provider?: string): Promise<ProfileMeta[]> {
    return listProfileMeta(this.stateDir, provider);
  }

  /**
   * Proves storage works before a one-time claim is spent: writes a probe file in the state
   * directory, stores a probe secret in the keychain, reads it back and removes both.
   * Throws ClawauthError `storage_failed` (state directory) or `keychain_unavailable` /
   * `keychain_timeout` (keychain) with a message that says what failed.
   */
  async checkWritable(): Promise<void> {
    const nonce = Array.from(
      crypto.getRandomValues(new Uint8Array(8)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    const probePath = join(this.stateDir, `.probe-${Deno.pid}-${nonce}`);
    try {
      await writeFileAtomic(probePath, "probe\n");
      await removeFileIfExists(probePath);
    } catch (error) {
      throw new ClawauthError(
        "storage_failed",
        `the state directory ${this.stateDir} is not writable: ${(error as Error).message}; ` +
          `fix its permissions or set CLAWAUTH_STATE_DIR`,
        { cause: error },
      );
    }
    const account = `clawauth-probe:${Deno.pid}-${nonce}`;
    const value = JSON.stringify({ probe: nonce });
    try {
      await this.keychain.store(this.keychainService, account, value);
      const back = await this.keychain.get(this.keychainService, account);
      if (back !== value) {
        throw new ClawauthError(
          "keychain_unavailable",
          back === null
            ? "a value stored in the keychain could not be read back"
            : "a value read back from the keychain differs from what was stored",
        );
      }
    } catch (error) {
      // After a timeout the keychain would most likely time out again; don't double the wait.
      if (!(isClawauthError(error) && error.code === "keychain_timeout")) {
        await this.keychain.remove(this.keychainService, account).catch(() => {});
      }
      throw wrapKeychainError(error, "store a test secret", this.keychain);
    }
    try {
      await this.keychain.remove(this.keychainService, account);
    } catch (error) {
      throw wrapKeychainError(error, "remove a test secret", this.keychain);
    }
  }
}

function metaFromSecret(
  secret: CredentialSecret,
  parsed: { provider: string; name: string; id: string },
): Pick<
  ProfileMeta,
  "id" | "provider" | "name" | "type" | "expiresAt" | "scope" | "hasRefreshToken"
> {
  return {
    id: parsed.id,
    provider: parsed.provider,
    name: parsed.name,
    type: secret.type,
    ...(typeof secret.expires_at === "number" ? { expiresAt: secret.expires_at } : {}),
    ...(typeof secret.scope === "string" ? { scope: secret.scope } : {}),
    hasRefreshToken: typeof secret.refresh_token === "string" && secret.refresh_token !== "",
  };
}

function stringField(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function expiresInSeconds(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * Builds the secret of an OAuth token response: keeps access/refresh/id tokens, token type
 * and scope; turns `expires_in` (seconds) into `expires_at` (epoch ms). Slack's user-token
 * responses (`authed_user.access_token`, no top-level token) are read from `authed_user`.
 */
export function secretFromTokenData(
  provider: string,
  tokenData: Record<string, unknown>,
  now: number,
): CredentialSecret {
  let source = tokenData;
  if (stringField(tokenData.access_token) === undefined && isObject(tokenData.authed_user)) {
    source = tokenData.authed_user;
  }
  const scope = Array.isArray(source.scope)
    ? source.scope.filter((s) => typeof s === "string").join(" ")
    : stringField(source.scope) ?? stringField(tokenData.scope);
  const expiresIn = expiresInSeconds(source.expires_in);
  const secret: CredentialSecret = {
    type: "oauth",
    provider,
    saved_at: new Date(now).toISOString(),
    generation: 0,
  };
  const access = stringField(source.access_token);
  const refresh = stringField(source.refresh_token);
  const idToken = stringField(source.id_token) ?? stringField(tokenData.id_token);
  const tokenType = stringField(source.token_type);
  if (access !== undefined) secret.access_token = access;
  if (refresh !== undefined) secret.refresh_token = refresh;
  if (idToken !== undefined) secret.id_token = idToken;
  if (tokenType !== undefined) secret.token_type = tokenType;
  if (scope !== undefined) secret.scope = scope;
  if (expiresIn !== undefined) secret.expires_at = now + Math.round(expiresIn * 1000);
  return secret;
}

function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(new TextDecoder().decode(decodeBase64Url(parts[1])));
    return isObject(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** `chatgpt_account_id` of a JWT's `https://api.openai.com/auth` claim, unverified. */
export function openAiAccountId(token: string | undefined): string | undefined {
  const claims = token ? decodeJwtClaims(token) : undefined;
  const auth = claims?.["https://api.openai.com/auth"];
  return isObject(auth) ? stringField(auth.chatgpt_account_id) : undefined;
}

/**
 * The account a token response belongs to, for display only (never trusted for anything):
 * the `id_token`'s `sub`/`email`/`name` claims decoded WITHOUT verification, Slack's
 * `authed_user.id` and team name, Notion's owner and workspace. `undefined` when unknown.
 */
export function accountFromTokenData(
  tokenData: Record<string, unknown>,
): ProfileMeta["account"] | undefined {
  let id: string | undefined;
  let name: string | undefined;
  let email: string | undefined;
  const idToken = stringField(tokenData.id_token) ??
    (isObject(tokenData.authed_user) ? stringField(tokenData.authed_user.id_token) : undefined);
  const claims = idToken ? decodeJwtClaims(idToken) : undefined;
  // OpenAI (ChatGPT/Codex): the account is the `https://api.openai.com/auth` claim's
  // `chatgpt_account_id`, in the id token (openai/codex codex-rs/login/src/token_data.rs) and
  // the access token (OpenClaw reads it there); it wins over `sub` (a user, not the account).
  id = openAiAccountId(stringField(tokenData.access_token)) ?? openAiAccountId(idToken);
  if (claims) {
    id ??= stringField(claims.sub);
    email = stringField(claims.email);
    name = stringField(claims.name) ?? stringField(claims.preferred_username);
  }
  if (isObject(tokenData.authed_user)) id ??= stringField(tokenData.authed_user.id);
  if (isObject(tokenData.team)) name ??= stringField(tokenData.team.name);
  if (isObject(tokenData.owner) && isObject(tokenData.owner.user)) {
    const user = tokenData.owner.user;
    id ??= stringField(user.id);
    name ??= stringField(user.name);
    if (isObject(user.person)) email ??= stringField(user.person.email);
  }
  name ??= stringField(tokenData.workspace_name);
  id ??= stringField(tokenData.user_id) ?? stringField(tokenData.account_id);
  if (id === undefined && name === undefined && email === undefined) return undefined;
  return {
    ...(id !== undefined ? { id } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(email !== undefined ? { email } : {}),
  };
}
