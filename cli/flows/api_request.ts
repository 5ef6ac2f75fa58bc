/**
 * One authenticated API call for `clawauth api` and the MCP tool `call_api`: the token is sent
 * only to the provider's API hosts (https, or http on loopback), redirects are followed by
 * hand and never carry the token to another host, a 401 triggers one forced refresh and one
 * retry, and a caller's own `Authorization` header wins over the stored token.
 *
 * @see ./agent_spec.ts (where the host list comes from, and why never from the server)
 */
import { ClawauthError, ERROR_CODES, isClawauthError } from "../../shared/errors.ts";
import type { ApiSpec } from "../../providers/types.ts";
import type { CliContext } from "../context.ts";
import type { CredentialRecord } from "../store/types.ts";
import { apiBaseEnvName, isTokenSafeUrl, resolveAgentSpec } from "./agent_spec.ts";
import { ensureValidToken } from "./refresh.ts";

/** Redirects followed before giving up. */
export const MAX_REDIRECTS = 5;
/** Time limit of one HTTP request. */
export const API_TIMEOUT_MS = 60_000;

/** What to call. */
export interface ApiRequestOptions {
  /** Provider name or profile id (`github:work`). */
  provider: string;
  profile?: string;
  /** A path (`/user`, resolved against the API base) or an absolute URL on an allowed host. */
  target: string;
  method: string;
  /** Extra headers in order; later ones win. */
  headers: Array<[string, string]>;
  body?: Uint8Array<ArrayBuffer>;
  /** Read at most this many body bytes (the rest is dropped, `truncated` is set). */
  maxBodyBytes?: number;
  /** Replace the profile's tokens with `[redacted]` wherever they appear in the answer. */
  redact?: boolean;
}

/** What came back. */
export interface ApiResponse {
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
  truncated: boolean;
  /** The final URL (after redirects), without its query. */
  url: string;
  method: string;
  /** The profile whose token was used (null when the caller's own Authorization was sent). */
  profile: string | null;
  /** True when a 401 led to a forced refresh and a retry. */
  refreshed: boolean;
}

/** True when `url` may receive the token: token-safe scheme and an exact host of `api.hosts`. */
export function isAllowedApiUrl(url: URL, api: ApiSpec): boolean {
  return isTokenSafeUrl(url) && api.hosts.map((h) => h.toLowerCase()).includes(url.host);
}

/** Resolves a path against the API base (keeping the base's path), or parses an absolute URL. */
export function resolveApiUrl(target: string, api: ApiSpec): URL {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    try {
      return new URL(target);
    } catch {
      throw new ClawauthError(ERROR_CODES.USAGE, `not a valid URL: ${JSON.stringify(target)}`);
    }
  }
  const base = api.baseUrl.replace(/\/+$/, "");
  return new URL(`${base}/${target.replace(/^\/+/, "")}`);
}

function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function refuse(url: URL, provider: string, api: ApiSpec): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.API_HOST_REFUSED,
    `refusing to send the ${provider} token to ${url.protocol}//${url.host}: ${provider} tokens go only to ${
      api.hosts.join(", ")
    } over https (http only on loopback); use a path (e.g. /user) or a URL on those hosts`,
    { details: { host: url.host, allowedHosts: api.hosts } },
  );
}

function hasHeader(headers: Array<[string, string]>, name: string): boolean {
  return headers.some(([key]) => key.toLowerCase() === name);
}

function accessTokenOf(record: CredentialRecord): string {
  const token = record.secret.access_token ?? record.secret.key;
  if (!token) {
    throw new ClawauthError(
      ERROR_CODES.TOKEN_NOT_FOUND,
      `${record.meta.id} holds no access token; log in again: clawauth login start ${record.meta.provider}`,
    );
  }
  return token;
}

async function readCapped(
  response: Response,
  max: number | undefined,
): Promise<{ body: Uint8Array; truncated: boolean }> {
  if (max === undefined) {
    return { body: new Uint8Array(await response.arrayBuffer()), truncated: false };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  const reader = response.body?.getReader();
  if (reader) {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.length > max) {
        chunks.push(value.subarray(0, max - size));
        size = max;
        truncated = true;
        await reader.cancel().catch(() => {});
        break;
      }
      chunks.push(value);
      size += value.length;
    }
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return { body, truncated };
}

function redactText(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.replaceAll(secret, "[redacted]");
  }
  return out;
}

interface Attempt {
  response: Response;
  url: URL;
  method: string;
}

