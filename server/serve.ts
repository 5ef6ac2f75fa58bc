/**
 * Entrypoint for `deno serve` (including `deno serve --parallel`, one app per worker over the
 * same KV): `deno serve -A --port 8787 server/serve.ts`. Plain processes and Deno Deploy use
 * `main.ts`.
 */

import { bootServer, scheduleSweep } from "./boot.ts";

const runtime = await bootServer(Deno.env.toObject());
try {
  scheduleSweep(runtime, new AbortController().signal);
} catch (error) {
  // With --parallel, every worker tries to register the same cron; one is enough.
  runtime.log({
    ts: new Date().toISOString(),
    level: "warn",
    msg: `sweep not scheduled: ${error}`,
  });
}

export default { fetch: runtime.app.fetch } satisfies Deno.ServeDefaultExport;
