// In-process test server: the real app over a `:memory:` KV with an injected clock, and (when
// asked) the real oidc-provider upstream on loopback configured as an operator-defined provider
// through the same JSON `CLAWAUTH_PROVIDERS` takes.

import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { loadCustomProviders } from "../../providers/custom.ts";
import { createRegistry } from "../../providers/registry.ts";
import type { ProviderSpec } from "../../providers/types.ts";
import { createApp } from "../../server/app.ts";
import { loadConfig, type ServerConfig } from "../../server/config.ts";
import type { LogLine } from "../../server/services.ts";
import { encodeBase64 } from "../../shared/base64.ts";
import { signRequest } from "../../shared/sign_request.ts";
import type { InitResponse } from "../../shared/wire.ts";
import {
  authorizeOverHttp,
  type AuthorizeOverHttpOptions,
  CookieJar,
  type OidcUpstream,
  startOidcUpstream,
} from "../fixtures/oidc_provider.ts";

export const BASE_URL = "http://clawauth.test";
export const STATE_SECRET = "test-state-signing-secret-0123456789abcdef";
/** Provider name the upstream is registered under. */
export const UPSTREAM_PROVIDER = "demo";

export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export interface ClientKeys {
  signSecretKey: Uint8Array;
  verifyKey: string;
  boxPublicKey: string;
  boxSecretKey: Uint8Array;
  /** Ed25519 refresh key pair (sent as `refreshKey` only when asked: `bindRefresh`). */
  refreshSecretKey: Uint8Array;
  refreshKey: string;
}

export interface TestServer {
  app: ReturnType<typeof createApp>;
  kv: Deno.Kv;
  config: ServerConfig;
  clock: TestClock;
  logs: LogLine[];
  upstream?: OidcUpstream;
  /** `fetch` that sends requests for BASE_URL to the app and everything else to the network. */
  fetch: typeof fetch;
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Extra environment (wins over the defaults below). */
  env?: Record<string, string>;
  /**
   * Start the oidc-provider upstream and register it as provider `demo`; otherwise `demo` is
   * an OAuth 2.0 provider whose endpoints nothing answers (for tests that never reach them).
   */
  upstream?: boolean | { rotateRefreshTokens?: boolean; clientAuth?: "basic" | "body" };
  /** Extra entries appended to the CLAWAUTH_PROVIDERS JSON. */
  customProviders?: Record<string, unknown>[];
  /** `fetch` the app uses for token endpoints (default: global fetch). */
  appFetch?: typeof fetch;
  /** Deadline timer of a waiting `/status?wait=` (default: real timers). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Registry fields operators cannot set in JSON, per provider (e.g. `issuerInResponse`). */
  registryPatch?: Record<string, Partial<ProviderSpec>>;
}

