/**
 * Retries a KV write that SQLite refused with "database is locked".
 *
 * Several server processes may share one local KV file (DESIGN: self-hosting beyond one
 * process). SQLite lets one writer in at a time and Deno KV reports a busy file at once
 * instead of waiting. A refused commit wrote nothing, so running it again is safe.
 */
const MAX_WAIT_MS = 2_000;

function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked|database table is locked/i.test(
    error.message,
  );
}

/** Runs `write`, retrying with jittered back-off (1..50 ms, up to ~2 s) while the file is locked. */
export async function retryWhenLocked<T>(write: () => Promise<T>): Promise<T> {
  let waited = 0;
  for (let attempt = 0;; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isLocked(error) || waited >= MAX_WAIT_MS) throw error;
      const delay = Math.min(50, 2 ** attempt) * (0.5 + Math.random());
      waited += delay;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
