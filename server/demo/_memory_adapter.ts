// A per-instance in-memory storage adapter for oidc-provider. The library's own MemoryAdapter
// keeps one module-wide LRU (1000 entries) shared by every Provider in the process; tests start
// many upstreams side by side and need to invalidate one upstream's refresh tokens on demand.

type Payload = Record<string, unknown>;

interface Entry {
  payload: Payload;
  expiresAt: number;
}

/** One oidc-provider model's view (AccessToken, RefreshToken, Session, ...) of a shared store. */
export interface ModelAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export interface MemoryStore {
  /** The factory to give oidc-provider as `adapter`. */
  adapterFor(model: string): ModelAdapter;
  /** Removes every stored entry of `model`; returns how many were removed. */
  removeAll(model: string): number;
  /** Removes every stored entry (all models); returns how many were removed. */
  clear(): number;
}

export function createMemoryStore(now: () => number = Date.now): MemoryStore {
  const entries = new Map<string, Entry>();

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function adapterFor(model: string): ModelAdapter {
    const prefix = `${model}:`;
    const findWhere = (field: string, value: string) => {
      for (const [key, entry] of entries) {
        if (key.startsWith(prefix) && entry.payload[field] === value && live(key)) {
          return entry.payload;
        }
      }
      return undefined;
    };
    return {
      upsert(id, payload, expiresIn) {
        const expiresAt = typeof expiresIn === "number" ? now() + expiresIn * 1000 : Infinity;
        entries.set(prefix + id, { payload, expiresAt });
        return Promise.resolve();
      },
      find(id) {
        return Promise.resolve(live(prefix + id)?.payload);
      },
      findByUid(uid) {
        return Promise.resolve(findWhere("uid", uid));
      },
      findByUserCode(userCode) {
        return Promise.resolve(findWhere("userCode", userCode));
      },
      consume(id) {
        const entry = live(prefix + id);
        if (entry) entry.payload.consumed = Math.floor(now() / 1000);
        return Promise.resolve();
      },
      destroy(id) {
        entries.delete(prefix + id);
        return Promise.resolve();
      },
      revokeByGrantId(grantId) {
        for (const [key, entry] of entries) {
          if (entry.payload.grantId === grantId) entries.delete(key);
        }
        return Promise.resolve();
      },
    };
  }

  function removeAll(model: string): number {
    let removed = 0;
    for (const key of [...entries.keys()]) {
      if (key.startsWith(`${model}:`)) {
        entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  function clear(): number {
    const size = entries.size;
    entries.clear();
    return size;
  }

  return { adapterFor, removeAll, clear };
}