export function createClock(start = Date.UTC(2026, 0, 1)): TestClock {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

export function newClientKeys(): ClientKeys {
  const sign = nacl.sign.keyPair();
  const box = nacl.box.keyPair();
  const refresh = nacl.sign.keyPair();
  return {
    signSecretKey: sign.secretKey,
    verifyKey: encodeBase64(sign.publicKey),
    boxPublicKey: encodeBase64(box.publicKey),
    boxSecretKey: box.secretKey,
    refreshSecretKey: refresh.secretKey,
    refreshKey: encodeBase64(refresh.publicKey),
  };
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clock = createClock(Date.now());
  const logs: LogLine[] = [];
  let upstream: OidcUpstream | undefined;
  const providers: Record<string, unknown>[] = [...(options.customProviders ?? [])];
  if (options.upstream) {
    const upstreamOptions = typeof options.upstream === "object" ? options.upstream : {};
    upstream = await startOidcUpstream({
      redirectUris: [`${BASE_URL}/callback/${UPSTREAM_PROVIDER}`],
      ...upstreamOptions,
    });
    providers.unshift({
      name: UPSTREAM_PROVIDER,
      displayName: "Demo IdP",
      type: "oidc",
      issuer: upstream.issuer,
      clientId: upstream.client.clientId,
      clientSecret: upstream.client.clientSecret,
      scopes: ["openid", "offline_access"],
      authorizeParams: { prompt: "consent" },
    });
  } else {
    // Same name without a live upstream (port 9 is discard: nothing answers there).
    providers.unshift({
      name: UPSTREAM_PROVIDER,
      type: "oauth2",
      authorizeUrl: "http://127.0.0.1:9/authorize",
      tokenUrl: "http://127.0.0.1:9/token",
      clientId: "offline-client",
      clientSecret: "offline-secret",
      pkce: "supported",
      scopes: ["openid"],
    });
  }
  const env: Record<string, string> = {
    PUBLIC_BASE_URL: BASE_URL,
    STATE_SIGNING_SECRET: STATE_SECRET,
    CLAWAUTH_KV_PATH: ":memory:",
    CLAWAUTH_INIT_RATE_LIMIT: "0",
    CLAWAUTH_REFRESH_RATE_LIMIT: "0",
    CLAWAUTH_LINK_RATE_LIMIT: "0",
    ...(providers.length > 0 ? { CLAWAUTH_PROVIDERS: JSON.stringify(providers) } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const custom = await loadCustomProviders({ env });
  const kv = await Deno.openKv(":memory:");
  const app = createApp({
    kv,
    config,
    registry: createRegistry(
      custom.specs.map((spec) => ({ ...spec, ...options.registryPatch?.[spec.name] })),
    ),
    providerOverrides: custom.overrides,
    now: clock.now,
    fetch: options.appFetch,
    log: (line) => logs.push(line),
    sleep: options.sleep,
  });
  const routed: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(`${BASE_URL}/`)) return Promise.resolve(app.request(url, init));
    return fetch(input, init);
  };
  return {
    app,
    kv,
    config,
    clock,
    logs,
    upstream,
    fetch: routed,
    request: (path, init) => Promise.resolve(app.request(`${BASE_URL}${path}`, init)),
    async close() {
      kv.close();
      await upstream?.close();
    },
  };
}

export function postJson(server: TestServer, path: string, body: unknown): Promise<Response> {
  return server.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** `POST /init` for `provider` with fresh keys; throws unless it answers 200. */
export async function initSession(
  server: TestServer,
  options: {
    provider?: string;
    keys?: ClientKeys;
    ttlSeconds?: number;
    scope?: string;
    bindRefresh?: boolean;
  } = {},
): Promise<{ init: InitResponse; keys: ClientKeys }> {
  const keys = options.keys ?? newClientKeys();
  const response = await postJson(server, "/init", {
    provider: options.provider ?? UPSTREAM_PROVIDER,
    verifyKey: keys.verifyKey,
    boxPublicKey: keys.boxPublicKey,
    ...(options.bindRefresh ? { refreshKey: keys.refreshKey } : {}),
    ttlSeconds: options.ttlSeconds,
    scope: options.scope,
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`init: ${response.status} ${JSON.stringify(body)}`);
  return { init: body, keys };
}

/** A signed `GET /<action>/<id>`; `path` overrides the signed path. */
export async function signedGet(
  server: TestServer,
  options: {
    action: "status" | "claim";
    sessionId: string;
    keys: ClientKeys;
    timestamp?: number;
    nonce?: string;
    signedPath?: string;
  },
): Promise<Response> {
  const path = `/${options.action}/${options.sessionId}`;
  const headers = await signRequest(options.keys.signSecretKey, {
    sessionId: options.sessionId,
    path: options.signedPath ?? path,
    timestamp: options.timestamp ?? Math.floor(server.clock.now() / 1000),
    nonce: options.nonce,
  });
  return server.request(path, { headers });
}

/** Opens the link, continues, drives login + consent; returns the callback URL and the jar. */
export async function authorize(
  server: TestServer,
  init: InitResponse,
  options: AuthorizeOverHttpOptions = {},
): Promise<{ callbackUrl: URL; cookies: CookieJar; authorizeUrl: URL }> {
  const result = await authorizeOverHttp(init.shortAuthUrl, { fetch: server.fetch, ...options });
  const authorizeUrl = result.visited.find((url) => url.origin !== BASE_URL)!;
  return { ...result, authorizeUrl };
}

/** A confirmation page opened like a browser would (GET), and the jar that keeps its cookie. */
export async function openConfirmPage(
  server: TestServer,
  init: InitResponse,
  cookies = new CookieJar(),
): Promise<{ response: Response; cookies: CookieJar; html: string }> {
  const response = await cookies.fetch(init.shortAuthUrl, {}, server.fetch);
  return { response, cookies, html: await response.text() };
}

/** The hidden CSRF token of a confirmation page. */
export function csrfTokenOf(html: string): string {
  const token = html.match(/<input type="hidden" name="csrf" value="([^"]+)">/)?.[1];
  if (token === undefined) throw new Error(`no CSRF field in: ${html.slice(0, 300)}`);
  return token;
}

/** A browser's same-origin POST of the confirmation form (no redirect followed). */
export function postContinue(
  server: TestServer,
  init: InitResponse,
  options: { cookies: CookieJar; token: string; headers?: Record<string, string> },
): Promise<Response> {
  return options.cookies.fetch(init.shortAuthUrl, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "sec-fetch-site": "same-origin",
      origin: BASE_URL,
      ...options.headers,
    },
    body: new URLSearchParams({ csrf: options.token }).toString(),
  }, server.fetch);
}

