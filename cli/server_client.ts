/**
 * The CLI's client of the clawauth server: one function per protocol step, each turning the
 * HTTP answer into a checked value or a `ClawauthError` with a stable code.
 *
 * Error mapping: network failure or time-out → `server_unreachable`; 401 → the server's code
 * (`invalid_signature`, `invalid_timestamp`, `replay_detected`, …); 404 → `session_not_found`
 * (session routes) or `not_found`; 410 → `session_expired`; 429 → `rate_limited` with
 * `details.retryAfterSeconds`; 501 → `provider_not_implemented` with
 * `details.supportedProviders`; other 5xx → the server's code or `server_error`.
 * `details.transient` says whether retrying later may succeed; `status` is the HTTP status
 * (0 when no answer arrived).
 *
 * Nothing the server sends is trusted: every field is checked before use, and server text
 * quoted in messages is shortened and stripped of control characters.
 */
import { createProofHeaders } from "../shared/refresh_proof.ts";
import { signRequest } from "../shared/sign_request.ts";
import { ClawauthError, ERROR_CODES, type ErrorCode } from "../shared/errors.ts";
import type {
  InitRequest,
  InitResponse,
  RefreshRequest,
  RefreshResponse,
  RevokeRequest,
  RevokeResponse,
  SealedBox,
  StatusResponse,
} from "../shared/wire.ts";

/** Time limit of one request to the server. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Longest `?wait=` a status request asks for (the server's limit). */
export const MAX_STATUS_WAIT_SECONDS = 30;

const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
const KNOWN_CODES = new Set<string>(Object.values(ERROR_CODES));

/** Options of {@linkcode createServerClient}. */
/** `KXRT-4MPQ`: RFC 8628 §6.1 alphabet, as the server makes them. */
export const CONFIRMATION_CODE_PATTERN = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

export interface ServerClientOptions {
  serverUrl: string;
  fetch: typeof fetch;
  /** Epoch ms clock for request timestamps (defaults to `Date.now`). */
  now?: () => number;
  timeoutMs?: number;
  /**
   * Allow a plain `http://` URL that is not loopback (`--insecure-http` /
   * `CLAWAUTH_INSECURE_HTTP=1`); refused otherwise, since tokens and refresh material cross it.
   */
  allowInsecureHttp?: boolean;
}

/** True when `CLAWAUTH_INSECURE_HTTP` (set by `--insecure-http` too) is on. */
export function insecureHttpAllowed(env: Record<string, string | undefined>): boolean {
  const value = env.CLAWAUTH_INSECURE_HTTP?.trim().toLowerCase();
  return value === "1" || value === "true" || value === "yes";
}

/** True for `localhost`, `*.localhost`, 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Refuses a plain-http server URL that is not loopback unless allowed: throws
 * `insecure_transport` naming the fix.
 */
export function checkServerTransport(serverUrl: string, allowInsecureHttp: boolean): void {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return; // resolveServerUrl reports malformed URLs
  }
  if (url.protocol !== "http:" || isLoopbackHost(url.hostname) || allowInsecureHttp) return;
  throw new ClawauthError(
    ERROR_CODES.INSECURE_TRANSPORT,
    `refusing the plain-http server ${url.origin}: tokens and refresh keys' proofs would cross the network unencrypted. ` +
      "Use its https:// URL, or, if you really mean it (e.g. a private network you trust), pass --insecure-http or set CLAWAUTH_INSECURE_HTTP=1",
    {
      details: {
        server: url.origin,
        fix: `use https://${url.host}${url.pathname.replace(/\/$/, "")}, or add --insecure-http`,
      },
    },
  );
}

/** Answer of `GET /claim/{id}`. */
export type ClaimAnswer =
  | { status: "pending"; provider: string }
  | { status: "completed"; provider: string; blob: SealedBox }
  | { status: "error"; provider: string; error: string };

/** One entry of `GET /v1/providers`, as far as the CLI reads it. */
export interface ProviderDetail {
  name: string;
  [field: string]: unknown;
}

