/**
 * The clawauth server as a Hono app, built from its dependencies so tests can inject a
 * `:memory:` KV, a clock and `fetch`. Route groups are sub-apps; the order below matters:
 * `/healthz` answers even when misconfigured; the confirmation page `/{provider}/{id}` comes
 * last because it matches any two-segment path (`/callback/{provider}` is mounted before it).
 */

import { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { ProviderSettings } from "../providers/types.ts";
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";
import type { ServerConfig } from "./config.ts";
import { createLogger } from "./log.ts";
import { requestLog } from "./middleware/request_log.ts";
import { requireStateSecret } from "./middleware/require_state_secret.ts";
import { securityHeaders } from "./middleware/security_headers.ts";
import { errorResponse, handleError, handleNotFound } from "./on_error.ts";
import { createCallbackRoute } from "./routes/callback.ts";
import { createHealthzRoute, createReadyzRoute } from "./routes/health.ts";
import { createInitRoute } from "./routes/init.ts";
import { createProvidersRoutes } from "./routes/providers.ts";
import { createRefreshRoute } from "./routes/refresh.ts";
import { createRevokeRoute } from "./routes/revoke.ts";
import { importRefreshKeys, type RefreshBindingKeys } from "./refresh_binding.ts";
import { createSessionRoutes } from "./routes/session.ts";
import { createShortLinkRoute } from "./routes/short_link.ts";
import type { AppEnv, AppServices, LogLine } from "./services.ts";
import { createCsrfGuard } from "./csrf.ts";
import { createStateCipher } from "./state.ts";
import { createSessionStore, type SessionStoreOptions } from "./store.ts";

/** Dependencies of {@linkcode createApp}. */
export interface CreateAppOptions {
  kv: Deno.Kv;
  config: ServerConfig;
  registry: ProviderRegistry;
  /** Per provider: client settings from the operator's provider JSON (providers/custom.ts). */
  providerOverrides?: Record<string, Partial<ProviderSettings>>;
  /** Clock in epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
  /** `fetch` for provider token endpoints; defaults to the global one. */
  fetch?: typeof fetch;
  /** Receives one object per log line; defaults to JSON on stdout per `config.log`. */
  log?: (line: LogLine) => void;
  /** Deadline timer of a waiting `/status` (`?wait=`); defaults to `setTimeout`. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Options of the KV store (group commit window, stats). */
  storeOptions?: Omit<SessionStoreOptions, "now">;
}

export function createApp(options: CreateAppOptions): Hono<AppEnv> {
  const { config, registry } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger(config.log);
  const services: AppServices = {
    config,
    store: createSessionStore(options.kv, { ...options.storeOptions, now }),
    registry,
    providerOverrides: options.providerOverrides ?? {},
    now,
    fetch: options.fetch ?? fetch,
    log,
    sleep: options.sleep,
  };
  let refreshKeys: Promise<RefreshBindingKeys | undefined> | undefined;
  services.refreshKeys = () =>
    refreshKeys ??= config.refreshKeys === undefined
      ? Promise.resolve(undefined)
      : importRefreshKeys(config.refreshKeys, config.stateSigningSecret);
  const secret = config.stateSigningSecret;
  const keyed = secret === undefined
    ? undefined
    : { ...services, csrf: createCsrfGuard(secret), stateCipher: createStateCipher(secret) };

  const app = new Hono<AppEnv>();
  app.use(securityHeaders());
  app.use(requestLog({ log, now }));
  app.use(methodNotAllowed({
    app,
    onMethodNotAllowed(c, methods) {
      c.header("allow", methods.join(", "));
      return errorResponse(
        c,
        new ClawauthError(
          ERROR_CODES.METHOD_NOT_ALLOWED,
          `${c.req.method} is not allowed here: use ${methods.join(" or ")}`,
          { status: 405 },
        ),
      );
    },
  }));
  app.route("/", createHealthzRoute());
  app.use(requireStateSecret({ configured: keyed !== undefined }));
  app.route("/", createReadyzRoute(services));
  app.route("/", createProvidersRoutes(services));
  app.route("/", createInitRoute(services));
  if (keyed !== undefined) app.route("/", createCallbackRoute(keyed));
  app.route("/", createSessionRoutes(services));
  app.route("/", createRefreshRoute(services));
  app.route("/", createRevokeRoute(services));
  if (keyed !== undefined) app.route("/", createShortLinkRoute(keyed));
  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}
