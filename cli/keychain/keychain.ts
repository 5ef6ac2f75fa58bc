/**
 * The one small interface every keychain backend implements (macOS `security`, Linux
 * `secret-tool`, Windows Credential Manager, a 0600 file, memory).
 *
 * Secrets travel to the platform tool on stdin only, never on argv (`ps` can read argv).
 */
export interface Keychain {
  /** Backend name: `macos`, `linux`, `windows`, `file` or `memory`. */
  readonly name: string;
  /** Resolves to the secret, or `null` when the platform reports "not found". */
  get(service: string, account: string): Promise<string | null>;
  /** Creates or replaces the secret. */
  store(service: string, account: string, secret: string): Promise<void>;
  /** Removes the secret; resolves when it did not exist. */
  remove(service: string, account: string): Promise<void>;
  /**
   * Set when this backend was chosen because the platform keychain could not be reached:
   * which backend that was and why. Secrets recorded in that backend must never be looked
   * for here (cli/keychain/recorded.ts).
   */
  readonly fallbackFrom?: { backend: string; reason: string };
}
