/**
 * Server settings, read once from the environment (a `.env` file is optional: `deno task dev`
 * loads one when present). Every name here is part of the operator interface; keep them stable.
 *
 * | name | default | meaning |
 * |---|---|---|
 * | `PORT` | `8787` | listening port (`0`: any free port, printed on start) |
 * | `HOSTNAME` | `127.0.0.1` | listening address; `0.0.0.0` to accept remote connections (ignored on Deno Deploy) |
 * | `PUBLIC_BASE_URL` | request origin | public origin (and optional path prefix) of links and the redirect URI |
 * | `STATE_SIGNING_SECRET` | required | key of the OAuth `state` (AES-GCM) and of the confirmation form's CSRF token (HMAC); missing: every route but `/healthz` answers 500 |
 * | `SESSION_TTL_SECONDS` | `3600` | session lifetime when `/init` names none (clamped to 60..86400) |
 * | `CLAWAUTH_KV_PATH` | `./clawauth.kv.sqlite` | KV file, `:memory:` or a KV Connect URL; on Deno Deploy the platform KV |
 * | `CLAWAUTH_PROVIDERS` / `CLAWAUTH_PROVIDERS_FILE` | none | operator-defined providers (providers/custom.ts) |
 * | `CLAWAUTH_INIT_RATE_LIMIT` | `30` | `POST /init` per client address per minute; `0` disables |
 * | `CLAWAUTH_REFRESH_RATE_LIMIT` | `60` | `POST /refresh` per client address per minute; `0` disables |
 * | `CLAWAUTH_LINK_RATE_LIMIT` | `60` | confirmation-page opens, and continues, per client address per minute (each); `0` disables |
 * | `CLAWAUTH_POLL_RATE_LIMIT` | `10` | signed `/status` + `/claim` per session per second; `0` disables |
 * | `CLAWAUTH_TRUST_PROXY` | off | `1`/`true` (or a hop count): take the client address from `x-forwarded-for` |
 * | `CLAWAUTH_LOG` | `json` | `json`: one JSON line per request on stdout; `off`: no request log |
 */

import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";

/** Bounds of a session lifetime, in seconds. */
export const MIN_SESSION_TTL_SECONDS = 60;
export const MAX_SESSION_TTL_SECONDS = 86_400;

/** Smallest per-session poll limit (polls per second) an operator may set. */
export const MIN_POLL_RATE_LIMIT = 4;

/** The default KV file outside Deno Deploy, relative to the working directory. */
export const DEFAULT_KV_PATH = "./clawauth.kv.sqlite";

export interface ServerConfig {
  port: number;
  hostname: string;
  /** Normalised, without a trailing slash; undefined: use each request's origin. */
  publicBaseUrl?: string;
  /** Undefined when not set: the server answers 500 `server_misconfigured`. */
  stateSigningSecret?: string;
  sessionTtlSeconds: number;
  /** Argument of `Deno.openKv`; undefined: the platform KV (Deno Deploy). */
  kvPath?: string;
  initRateLimit: number;
  refreshRateLimit: number;
  /** Confirmation-page opens (and, separately, continues) per client address per minute. */
  linkRateLimit: number;
  pollRateLimit: number;
  /** Number of trusted proxy hops in front of the server; 0: use the connection address. */
  trustProxyHops: number;
  log: "json" | "off";
  /** The environment the per-provider settings (`GITHUB_CLIENT_ID`, ...) are read from. */
  env: Readonly<Record<string, string | undefined>>;
}

/** Clamps a session lifetime to 60..86400 seconds (whole seconds). */
export function clampSessionTtl(seconds: number): number {
  return Math.min(MAX_SESSION_TTL_SECONDS, Math.max(MIN_SESSION_TTL_SECONDS, Math.floor(seconds)));
}

function misconfigured(setting: string, message: string): ClawauthError {
  return new ClawauthError(ERROR_CODES.SERVER_MISCONFIGURED, `${setting} ${message}`, {
    status: 500,
    details: { setting },
  });
}