/** The person's part up to the provider: opens the page and presses Continue (303 expected). */
export async function openShortLink(
  server: TestServer,
  init: InitResponse,
  cookies = new CookieJar(),
): Promise<{ response: Response; cookies: CookieJar; authorizeUrl: URL }> {
  const page = await openConfirmPage(server, init, cookies);
  if (page.response.status !== 200) {
    throw new Error(`confirmation page: ${page.response.status} ${page.html.slice(0, 300)}`);
  }
  const response = await postContinue(server, init, { cookies, token: csrfTokenOf(page.html) });
  await response.body?.cancel();
  if (response.status !== 303) throw new Error(`continue: ${response.status}`);
  return { response, cookies, authorizeUrl: new URL(response.headers.get("location")!) };
}

/** The callback URL a provider would redirect to, with `state` taken from the authorize URL. */
export function callbackUrlFor(
  opened: { authorizeUrl: URL },
  params: Record<string, string>,
  provider = UPSTREAM_PROVIDER,
): string {
  const state = opened.authorizeUrl.searchParams.get("state")!;
  return `${BASE_URL}/callback/${provider}?${new URLSearchParams({ ...params, state })}`;
}

/** Sends the callback with the jar's cookies (none when `cookies` is null). */
export function sendCallback(
  server: TestServer,
  callbackUrl: URL | string,
  cookies: CookieJar | null,
  headers: Record<string, string> = {},
): Promise<Response> {
  const url = new URL(callbackUrl);
  const cookie = cookies?.cookieHeader(url) ?? "";
  return Promise.resolve(server.app.request(url.href, {
    headers: { ...(cookie ? { cookie } : {}), ...headers },
  }));
}

/** init → short link → login + consent → callback; the session is completed afterwards. */
export async function completeFlow(
  server: TestServer,
  options: { account?: string; bindRefresh?: boolean } = {},
): Promise<
  {
    init: InitResponse;
    keys: ClientKeys;
    callback: Response;
    cookies: CookieJar;
    authorizeUrl: URL;
  }
> {
  const { init, keys } = await initSession(server, { bindRefresh: options.bindRefresh });
  const { callbackUrl, cookies, authorizeUrl } = await authorize(server, init, {
    account: options.account,
  });
  const callback = await sendCallback(server, callbackUrl, cookies);
  if (callback.status !== 200) {
    throw new Error(`callback: ${callback.status} ${await callback.text()}`);
  }
  await callback.body?.cancel();
  return { init, keys, callback, cookies, authorizeUrl };
}

/** Every KV entry, for scans of what the server stored. */
export async function allEntries(kv: Deno.Kv): Promise<Deno.KvEntry<unknown>[]> {
  const entries: Deno.KvEntry<unknown>[] = [];
  for await (const entry of kv.list({ prefix: [] })) entries.push(entry);
  return entries;
}

/** Runs `fn` with a fresh test server and closes it afterwards. */
export async function withTestServer(
  fn: (server: TestServer) => Promise<void>,
  options: TestServerOptions = {},
): Promise<void> {
  const server = await startTestServer(options);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** Asserts a JSON error body's status, code and exact message; returns the body. */
export async function assertJsonError(
  response: Response,
  expected: { status: number; code: string; error: string },
): Promise<Record<string, unknown>> {
  const body = await response.json();
  assert.equal(response.status, expected.status, JSON.stringify(body));
  assert.deepEqual({ code: body.code, error: body.error }, {
    code: expected.code,
    error: expected.error,
  });
  return body;
}

/** Asserts an HTML page's status, error code (when given) and a piece of its message. */
export async function assertPage(
  response: Response,
  expected: { status: number; code?: string; message: string },
): Promise<string> {
  const html = await response.text();
  assert.equal(response.status, expected.status, html);
  assert.match(response.headers.get("content-type")!, /^text\/html/);
  if (expected.code !== undefined) assert.ok(html.includes(`data-code="${expected.code}"`), html);
  assert.ok(html.includes(expected.message), html);
  return html;
}
