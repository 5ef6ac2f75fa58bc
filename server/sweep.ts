/**
 * The periodic sweep: deletes sessions whose `expiresAt` passed, with their side keys (browser
 * opens, nonces, poll counters), and spent rate-limit windows. Reads are already blind to
 * expired sessions; the sweep keeps KV from growing. `main.ts` runs it every 5 minutes with
 * `Deno.cron` (Deno Deploy supports it; queues are not supported there).
 */

import type { LogLine } from "./services.ts";
import { createSessionStore, type SweepResult } from "./store.ts";

/** Options of {@linkcode sweepExpired}. */
export interface SweepOptions {
  now?: () => number;
  log?: (line: LogLine) => void;
  /** Most sessions to delete in this run (the next run continues); default: all that are due. */
  limit?: number;
}

/** Cron schedule of the sweep. */
export const SWEEP_SCHEDULE = "*/5 * * * *";

export async function sweepExpired(kv: Deno.Kv, options: SweepOptions = {}): Promise<SweepResult> {
  const { now = Date.now, log, limit } = options;
  const started = performance.now();
  const result = await createSessionStore(kv, { now }).sweep({ limit });
  log?.({
    ts: new Date(now()).toISOString(),
    level: "info",
    msg: "sweep",
    sessions: result.sessions,
    keys: result.keys,
    durationMs: Math.round(performance.now() - started),
  });
  return result;
}