/** Sends the request, following redirects by hand; the token goes only to allowed hosts. */
async function send(
  ctx: CliContext,
  { start, options, auth }: {
    start: URL;
    options: { method: string; headers: Array<[string, string]>; body?: Uint8Array<ArrayBuffer> };
    auth: { header?: string; api: ApiSpec; provider: string };
  },
): Promise<Attempt> {
  let url = start;
  let method = options.method;
  let body = options.body;
  let sameHostChain = true;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const allowed = isAllowedApiUrl(url, auth.api);
    if (hop === 0 && !allowed) throw refuse(url, auth.provider, auth.api);
    const headers = new Headers();
    for (const [name, value] of options.headers) {
      // A caller's own Authorization goes where the token may go, nowhere else.
      if (name.toLowerCase() === "authorization" && !(allowed && sameHostChain)) continue;
      headers.set(name, value);
    }
    if (auth.header && allowed && sameHostChain) headers.set("authorization", auth.header);
    const response = await ctx.fetch(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      redirect: "manual",
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || location === null) {
      return { response, url, method };
    }
    await response.body?.cancel().catch(() => {});
    const next = new URL(location, url);
    if (!isAllowedApiUrl(next, auth.api)) {
      // Once off the API hosts, never back on with the token (an open redirect could bounce).
      sameHostChain = false;
      ctx.stderr(
        `clawauth: following a redirect to ${next.protocol}//${next.host} without the token\n`,
      );
    }
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === "POST")
    ) {
      method = "GET";
      body = undefined;
    }
    url = next;
  }
  throw new ClawauthError(
    ERROR_CODES.HTTP_ERROR,
    `more than ${MAX_REDIRECTS} redirects from ${shown(start)}`,
  );
}

/**
 * Makes one API call with the stored token of `options.provider` and returns the answer
 * (any HTTP status). Throws `api_host_refused` for a URL outside the provider's API hosts,
 * `api_not_configured` when the provider has no API base, and the token errors of
 * `getValidToken` (token_not_found, needs_login, transient_error).
 */
export async function apiRequest(
  ctx: CliContext,
  options: ApiRequestOptions,
): Promise<ApiResponse> {
  const providerName = options.provider.split(":")[0];
  const spec = await resolveAgentSpec(ctx, providerName);
  if (!spec.api) {
    throw new ClawauthError(
      ERROR_CODES.API_NOT_CONFIGURED,
      `${providerName} has no API base URL in the registry; set ${
        apiBaseEnvName(providerName)
      } (and CLAWAUTH_API_HOSTS_* for more hosts) on this machine, or use \`clawauth exec\``,
      { details: { setting: apiBaseEnvName(providerName) } },
    );
  }
  const api = spec.api;
  const url = resolveApiUrl(options.target, api);
  if (!isAllowedApiUrl(url, api)) throw refuse(url, providerName, api);

  const headers: Array<[string, string]> = [
    ...Object.entries(api.headers ?? {}),
    ...options.headers,
  ];
  const ownAuth = hasHeader(options.headers, "authorization");
  const select = { provider: options.provider, profile: options.profile };
  let record = ownAuth ? null : (await ensureValidToken(ctx, select)).record;
  const method = options.method.toUpperCase();
  const request = { method, headers, body: options.body };
  const authHeader = () => record ? `Bearer ${accessTokenOf(record)}` : undefined;
  let attempt = await send(ctx, {
    start: url,
    options: request,
    auth: { header: authHeader(), api, provider: providerName },
  });
  let refreshed = false;
  if (
    attempt.response.status === 401 && record !== null && record.secret.refresh_token &&
    isAllowedApiUrl(attempt.url, api)
  ) {
    try {
      record = (await ensureValidToken(ctx, { ...select, profile: record.meta.id, force: true }))
        .record;
      refreshed = true;
    } catch (error) {
      if (!isClawauthError(error) || error.code === ERROR_CODES.NEEDS_LOGIN) throw error;
      ctx.stderr(`clawauth: the API answered 401 and a refresh failed: ${error.message}\n`);
    }
    if (refreshed) {
      await attempt.response.body?.cancel().catch(() => {});
      attempt = await send(ctx, {
        start: url,
        options: request,
        auth: { header: authHeader(), api, provider: providerName },
      });
    }
  }
  const { body, truncated } = await readCapped(attempt.response, options.maxBodyBytes);
  const responseHeaders: Record<string, string> = {};
  attempt.response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  let finalBody = body;
  if (options.redact && record) {
    const secrets = [record.secret.access_token, record.secret.refresh_token, record.secret.key]
      .filter((s): s is string => typeof s === "string");
    finalBody = new TextEncoder().encode(
      redactText(new TextDecoder().decode(body), secrets),
    );
    for (const [name, value] of Object.entries(responseHeaders)) {
      responseHeaders[name] = redactText(value, secrets);
    }
  }
  return {
    status: attempt.response.status,
    headers: responseHeaders,
    body: finalBody,
    truncated,
    url: shown(attempt.url),
    method: attempt.method,
    profile: record?.meta.id ?? null,
    refreshed,
  };
}
