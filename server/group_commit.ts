/**
 * Group commit of the per-request KV work of signed requests.
 *
 * - Nonces: every signed request writes its nonce with a durable "must not exist" check (the
 *   anti-replay promise across processes sharing one KV). Concurrent requests' nonces go to KV
 *   together in one atomic commit: those of one event-loop turn (or of `windowMs`), and those
 *   that arrive while the previous batch commits (one batch in flight at a time, at most 100
 *   nonces each), so one fsync serves many requests. A nonce twice in
 *   one batch fails only the later request; a batch whose check fails (a nonce already in KV)
 *   falls back to one commit per request, so only the replayed request fails.
 * - Session reads: concurrent `get`s of sessions go together through `getMany` (10 keys each,
 *   KV's limit), one round of reads in flight at a time.
 */

import { retryWhenLocked } from "./kv_retry.ts";

/** Deno KV: at most 100 checks in one atomic operation. */
export const MAX_NONCES_PER_COMMIT = 100;
/** Deno KV: at most 10 keys in one `getMany`. */
const MAX_KEYS_PER_READ = 10;

/** One nonce write: the key must not exist; it is then set with `expireIn`. */
export interface NonceWrite {
  key: Deno.KvKey;
  expireIn: number;
}

interface PendingNonce extends NonceWrite {
  /** `key` serialised, to find duplicates inside a batch. */
  id: string;
  resolve(ok: boolean): void;
  reject(error: unknown): void;
}

/** Options of {@linkcode createNonceCommitter}. */
export interface NonceCommitterOptions {
  /**
   * How long the first nonce of an idle committer waits for companions, in ms; default 0 (the
   * nonces of the same event-loop turn). Under load batches form anyway: the nonces that arrive
   * while a batch commits make the next one. The bench measured 1 ms as no faster and slower
   * at the tail (p99 of paced polls).
   */
  windowMs?: number;
  /** Called with the number of nonces of each atomic commit (bench and tests). */
  onCommit?: (nonces: number) => void;
}

function keyId(key: Deno.KvKey): string {
  return JSON.stringify(key, (_, v) => typeof v === "bigint" ? `${v}n` : v);
}

/**
 * Returns `write(nonce)`: resolves true once the nonce is durably stored and was new, false when
 * it existed already (in KV or earlier in the same batch).
 */
export function createNonceCommitter(
  kv: Deno.Kv,
  options: NonceCommitterOptions = {},
): (write: NonceWrite) => Promise<boolean> {
  const windowMs = options.windowMs ?? 0;
  const onCommit = options.onCommit ?? (() => {});
  let queue: PendingNonce[] = [];
  let inFlight = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function commitOne(item: PendingNonce): Promise<boolean> {
    onCommit(1);
    const result = await retryWhenLocked(() =>
      kv.atomic()
        .check({ key: item.key, versionstamp: null })
        .set(item.key, 1, { expireIn: item.expireIn })
        .commit()
    );
    return result.ok;
  }

  async function commitBatch(batch: PendingNonce[]): Promise<void> {
    const unique: PendingNonce[] = [];
    const seen = new Set<string>();
    for (const item of batch) {
      if (seen.has(item.id)) item.resolve(false);
      else {
        seen.add(item.id);
        unique.push(item);
      }
    }
    try {
      if (unique.length === 1) {
        unique[0].resolve(await commitOne(unique[0]));
        return;
      }
      onCommit(unique.length);
      const result = await retryWhenLocked(() => {
        const op = kv.atomic();
        for (const item of unique) {
          op.check({ key: item.key, versionstamp: null }).set(item.key, 1, {
            expireIn: item.expireIn,
          });
        }
        return op.commit();
      });
      if (result.ok) {
        for (const item of unique) item.resolve(true);
        return;
      }
      // Some nonce was in KV already: find which, one commit each.
      await Promise.all(unique.map(async (item) => {
        try {
          item.resolve(await commitOne(item));
        } catch (error) {
          item.reject(error);
        }
      }));
    } catch (error) {
      for (const item of unique) item.reject(error);
    }
  }

  function schedule(): void {
    if (inFlight || queue.length === 0) return;
    if (queue.length >= MAX_NONCES_PER_COMMIT) {
      flush();
      return;
    }
    if (timer === undefined) timer = setTimeout(flush, windowMs);
  }

  function flush(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (inFlight || queue.length === 0) return;
    const batch = queue.slice(0, MAX_NONCES_PER_COMMIT);
    queue = queue.slice(batch.length);
    inFlight = true;
    commitBatch(batch).finally(() => {
      inFlight = false;
      // What queued up while this batch was committing has waited long enough.
      if (queue.length > 0) flush();
    });
  }

  return function writeNonce(write) {
    return new Promise<boolean>((resolve, reject) => {
      queue.push({ ...write, id: keyId(write.key), resolve, reject });
      schedule();
    });
  };
}

interface PendingRead<T> {
  key: Deno.KvKey;
  resolve(entry: Deno.KvEntryMaybe<T>): void;
  reject(error: unknown): void;
}

/**
 * Returns `read(key)`: one key's entry, read together with the other keys asked for while the
 * previous round of reads was in flight (idle: read at once, alone).
 */
export function createGroupReader<T>(kv: Deno.Kv): (key: Deno.KvKey) => Promise<
  Deno.KvEntryMaybe<T>
> {
  let queue: PendingRead<T>[] = [];
  let inFlight = false;

  async function readChunk(chunk: PendingRead<T>[]): Promise<void> {
    try {
      const entries = chunk.length === 1
        ? [await kv.get<T>(chunk[0].key)]
        : await kv.getMany<T[]>(chunk.map((item) => item.key));
      chunk.forEach((item, i) => item.resolve(entries[i]));
    } catch (error) {
      for (const item of chunk) item.reject(error);
    }
  }

  function flush(): void {
    if (inFlight || queue.length === 0) return;
    const batch = queue;
    queue = [];
    inFlight = true;
    const chunks: Promise<void>[] = [];
    for (let i = 0; i < batch.length; i += MAX_KEYS_PER_READ) {
      chunks.push(readChunk(batch.slice(i, i + MAX_KEYS_PER_READ)));
    }
    Promise.all(chunks).finally(() => {
      inFlight = false;
      flush();
    });
  }

  return function readSessionsTogether(key) {
    return new Promise((resolve, reject) => {
      queue.push({ key, resolve, reject });
      flush();
    });
  };
}