function read(env: Readonly<Record<string, string | undefined>>, name: string) {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function readInteger(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  options: { fallback: number; min: number; max: number },
): number {
  const raw = read(env, name);
  if (raw === undefined) return options.fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < options.min || Number(raw) > options.max) {
    throw misconfigured(
      name,
      `must be a whole number from ${options.min} to ${options.max}: got ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw);
}

function readPollRateLimit(env: Readonly<Record<string, string | undefined>>): number {
  const limit = readInteger(env, "CLAWAUTH_POLL_RATE_LIMIT", {
    fallback: 10,
    min: 0,
    max: 1_000_000,
  });
  // The 0.4 CLI polls every 2 s and its server allowed one poll per 250 ms: never go below that.
  if (limit > 0 && limit < MIN_POLL_RATE_LIMIT) {
    throw misconfigured(
      "CLAWAUTH_POLL_RATE_LIMIT",
      `must be 0 (off) or at least ${MIN_POLL_RATE_LIMIT} per second: got ${limit}`,
    );
  }
  return limit;
}

function readBaseUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const raw = read(env, "PUBLIC_BASE_URL");
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw misconfigured("PUBLIC_BASE_URL", `must be an absolute URL: got ${JSON.stringify(raw)}`);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.search || url.hash) {
    throw misconfigured(
      "PUBLIC_BASE_URL",
      `must be an http(s) URL without query or fragment: got ${JSON.stringify(raw)}`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function readTrustProxy(env: Readonly<Record<string, string | undefined>>): number {
  const raw = read(env, "CLAWAUTH_TRUST_PROXY")?.toLowerCase();
  if (raw === undefined || raw === "0" || raw === "false" || raw === "no") return 0;
  if (raw === "true" || raw === "yes") return 1;
  return readInteger(env, "CLAWAUTH_TRUST_PROXY", { fallback: 0, min: 0, max: 10 });
}

function readLog(env: Readonly<Record<string, string | undefined>>): "json" | "off" {
  const raw = read(env, "CLAWAUTH_LOG")?.toLowerCase() ?? "json";
  if (raw !== "json" && raw !== "off") {
    throw misconfigured("CLAWAUTH_LOG", `must be "json" or "off": got ${JSON.stringify(raw)}`);
  }
  return raw;
}

function readKvPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const path = read(env, "CLAWAUTH_KV_PATH");
  if (path !== undefined) return path;
  return read(env, "DENO_DEPLOYMENT_ID") === undefined ? DEFAULT_KV_PATH : undefined;
}

/**
 * Reads the settings from `env`. Throws `ClawauthError(server_misconfigured)` naming the
 * setting for a malformed value. A missing `STATE_SIGNING_SECRET` does not throw: the server
 * starts, says so loudly, and answers 500 on every route but `/healthz`.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ServerConfig {
  const ttl = readInteger(env, "SESSION_TTL_SECONDS", {
    fallback: 3600,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
  });
  const config: ServerConfig = {
    port: readInteger(env, "PORT", { fallback: 8787, min: 0, max: 65535 }),
    hostname: read(env, "HOSTNAME") ?? "127.0.0.1",
    sessionTtlSeconds: clampSessionTtl(ttl),
    initRateLimit: readInteger(env, "CLAWAUTH_INIT_RATE_LIMIT", {
      fallback: 30,
      min: 0,
      max: 1_000_000,
    }),
    refreshRateLimit: readInteger(env, "CLAWAUTH_REFRESH_RATE_LIMIT", {
      fallback: 60,
      min: 0,
      max: 1_000_000,
    }),
    linkRateLimit: readInteger(env, "CLAWAUTH_LINK_RATE_LIMIT", {
      fallback: 60,
      min: 0,
      max: 1_000_000,
    }),
    pollRateLimit: readPollRateLimit(env),
    trustProxyHops: readTrustProxy(env),
    log: readLog(env),
    env,
  };
  const baseUrl = readBaseUrl(env);
  if (baseUrl !== undefined) config.publicBaseUrl = baseUrl;
  const secret = env.STATE_SIGNING_SECRET;
  if (secret !== undefined && secret !== "") config.stateSigningSecret = secret;
  const kvPath = readKvPath(env);
  if (kvPath !== undefined) config.kvPath = kvPath;
  return config;
}
