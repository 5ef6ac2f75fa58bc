/**
 * What route and middleware factories receive from `createApp`, and the Hono environment
 * type of the app (per-request variables, and the connection info `Deno.serve` passes).
 */

import type { ProviderRegistry } from "../providers/registry.ts";
import type { ProviderSettings } from "../providers/types.ts";
import type { ServerConfig } from "./config.ts";
import type { RefreshBindingKeys } from "./refresh_binding.ts";
import type { SessionEntry, SessionStore } from "./store.ts";

/** One structured log line. */
export type LogLine = Record<string, unknown>;

export interface AppServices {
  config: ServerConfig;
  store: SessionStore;
  registry: ProviderRegistry;
  /** Per provider: settings from the operator's provider JSON. */
  providerOverrides: Record<string, Partial<ProviderSettings>>;
  /**
   * The refresh-binding keys (imported once, on first use); undefined when neither
   * `CLAWAUTH_REFRESH_KEYS` nor `STATE_SIGNING_SECRET` is set.
   */
  refreshKeys?: () => Promise<RefreshBindingKeys | undefined>;
  /** Epoch milliseconds. */
  now: () => number;
  fetch: typeof fetch;
  log: (line: LogLine) => void;
  /** Sleeps `ms` or until `signal` aborts: the deadline of a waiting `/status` (tests inject it). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface AppVariables {
  /** Session id of the request, logged as an 8-character prefix. */
  sessionId?: string;
  /** The verified session of a signed request. */
  session?: SessionEntry;
  /** Error code of the response, for the request log. */
  errorCode?: string;
  /** Stack of an unexpected error, for the request log only. */
  errorStack?: string;
  /** Set on routes a person opens in a browser: errors render as HTML pages. */
  pageErrors?: boolean;
  /** The confirmation page's CSP `form-action` sources (its form redirects to the provider). */
  formAction?: string;
  /** Set by the not-found handler so the log names no route. */
  unmatched?: boolean;
}

export type AppEnv = {
  Variables: AppVariables;
  Bindings: { remoteAddr?: Deno.NetAddr } | undefined;
};