/** The server's routes as functions. */
export interface ServerClient {
  readonly serverUrl: string;
  init(body: InitRequest): Promise<InitResponse>;
  /**
   * Signed `GET /status/{id}`. With `waitSeconds` (at most 30) it asks the server to hold the
   * request until the session changes (`?wait=`); `waited` is then true when the server did
   * (a 0.4 server answers at once and leaves it false).
   */
  status(
    sessionId: string,
    signSecretKey: Uint8Array,
    options?: { waitSeconds?: number },
  ): Promise<StatusResponse & { waited?: boolean }>;
  claim(sessionId: string, signSecretKey: Uint8Array): Promise<ClaimAnswer>;
  /** Signed `DELETE /session/{id}`: true when the server removed it, false when it was gone. */
  removeSession(sessionId: string, signSecretKey: Uint8Array): Promise<boolean>;
  providers(): Promise<string[]>;
  providerDetails(): Promise<ProviderDetail[]>;
  /** `POST /refresh`; with `proofKey` (the profile's refresh key) the request carries a proof. */
  refresh(body: RefreshRequest, proofKey?: Uint8Array): Promise<RefreshResponse>;
  /** `POST /revoke` (proof as for `refresh`). */
  revoke(body: RevokeRequest, proofKey?: Uint8Array): Promise<RevokeResponse>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Server-provided text made safe to quote: no control characters, at most 300 characters. */
export function quoteServerText(value: unknown): string {
  // deno-lint-ignore no-control-regex
  const text = String(value ?? "").replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").trim();
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** Parses a `Retry-After` header (seconds or HTTP date) into whole seconds ≥ 1. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.max(1, Math.min(Number(trimmed), 3600));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(1, Math.min(Math.ceil((date - now) / 1000), 3600));
}

function invalidResponse(route: string, why: string): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.SERVER_ERROR,
    `the server sent an invalid ${route} response: ${why}`,
    { status: 502, details: { transient: false } },
  );
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

function processSealedBox(value: unknown, route: string): SealedBox {
  if (!isRecord(value)) throw invalidResponse(route, "blob is not an object");
  const { ephemeralPublicKey, nonce, ciphertext } = value;
  if (
    typeof ephemeralPublicKey !== "string" || typeof nonce !== "string" ||
    typeof ciphertext !== "string"
  ) {
    throw invalidResponse(route, "blob needs ephemeralPublicKey, nonce and ciphertext strings");
  }
  return { ephemeralPublicKey, nonce, ciphertext };
}

