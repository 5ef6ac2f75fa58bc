/**
 * Startup shared by `main.ts` (plain process, Deno Deploy) and `serve.ts` (`deno serve`):
 * reads the settings, says loudly when `STATE_SIGNING_SECRET` is missing, opens KV, loads
 * operator-defined providers and builds the app; registers the sweep with `Deno.cron`.
 */

import { loadCustomProviders } from "../providers/custom.ts";
import { createRegistry } from "../providers/registry.ts";
import type { Hono } from "hono";
import { createApp } from "./app.ts";
import { loadConfig, type ServerConfig } from "./config.ts";
import { createLogger } from "./log.ts";
import { missingStateSecretError } from "./middleware/require_state_secret.ts";
import type { AppEnv, LogLine } from "./services.ts";
import { SWEEP_SCHEDULE, sweepExpired } from "./sweep.ts";

export interface ServerRuntime {
  app: Hono<AppEnv>;
  kv: Deno.Kv;
  config: ServerConfig;
  log: (line: LogLine) => void;
  /** Nonce group commits so far and the nonces they held (logged on SIGUSR1; the bench reads them). */
  kvStats: { nonceCommits: number; nonces: number };
}

function logLine(level: string, msg: string, extra: LogLine = {}): LogLine {
  return { ts: new Date().toISOString(), level, msg, ...extra };
}

/** Builds the server from `env`; throws a `ClawauthError` for unusable settings. */
export async function bootServer(env: Record<string, string | undefined>): Promise<ServerRuntime> {
  const config = loadConfig(env);
  const log = createLogger(config.log);
  if (config.stateSigningSecret === undefined) {
    const error = missingStateSecretError();
    // Loud on purpose, whatever CLAWAUTH_LOG says: every route but /healthz will answer 500.
    console.error(
      JSON.stringify(logLine("error", error.message, { code: error.code, ...error.details })),
    );
  } else if (config.stateSigningSecret.length < 32) {
    log(
      logLine(
        "warn",
        "STATE_SIGNING_SECRET is shorter than 32 characters: use a long random value",
        {
          setting: "STATE_SIGNING_SECRET",
        },
      ),
    );
  }
  const custom = await loadCustomProviders({ env });
  const kv = await (config.kvPath === undefined ? Deno.openKv() : Deno.openKv(config.kvPath));
  const kvStats = { nonceCommits: 0, nonces: 0 };
  // Undocumented tuning knob for the bench: how long a nonce waits for others (default 0 ms).
  const window = env.CLAWAUTH_GROUP_COMMIT_MS?.trim();
  const app = createApp({
    kv,
    config,
    registry: createRegistry(custom.specs),
    providerOverrides: custom.overrides,
    log,
    storeOptions: {
      groupCommitWindowMs: window && /^\d{1,2}$/.test(window) ? Number(window) : undefined,
      onNonceCommit(nonces) {
        kvStats.nonceCommits++;
        kvStats.nonces += nonces;
      },
    },
  });
  return { app, kv, config, log, kvStats };
}

/** Registers the periodic sweep when the runtime has `Deno.cron`; returns whether it did. */
export function scheduleSweep(runtime: ServerRuntime, signal: AbortSignal): boolean {
  // `CLAWAUTH_SWEEP_SCHEDULE=off` leaves the sweep to someone else (a test that drives it, or
  // one designated instance); expired sessions stay invisible either way.
  const schedule = runtime.config.env.CLAWAUTH_SWEEP_SCHEDULE?.trim() || SWEEP_SCHEDULE;
  if (typeof Deno.cron !== "function" || schedule === "off") return false;
  Deno.cron("clawauth-sweep", schedule, { signal }, async () => {
    try {
      await sweepExpired(runtime.kv, { log: runtime.log });
    } catch (error) {
      runtime.log(
        logLine("error", "sweep failed", { stack: String((error as Error)?.stack ?? error) }),
      );
    }
  });
  return true;
}
