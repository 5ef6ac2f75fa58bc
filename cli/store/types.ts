/**
 * The credential store's records: one per account ("profile") on this machine, read by every
 * agent process (the "token sink"). Secrets live in the keychain as JSON
 * ({@linkcode CredentialSecret}); non-secret metadata ({@linkcode ProfileMeta}) lives in the
 * state directory, one file per profile, written atomically.
 */

/** Kind of credential. */
export type CredentialType = "oauth" | "token" | "api_key";

/** Where an OAuth credential came from; decides how it refreshes. */
export type CredentialOrigin =
  /** Delegated login through a clawauth server (it holds the client secret): refresh via `POST /refresh`. */
  | "delegated"
  /** Local PKCE login with a public client: refresh directly at the provider. */
  | "local"
  /** Pasted by a person (`token paste`): never refreshed. */
  | "pasted";

/**
 * The secret part, stored in the keychain under service `<keychainService>` and account
 * `<provider>:<name>` as JSON. Field names follow the 0.4 CLI (`access_token`, `refresh_token`,
 * `token_type`, `saved_at`) so 0.4 records stay readable.
 */
export interface CredentialSecret {
  type: CredentialType;
  provider: string;
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  token_type?: string;
  scope?: string;
  /** Absolute expiry of access_token, epoch milliseconds. */
  expires_at?: number;
  /** The secret of a pasted `token` or `api_key`. */
  key?: string;
  /** ISO time the secret was written. */
  saved_at: string;
  /** Bumped on every write; lets a refresher see a peer already refreshed. */
  generation: number;
}

/** State of a profile's refresh machinery. */
export interface RefreshState {
  state: "idle" | "in_flight" | "needs_login";
  /** In flight: when the grant was sent (epoch ms) and by which process. */
  startedAt?: number;
  pid?: number;
  /** The secret generation the in-flight refresh started from. */
  fromGeneration?: number;
  /** Needs login: why, and the exact command that fixes it. */
  reason?: string;
  fixCommand?: string;
  lastError?: { code: string; message: string; at: number; transient: boolean };
}

/** Non-secret metadata of one profile, kept in the state directory. */
export interface ProfileMeta {
  /** `provider:name`, e.g. `github:work`. */
  id: string;
  provider: string;
  name: string;
  type: CredentialType;
  origin: CredentialOrigin;
  /** Access-token expiry, epoch ms, when known. */
  expiresAt?: number;
  scope?: string;
  hasRefreshToken: boolean;
  /** Account identity where the provider returned one (never a secret). */
  account?: { id?: string; name?: string; email?: string };
  /**
   * The account as the server read it from the provider's identity endpoint at login (sealed
   * with the token): a claim of another account into this profile is refused.
   */
  identity?: { id: string; login?: string; email?: string; name?: string };
  /** Server base URL a delegated token refreshes through. */
  server?: string;
  /**
   * Keychain backend holding the secret (`linux`, `macos`, `windows`, `file`, `memory`);
   * absent in records written before it was recorded.
   */
  keychainBackend?: string;
  keychainService: string;
  keychainAccount: string;
  createdAt: number;
  updatedAt: number;
  lastUsedAt?: number;
  refresh: RefreshState;
}

/** A profile with its secret, as read together. */
export interface CredentialRecord {
  meta: ProfileMeta;
  secret: CredentialSecret;
}
