/**
 * Settings from flags and the environment, with their documented defaults.
 *
 * Server address: `--server` > CLAWAUTH_SERVER_URL > CLAWAUTH_WORKER_URL (the 0.4 name) >
 * https://auth.clawauth.app. Storage locations (CLAWAUTH_STATE_DIR, CLAWAUTH_AGENT,
 * CLAWAUTH_KEYCHAIN_SERVICE, CLAWAUTH_KEYCHAIN) are resolved by cli/store/paths.ts and
 * cli/keychain/select.ts; they are listed here so `docs` and `--help` show one table.
 */
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";
import { parseDurationMs } from "./flows/duration.ts";

export const DEFAULT_SERVER_URL = "https://auth.clawauth.app";
export const DEFAULT_TTL_SECONDS = 3600;
export const DEFAULT_POLL_INTERVAL_MS = 2000;
export const DEFAULT_POLL_TIMEOUT_MS = 300_000;

/** Every environment variable the CLI reads, with its default, for `docs` and `--help`. */
export const ENV_SETTINGS: readonly { name: string; default: string; meaning: string }[] = [
  {
    name: "CLAWAUTH_SERVER_URL",
    default: DEFAULT_SERVER_URL,
    meaning: "clawauth server base URL (--server wins)",
  },
  {
    name: "CLAWAUTH_WORKER_URL",
    default: "(unset)",
    meaning: "0.4 name of the server URL, used when CLAWAUTH_SERVER_URL is unset",
  },
  {
    name: "CLAWAUTH_TTL_SECONDS",
    default: String(DEFAULT_TTL_SECONDS),
    meaning:
      "login session lifetime for `login start`: seconds, or 90s, 45m, 2h (--ttl wins; clamped to 60..86400 with a notice)",
  },
  {
    name: "CLAWAUTH_SCOPE",
    default: "(provider default)",
    meaning: "OAuth scope for `login start` (--scope wins)",
  },
  {
    name: "CLAWAUTH_POLL_INTERVAL_MS",
    default: String(DEFAULT_POLL_INTERVAL_MS),
    meaning: "`login wait` poll interval: milliseconds, or 500ms, 2s (--interval wins)",
  },
  {
    name: "CLAWAUTH_POLL_TIMEOUT_MS",
    default: String(DEFAULT_POLL_TIMEOUT_MS),
    meaning: "`login wait` time limit: milliseconds, or 90s, 5m (--timeout wins)",
  },
  {
    name: "CLAWAUTH_KEYCHAIN",
    default: "(auto per OS)",
    meaning: "keychain backend: macos | linux | windows | file | memory",
  },
  {
    name: "CLAWAUTH_KEYCHAIN_SERVICE",
    default: "clawauth",
    meaning: "keychain service of stored tokens (login keys use `<service>:sessions`)",
  },
  {
    name: "CLAWAUTH_SESSION_SERVICE",
    default: "<CLAWAUTH_KEYCHAIN_SERVICE>:sessions (clawauth:sessions)",
    meaning: "keychain service of login-session keys",
  },
  {
    name: "CLAWAUTH_KEYCHAIN_TIMEOUT_MS",
    default: "20000",
    meaning: "time limit of each call to the keychain tool",
  },
  {
    name: "CLAWAUTH_STATE_DIR",
    default: "$XDG_STATE_HOME/clawauth or ~/.local/state/clawauth",
    meaning: "non-secret metadata, login-session index, locks, recovery files",
  },
  {
    name: "CLAWAUTH_AGENT",
    default: "(unset)",
    meaning:
      "isolates an agent: its own state dir (<base>/agents/<agent>) and keychain service (clawauth:agent:<agent>)",
  },
];

/** Settings of one invocation that do not depend on storage. */
export interface Settings {
  serverUrl: string;
  ttlSeconds: number;
  scope?: string;
  pollIntervalMs: number;
  pollTimeoutMs: number;
}

/**
 * Checks and normalises a server base URL (http/https, no credentials, query or fragment;
 * trailing slashes removed). `source` names where it came from for the error message.
 */
export function normalizeServerUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ClawauthError(
      ERROR_CODES.USAGE,
      `${source} must be an absolute http(s) URL: got ${JSON.stringify(value)}`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ClawauthError(
      ERROR_CODES.USAGE,
      `${source} must use https (or http): got ${JSON.stringify(url.protocol)}`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ClawauthError(
      ERROR_CODES.USAGE,
      `${source} must not carry credentials, a query or a fragment`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/** Parses a positive integer setting; `source` names the flag or variable in the message. */
export function parsePositiveInteger(
  value: string,
  source: string,
  limits: { min?: number; max?: number } = {},
): number {
  const min = limits.min ?? 1;
  const max = limits.max ?? Number.MAX_SAFE_INTEGER;
  const trimmed = value.trim();
  const number = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new ClawauthError(
      ERROR_CODES.USAGE,
      `${source} must be a whole number from ${min} to ${max}: got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

function fromEnv(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** Resolves the server URL: `--server` > CLAWAUTH_SERVER_URL > CLAWAUTH_WORKER_URL > default. */
export function resolveServerUrl(
  env: Record<string, string | undefined>,
  serverFlag?: string,
): string {
  if (serverFlag !== undefined) return normalizeServerUrl(serverFlag, "--server");
  const fromServer = fromEnv(env, "CLAWAUTH_SERVER_URL");
  if (fromServer !== undefined) return normalizeServerUrl(fromServer, "CLAWAUTH_SERVER_URL");
  const fromWorker = fromEnv(env, "CLAWAUTH_WORKER_URL");
  if (fromWorker !== undefined) return normalizeServerUrl(fromWorker, "CLAWAUTH_WORKER_URL");
  return DEFAULT_SERVER_URL;
}

/** Shortest and longest login-session lifetime the server accepts (it clamps to these). */
export const MIN_TTL_SECONDS = 60;
export const MAX_TTL_SECONDS = 86400;

/**
 * Parses a session lifetime: `3600` (seconds), `90s`, `45m`, `2h`, `1d`; whole seconds,
 * rounded up. Not clamped here: `login start` clamps and says so.
 */
export function parseTtlSeconds(value: string, source: string): number {
  return Math.ceil(parseDurationMs(value, source, { plainUnit: "s", minMs: 1000 }) / 1000);
}

/** Reads every non-storage setting from the environment (flags override them per command). */
export function resolveSettings(
  env: Record<string, string | undefined>,
  serverFlag?: string,
): Settings {
  const ttl = fromEnv(env, "CLAWAUTH_TTL_SECONDS");
  const interval = fromEnv(env, "CLAWAUTH_POLL_INTERVAL_MS");
  const timeout = fromEnv(env, "CLAWAUTH_POLL_TIMEOUT_MS");
  return {
    serverUrl: resolveServerUrl(env, serverFlag),
    ttlSeconds: ttl === undefined
      ? DEFAULT_TTL_SECONDS
      : parseTtlSeconds(ttl, "CLAWAUTH_TTL_SECONDS"),
    scope: fromEnv(env, "CLAWAUTH_SCOPE"),
    pollIntervalMs: interval === undefined
      ? DEFAULT_POLL_INTERVAL_MS
      : parseDurationMs(interval, "CLAWAUTH_POLL_INTERVAL_MS", { plainUnit: "ms" }),
    pollTimeoutMs: timeout === undefined
      ? DEFAULT_POLL_TIMEOUT_MS
      : parseDurationMs(timeout, "CLAWAUTH_POLL_TIMEOUT_MS", { plainUnit: "ms" }),
  };
}
