/** In-memory keychain for tests and `CLAWAUTH_KEYCHAIN=memory` (gone when the process exits). */
import type { Keychain } from "./keychain.ts";

/** Keeps secrets in a Map; nothing leaves the process. */
export class MemoryKeychain implements Keychain {
  readonly name = "memory";
  readonly #items = new Map<string, string>();

  #key(service: string, account: string): string {
    return `${service}\u0000${account}`;
  }

  get(service: string, account: string): Promise<string | null> {
    return Promise.resolve(this.#items.get(this.#key(service, account)) ?? null);
  }

  store(service: string, account: string, secret: string): Promise<void> {
    this.#items.set(this.#key(service, account), secret);
    return Promise.resolve();
  }

  remove(service: string, account: string): Promise<void> {
    this.#items.delete(this.#key(service, account));
    return Promise.resolve();
  }

  /** Number of stored items (for tests). */
  get size(): number {
    return this.#items.size;
  }
}