/** Creates a client of the server at `serverUrl`. */
export function createServerClient(options: ServerClientOptions): ServerClient {
  const serverUrl = options.serverUrl.replace(/\/+$/, "");
  checkServerTransport(serverUrl, options.allowInsecureHttp === true);
  const doFetch = options.fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;

  async function request(
    route: string,
    path: string,
    init: RequestInit = {},
    extraTimeoutMs = 0,
  ): Promise<{ response: Response; body: unknown }> {
    let response: Response;
    try {
      response = await doFetch(`${serverUrl}${path}`, {
        ...init,
        signal: AbortSignal.timeout(timeoutMs + extraTimeoutMs),
      });
    } catch (cause) {
      const timedOut = cause instanceof DOMException && cause.name === "TimeoutError";
      throw new ClawauthError(
        ERROR_CODES.SERVER_UNREACHABLE,
        timedOut
          ? `the clawauth server at ${serverUrl} did not answer ${route} within ${
            Math.round(timeoutMs / 1000)
          } s`
          : `cannot reach the clawauth server at ${serverUrl} (${route}): ${
            quoteServerText(cause instanceof Error ? cause.message : cause)
          }`,
        { status: 0, cause, details: { transient: true, serverUrl } },
      );
    }
    const text = await response.text().catch(() => "");
    let body: unknown = null;
    try {
      body = text === "" ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    return { response, body };
  }

  function processErrorResponse(
    route: string,
    response: Response,
    body: unknown,
    sessionId?: string,
  ): ClawauthError {
    const status = response.status;
    const record = isRecord(body) ? body : {};
    const serverCode = typeof record.code === "string" && KNOWN_CODES.has(record.code)
      ? record.code as ErrorCode
      : undefined;
    const serverMessage = typeof record.error === "string"
      ? quoteServerText(record.error)
      : typeof record.message === "string"
      ? quoteServerText(record.message)
      : "";
    const said = serverMessage ? `: ${serverMessage}` : "";
    const details: Record<string, unknown> = { httpStatus: status, transient: false };

    if (status === 429) {
      const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"), now());
      if (retryAfterSeconds !== undefined) details.retryAfterSeconds = retryAfterSeconds;
      details.transient = true;
      return new ClawauthError(
        ERROR_CODES.RATE_LIMITED,
        `the server rate-limited ${route}${
          retryAfterSeconds ? `; retry after ${retryAfterSeconds} s` : "; retry later"
        }`,
        { status, details },
      );
    }
    if (status === 401) {
      const code = serverCode ?? ERROR_CODES.INVALID_SIGNATURE;
      const clockHint = code === ERROR_CODES.INVALID_TIMESTAMP
        ? " (check this machine's clock: requests must be within 60 s of the server's time)"
        : "";
      return new ClawauthError(
        code,
        `the server refused the signed ${route} request${said}${clockHint}`,
        { status, details },
      );
    }
    if ((status === 404 || status === 410) && sessionId !== undefined) {
      const expired = status === 410 || serverCode === ERROR_CODES.SESSION_EXPIRED;
      return new ClawauthError(
        expired ? ERROR_CODES.SESSION_EXPIRED : ERROR_CODES.SESSION_NOT_FOUND,
        `login session ${sessionId} is ${
          expired ? "expired" : "not known"
        } on ${serverUrl} (it expired, was already claimed, or was started on another server);` +
          " start a new one with `clawauth login start <provider>`",
        { status, details },
      );
    }
    if (status === 501) {
      const supported = Array.isArray(record.supportedProviders)
        ? record.supportedProviders.filter((p): p is string => typeof p === "string")
          .map(quoteServerText)
        : [];
      details.supportedProviders = supported;
      return new ClawauthError(
        serverCode ?? ERROR_CODES.UNKNOWN_PROVIDER,
        `${route} failed${said}${
          supported.length ? `; supported providers: ${supported.join(", ")}` : ""
        }`,
        { status, details },
      );
    }
    if (serverCode === ERROR_CODES.PROVIDER_NOT_CONFIGURED) {
      // Retrying cannot help until the operator changes the server's settings.
      const missing = Array.isArray(record.missing)
        ? record.missing.filter((m): m is string => typeof m === "string").map(quoteServerText)
        : [];
      if (missing.length > 0) {
        details.missing = missing;
        details.fix = `the server's operator sets ${missing.join(" and ")} and restarts it`;
      }
      return new ClawauthError(
        serverCode,
        `the server cannot serve ${route} (HTTP ${status})${said}`,
        {
          status,
          details,
        },
      );
    }
    if (status >= 500) {
      // Even a misconfigured server may be fixed and restarted while a caller backs off.
      details.transient = true;
      return new ClawauthError(
        serverCode ?? ERROR_CODES.SERVER_ERROR,
        `the server failed ${route} (HTTP ${status})${said}`,
        { status, details },
      );
    }
    return new ClawauthError(
      serverCode ?? (status === 404 ? ERROR_CODES.NOT_FOUND : ERROR_CODES.INVALID_REQUEST),
      `the server refused ${route} (HTTP ${status})${said}`,
      { status, details },
    );
  }

  async function signedGet(
    route: string,
    path: string,
    sessionId: string,
    key: Uint8Array,
    method = "GET",
    wait?: { query: string; extraTimeoutMs: number },
  ) {
    if (!SESSION_ID_PATTERN.test(sessionId)) {
      throw new ClawauthError(ERROR_CODES.USAGE, `invalid session id ${JSON.stringify(sessionId)}`);
    }
    const headers = await signRequest(key, {
      sessionId,
      path,
      method,
      timestamp: Math.floor(now() / 1000),
    });
    // The signature covers the path only (0.4 wire format), never the query.
    return await request(
      route,
      `${path}${wait?.query ?? ""}`,
      { headers, method },
      wait?.extraTimeoutMs,
    );
  }

  /** A JSON POST, with a proof signed by `proofKey` over exactly the bytes sent. */
  async function postWithProof(route: string, payload: unknown, proofKey?: Uint8Array) {
    const text = JSON.stringify(payload);
    const proof = proofKey === undefined ? {} : await createProofHeaders(proofKey, {
      method: "POST",
      url: `${serverUrl}${route}`,
      body: text,
      now: now(),
    });
    return await request(route, route, {
      method: "POST",
      headers: { "content-type": "application/json", ...proof },
      body: text,
    });
  }

  /** A session answer with `status: "error"` (HTTP 400 or 200), as 0.4 servers send it. */
  function sessionError(
    body: unknown,
  ): { status: "error"; provider: string; error: string } | null {
    if (!isRecord(body) || body.status !== "error") return null;
    return {
      status: "error",
      provider: typeof body.provider === "string" ? body.provider : "",
      error: quoteServerText(typeof body.error === "string" ? body.error : "unknown error"),
    };
  }

  return {
    serverUrl,

    async init(payload: InitRequest): Promise<InitResponse> {
      const { response, body } = await request("/init", "/init", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
      if (!response.ok) throw processErrorResponse("/init", response, body);
      if (!isRecord(body)) throw invalidResponse("/init", "not a JSON object");
      const { sessionId, provider, authUrl, shortAuthUrl, expiresIn } = body;
      if (typeof sessionId !== "string" || !SESSION_ID_PATTERN.test(sessionId)) {
        throw invalidResponse("/init", "sessionId is missing or malformed");
      }
      if (provider !== undefined && provider !== payload.provider) {
        throw invalidResponse(
          "/init",
          `provider is ${JSON.stringify(provider)}, not ${payload.provider}`,
        );
      }
      if (!isHttpUrl(authUrl)) throw invalidResponse("/init", "authUrl is not an http(s) URL");
      if (shortAuthUrl !== undefined && shortAuthUrl !== null && !isHttpUrl(shortAuthUrl)) {
        throw invalidResponse("/init", "shortAuthUrl is not an http(s) URL");
      }
      if (typeof expiresIn !== "number" || !Number.isFinite(expiresIn) || expiresIn <= 0) {
        throw invalidResponse("/init", "expiresIn is not a positive number");
      }
      const result: InitResponse = {
        sessionId,
        provider: payload.provider,
        authUrl,
        shortAuthUrl: typeof shortAuthUrl === "string" ? shortAuthUrl : authUrl,
        expiresIn,
      };
      // Newer servers only; a malformed value is dropped rather than shown to a person.
      const { confirmationCode, pollIntervalSeconds } = body;
      if (
        typeof confirmationCode === "string" && CONFIRMATION_CODE_PATTERN.test(confirmationCode)
      ) {
        result.confirmationCode = confirmationCode;
      }
      if (
        typeof pollIntervalSeconds === "number" && Number.isInteger(pollIntervalSeconds) &&
        pollIntervalSeconds >= 1 && pollIntervalSeconds <= 60
      ) {
        result.pollIntervalSeconds = pollIntervalSeconds;
      }
      return result;
    },

    async status(
      sessionId: string,
      signSecretKey: Uint8Array,
      options: { waitSeconds?: number } = {},
    ): Promise<StatusResponse & { waited?: boolean }> {
      const path = `/status/${sessionId}`;
      const waitSeconds = Math.max(
        0,
        Math.min(MAX_STATUS_WAIT_SECONDS, Math.floor(options.waitSeconds ?? 0)),
      );
      const { response, body } = await signedGet(
        "/status",
        path,
        sessionId,
        signSecretKey,
        "GET",
        waitSeconds > 0
          ? { query: `?wait=${waitSeconds}`, extraTimeoutMs: waitSeconds * 1000 }
          : undefined,
      );
      const failed = sessionError(body);
      if (failed && (response.ok || response.status === 400)) return failed;
      if (!response.ok) throw processErrorResponse("/status", response, body, sessionId);
      if (!isRecord(body) || (body.status !== "pending" && body.status !== "completed")) {
        throw invalidResponse("/status", "status is not pending, completed or error");
      }
      return {
        status: body.status,
        provider: typeof body.provider === "string" ? body.provider : "",
        ...(waitSeconds > 0 ? { waited: response.headers.has("x-clawauth-wait") } : {}),
      };
    },

    async claim(sessionId: string, signSecretKey: Uint8Array): Promise<ClaimAnswer> {
      const path = `/claim/${sessionId}`;
      const { response, body } = await signedGet("/claim", path, sessionId, signSecretKey);
      const failed = sessionError(body);
      if (failed && (response.ok || response.status === 400)) return failed;
      if (!response.ok) throw processErrorResponse("/claim", response, body, sessionId);
      if (!isRecord(body)) throw invalidResponse("/claim", "not a JSON object");
      const provider = typeof body.provider === "string" ? body.provider : "";
      if (body.status === "pending") return { status: "pending", provider };
      if (body.status !== "completed") {
        throw invalidResponse("/claim", "status is not pending, completed or error");
      }
      return { status: "completed", provider, blob: processSealedBox(body.blob, "/claim") };
    },

    async removeSession(sessionId: string, signSecretKey: Uint8Array): Promise<boolean> {
      const path = `/session/${sessionId}`;
      const { response, body } = await signedGet(
        "/session",
        path,
        sessionId,
        signSecretKey,
        "DELETE",
      );
      if (response.status === 404) return false;
      if (!response.ok) throw processErrorResponse("/session", response, body, sessionId);
      return isRecord(body) && body.removed === true;
    },

    async providers(): Promise<string[]> {
      const { response, body } = await request("/providers", "/providers");
      if (!response.ok) throw processErrorResponse("/providers", response, body);
      if (!isRecord(body) || !Array.isArray(body.providers)) {
        throw invalidResponse("/providers", "providers is not a list");
      }
      return body.providers.filter((p): p is string => typeof p === "string").map(quoteServerText);
    },

    async providerDetails(): Promise<ProviderDetail[]> {
      const { response, body } = await request("/v1/providers", "/v1/providers");
      if (!response.ok) throw processErrorResponse("/v1/providers", response, body);
      const list = Array.isArray(body) ? body : isRecord(body) ? body.providers : undefined;
      if (!Array.isArray(list)) throw invalidResponse("/v1/providers", "providers is not a list");
      return list.filter((item): item is ProviderDetail =>
        isRecord(item) && typeof item.name === "string"
      );
    },

    async refresh(payload: RefreshRequest, proofKey?: Uint8Array): Promise<RefreshResponse> {
      const { response, body } = await postWithProof("/refresh", payload, proofKey);
      if (!response.ok) throw processErrorResponse("/refresh", response, body);
      if (!isRecord(body)) throw invalidResponse("/refresh", "not a JSON object");
      return {
        provider: typeof body.provider === "string" ? body.provider : payload.provider,
        blob: processSealedBox(body.blob, "/refresh"),
      };
    },

    async revoke(payload: RevokeRequest, proofKey?: Uint8Array): Promise<RevokeResponse> {
      const { response, body } = await postWithProof("/revoke", payload, proofKey);
      if (!response.ok) throw processErrorResponse("/revoke", response, body);
      if (!isRecord(body) || typeof body.revoked !== "boolean") {
        throw invalidResponse("/revoke", "revoked is not a boolean");
      }
      return {
        provider: payload.provider,
        revoked: body.revoked,
        ...(body.reason === "unsupported" ? { reason: "unsupported" as const } : {}),
        ...(typeof body.message === "string" ? { message: quoteServerText(body.message) } : {}),
      };
    },
  };
}
