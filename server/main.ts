/**
 * The server as a process: `deno run -A server/main.ts` (or `deno task dev`), and the Deno
 * Deploy entrypoint. Prints one JSON line `{"msg":"listening","url":...}` once it accepts
 * connections (`PORT=0` picks a free port), runs the sweep every 5 minutes, and stops cleanly
 * on SIGINT/SIGTERM.
 *
 * It has no default export on purpose: `import.meta.main` is also true under `deno serve`, so
 * a module that both exports `fetch` and calls `Deno.serve` would start two servers there.
 * `deno serve server/main.ts` still works (the module serves itself on `PORT`); for
 * `deno serve --parallel`, use `server/serve.ts`.
 */

import { isClawauthError } from "../shared/errors.ts";
import { bootServer, scheduleSweep } from "./boot.ts";

function listeningUrl(addr: Deno.NetAddr): string {
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return `http://${host}:${addr.port}`;
}

async function main(): Promise<void> {
  let runtime;
  try {
    runtime = await bootServer(Deno.env.toObject());
  } catch (error) {
    console.error(JSON.stringify({
      ts: new Date().toISOString(),
      level: "error",
      msg: `cannot start: ${error instanceof Error ? error.message : String(error)}`,
      code: isClawauthError(error) ? error.code : "internal_error",
    }));
    Deno.exit(1);
  }
  const { app, kv, config } = runtime;
  const stopCron = new AbortController();
  scheduleSweep(runtime, stopCron.signal);
  const server = Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen(addr) {
      console.log(JSON.stringify({ msg: "listening", url: listeningUrl(addr) }));
    },
  }, app.fetch);

  let stopping = false;
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    runtime!.log({ ts: new Date().toISOString(), level: "info", msg: "stopping", signal });
    stopCron.abort();
    await server.shutdown();
    kv.close();
    Deno.exit(0);
  }
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT", "SIGBREAK"]
    : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, () => stop(signal));
  if (Deno.build.os !== "windows") {
    // Counters for operators and the bench: `kill -USR1 <pid>` logs them.
    Deno.addSignalListener("SIGUSR1", () => {
      runtime!.log({
        ts: new Date().toISOString(),
        level: "info",
        msg: "stats",
        ...runtime!.kvStats,
      });
    });
  }
}

if (import.meta.main) await main();
