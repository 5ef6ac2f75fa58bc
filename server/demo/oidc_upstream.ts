/**
 * A real OAuth 2.0 / OpenID Connect authorization server (`npm:oidc-provider`) on loopback, used
 * as the upstream provider by clawauth's tests and by the newcomer demo (`deno task demo`).
 *
 * ```ts
 * const upstream = await startOidcUpstream({ redirectUris: ["http://127.0.0.1:8787/callback"] });
 * // upstream.issuer, upstream.authorizeUrl, upstream.tokenUrl, upstream.client.clientSecret ...
 * await upstream.close();
 * ```
 *
 * Behaviour worth knowing:
 * - Two clients. `client` is confidential (`client_secret_basic` by default, `clientAuth: "body"`
 *   for `client_secret_post`), PKCE optional unless `requirePkce`. `publicClient` has
 *   `token_endpoint_auth_method: none`, PKCE (S256) required; when all its redirect URIs are
 *   loopback `http://127.0.0.1|localhost|[::1]` it is a *native* client, so any port on the
 *   registered loopback URI is accepted (RFC 8252 §7.3) and consent is asked on every login.
 * - Refresh tokens are issued on EVERY authorization-code grant, to both clients, whether or not
 *   `offline_access` was requested, and they do not expire with the login session. (Plain
 *   oidc-provider only issues them for `offline_access`, and drops `offline_access` when a
 *   `prompt` parameter without `consent` is present.) Rotation is on by default: every refresh
 *   returns a new refresh token and the old one becomes invalid (`invalid_grant`; reusing a
 *   rotated one also revokes the whole grant, as oidc-provider does).
 * - Access tokens are opaque; the userinfo endpoint accepts them when `openid` was granted.
 * - `counts` and `tokenRequestBodies` are live: a token request is counted and recorded after
 *   oidc-provider has handled it and before the response is sent.
 *
 * Interaction pages (login, then consent), stable selectors for browsers and HTTP drivers:
 *
 * | page    | marker                     | form                                      | fields / buttons                                                  |
 * |---------|----------------------------|-------------------------------------------|-------------------------------------------------------------------|
 * | login   | `body[data-page=login]`    | `form#login-form` POST `/interaction/{uid}/login`   | `input[name=login]`, `input[name=password]`, `button#login-submit` |
 * | login   | (wrong password)           | same page, HTTP 401, `#login-error`       | cancel: `form#abort-form` / `button#login-abort` → `error=access_denied` |
 * | consent | `body[data-page=consent]`  | `form#consent-form` POST `/interaction/{uid}/confirm` | `button#consent-allow`                                  |
 * | consent | deny                       | `form#consent-deny-form` POST `/interaction/{uid}/abort` | `button#consent-deny` → redirect with `error=access_denied` |
 * | error   | `body[data-page=error]`    | none                                      | `#interaction-error`                                              |
 *
 * The interaction forms carry no hidden fields: the interaction is identified by oidc-provider's
 * `_interaction` cookie (path `/interaction/{uid}`), so an HTTP driver must keep cookies.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import "./_quiet_runtime_warning.ts";
import Provider from "oidc-provider";
import { createMemoryStore } from "./_memory_adapter.ts";
import {
  escapeHtml,
  PAGE_HEADERS,
  renderConsentPage,
  renderErrorPage,
  renderLoginPage,
} from "./_interaction_pages.ts";

export interface UpstreamAccount {
  /** Login name, also the OpenID `sub`. */
  id: string;
  password: string;
  email?: string;
  name?: string;
}

export const DEMO_ACCOUNTS: readonly UpstreamAccount[] = Object.freeze([
  { id: "alice", password: "alice-password", email: "alice@example.test", name: "Alice Demo" },
  { id: "bob", password: "bob-password", email: "bob@example.test", name: "Bob Demo" },
]);

export const DEFAULT_UPSTREAM_SCOPES: readonly string[] = Object.freeze([
  "openid",
  "profile",
  "email",
  "offline_access",
]);

export interface OidcUpstreamOptions {
  /** Redirect URIs of the confidential client (exact match). More can be added later with `addRedirectUri`. */
  redirectUris: string[];
  /** How the confidential client authenticates at the token endpoint. Default `basic`. */
  clientAuth?: "basic" | "body";
  /** Default `clawauth-test-client`. */
  clientId?: string;
  /** Default: 32 random bytes, base64url. */
  clientSecret?: string;
  /** Redirect URIs of the public (PKCE) client. Default: `["http://127.0.0.1/callback"]` (any port). */
  publicRedirectUris?: string[];
  /** Default `clawauth-public-client`. */
  publicClientId?: string;
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Default 14 days. */
  refreshTokenTtlSeconds?: number;
  /** Default true: every refresh grant returns a new refresh token and spends the old one. */
  rotateRefreshTokens?: boolean;
  /** Require PKCE from the confidential client too. Default false (the public client always needs it). */
  requirePkce?: boolean;
  /** Default `DEMO_ACCOUNTS` (alice/alice-password, bob/bob-password). */
  accounts?: readonly UpstreamAccount[];
  /** Scopes the provider knows. Default `openid profile email offline_access`. */
  scopes?: readonly string[];
  /** Default 0 (a free port). */
  port?: number;
  /** Default `127.0.0.1`. The issuer URL uses it too. */
  hostname?: string;
  /** Show the demo accounts on the login page (for the newcomer demo). Default: true when `accounts` is not given. */
  showAccountHint?: boolean;
  /**
   * Issue JWT access tokens (RS256, signed with the provider's key) for this resource instead of
   * opaque ones, through oidc-provider's resource indicators (RFC 8707): every authorization
   * and refresh defaults to `resource`, and `claims(accountId)` are added to each access token
   * (e.g. OpenAI's `https://api.openai.com/auth` → `chatgpt_account_id`). The userinfo endpoint
   * does not accept these tokens (their audience is the resource).
   */
  jwtAccessTokens?: {
    resource: string;
    claims?: (accountId: string) => Record<string, unknown>;
  };
}

export interface UpstreamCounts {
  /** Every POST to the token endpoint, including those answered 503 while down. */
  tokenRequests: number;
  /** Handled requests with `grant_type=authorization_code` (successful or not). */
  authorizationCodeGrants: number;
  /** Handled requests with `grant_type=refresh_token` (successful or not). */
  refreshGrants: number;
  /** Handled requests with any other or no grant type. */
  otherGrants: number;
  /** Requests answered 503 by `setTokenEndpointDown(true)`. */
  downResponses: number;
}

export interface HeldTokenResponses {
  /** Resolves with the form body of the next token request that is being held (or one already held and not yet awaited). */
  nextRequest(): Promise<URLSearchParams>;
  /** Sends every held response and stops holding. */
  release(): void;
}

export interface AuthorizeUrlOptions {
  redirectUri: string;
  state: string;
  /** Default: the confidential client. */
  clientId?: string;
  /** Default: all known scopes, space-separated. */
  scope?: string;
  codeChallenge?: string;
  nonce?: string;
  extra?: Record<string, string>;
}

export interface OidcUpstream {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  issuer: string;
  discoveryUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  revocationUrl: string;
  introspectionUrl: string;
  jwksUrl: string;
  client: {
    clientId: string;
    clientSecret: string;
    authMethod: "client_secret_basic" | "client_secret_post";
  };
  publicClient: { clientId: string };
  accounts: readonly UpstreamAccount[];
  scopes: readonly string[];
  /** Live counters, see `UpstreamCounts`. */
  counts: UpstreamCounts;
  /** The form body of every handled token request, in order (not those refused while down). */
  tokenRequestBodies: URLSearchParams[];
  /** While down, the token endpoint answers 503 `temporarily_unavailable` without reading or changing anything. */
  setTokenEndpointDown(down: boolean): void;
  /**
   * Token requests are fully processed (a refresh grant rotates the refresh token) but their
   * responses are withheld until `release()`: the "client died after sending the grant" case.
   */
  holdTokenResponses(): HeldTokenResponses;
  /** Invalidates every refresh token issued so far (they get `invalid_grant`); returns how many. */
  revokeRefreshTokens(): number;
  /** Accepts one more exact redirect URI for a client (default the confidential one), e.g. a server started later. */
  addRedirectUri(uri: string, client?: "confidential" | "public"): void;
  /** An authorization request URL for the given client. */
  authorizeUrlFor(options: AuthorizeUrlOptions): string;
  /** The underlying oidc-provider instance (untyped), for anything not covered here. */
  provider: unknown;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
const FOURTEEN_DAYS = 14 * 24 * 60 * 60;
const MAX_FORM_BYTES = 64 * 1024;

let signingKeyPromise: Promise<JsonWebKey> | undefined;

function rsaSigningKey(): Promise<JsonWebKey> {
  signingKeyPromise ??= (async () => {
    const pair = await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign", "verify"],
    );
    const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
    const { key_ops: _ops, ext: _ext, ...rest } = jwk;
    return { ...rest, use: "sig", kid: "clawauth-demo-rs256" } as JsonWebKey;
  })();
  return signingKeyPromise;
}

function randomToken(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

function isLoopbackHttp(uri: string): boolean {
  const parsed = URL.parse(uri);
  return parsed !== null && parsed.protocol === "http:" && LOOPBACK_HOSTS.has(parsed.hostname);
}

function formatHost(hostname: string): string {
  return hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Uint8Array).length;
    if (size > MAX_FORM_BYTES) throw new Error("form body too large");
    chunks.push(chunk as Uint8Array);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return new URLSearchParams(new TextDecoder().decode(body));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(html);
}

function toSearchParams(body: unknown): URLSearchParams {
  const params = new URLSearchParams();
  if (body && typeof body === "object") {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined) params.append(key, String(item));
      }
    }
  }
  return params;
}

// deno-lint-ignore no-explicit-any
type Any = any;

export async function startOidcUpstream(options: OidcUpstreamOptions): Promise<OidcUpstream> {
  const hostname = options.hostname ?? "127.0.0.1";
  const accounts = options.accounts ?? DEMO_ACCOUNTS;
  const showAccountHint = options.showAccountHint ?? options.accounts === undefined;
  const scopes = [...(options.scopes ?? DEFAULT_UPSTREAM_SCOPES)];
  const clientId = options.clientId ?? "clawauth-test-client";
  const clientSecret = options.clientSecret ?? randomToken();
  const authMethod = options.clientAuth === "body" ? "client_secret_post" : "client_secret_basic";
  const publicClientId = options.publicClientId ?? "clawauth-public-client";
  const publicRedirectUris = options.publicRedirectUris ?? ["http://127.0.0.1/callback"];
  const jwtResource = options.jwtAccessTokens;
  const extraRedirectUris = { confidential: new Set<string>(), public: new Set<string>() };
  const store = createMemoryStore();
  const counts: UpstreamCounts = {
    tokenRequests: 0,
    authorizationCodeGrants: 0,
    refreshGrants: 0,
    otherGrants: 0,
    downResponses: 0,
  };
  const tokenRequestBodies: URLSearchParams[] = [];
  let tokenEndpointDown = false;
  let hold: {
    released: Promise<void>;
    release: () => void;
    queue: URLSearchParams[];
    waiters: ((body: URLSearchParams) => void)[];
  } | undefined;

  // Listen first so the Provider can be built with its real issuer (port 0 → actual port).
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${formatHost(hostname)}:${port}`;

  const accountById = new Map(accounts.map((account) => [account.id, account]));
  const confidentialRedirects = options.redirectUris.length > 0
    ? options.redirectUris
    : [`${issuer}/no-redirect-uri-registered-yet/callback`];

  const provider: Any = new Provider(issuer, {
    adapter: (model: string) => store.adapterFor(model),
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: confidentialRedirects,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: authMethod,
      },
      {
        client_id: publicClientId,
        application_type: publicRedirectUris.every(isLoopbackHttp) ? "native" : "web",
        redirect_uris: publicRedirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
      },
    ],
    jwks: { keys: [await rsaSigningKey()] },
    cookies: { keys: [randomToken(), randomToken()] },
    scopes,
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "preferred_username"],
    },
    findAccount(_ctx: unknown, sub: string) {
      const account = accountById.get(sub);
      if (!account) return undefined;
      return {
        accountId: account.id,
        claims() {
          return {
            sub: account.id,
            preferred_username: account.id,
            name: account.name ?? account.id,
            email: account.email ?? `${account.id}@example.test`,
            email_verified: true,
          };
        },
      };
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      ...(jwtResource === undefined ? {} : {
        resourceIndicators: {
          enabled: true,
          defaultResource: () => jwtResource.resource,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: scopes.join(" "),
            audience: jwtResource.resource,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "RS256" } },
          }),
        },
      }),
    },
    ...(jwtResource?.claims === undefined ? {} : {
      extraTokenClaims(_ctx: unknown, token: { kind: string; accountId?: string }) {
        if (token.kind !== "AccessToken" || token.accountId === undefined) return undefined;
        return jwtResource.claims!(token.accountId);
      },
    }),
    interactions: {
      url(_ctx: unknown, interaction: { uid: string }) {
        return `/interaction/${interaction.uid}`;
      },
    },
    pkce: {
      required(_ctx: unknown, client: { clientAuthMethod: string }) {
        return client.clientAuthMethod === "none" || options.requirePkce === true;
      },
    },
    issueRefreshToken(_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) {
      return client.grantTypeAllowed("refresh_token");
    },
    expiresWithSession() {
      return false;
    },
    rotateRefreshToken: options.rotateRefreshTokens ?? true,
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
      AuthorizationCode: 600,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: options.refreshTokenTtlSeconds ?? FOURTEEN_DAYS,
      Session: FOURTEEN_DAYS,
      Grant: FOURTEEN_DAYS,
    },
    renderError(ctx: Any, out: Record<string, string>) {
      ctx.type = "html";
      ctx.set("cache-control", "no-store");
      ctx.body = renderErrorPage(
        `${out.error ?? "error"}: ${out.error_description ?? "the request could not be processed"}`,
      );
    },
  });

  const originalRedirectUriAllowed = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(
    this: { clientId: string },
    value: string,
  ): boolean {
    if (originalRedirectUriAllowed.call(this, value)) return true;
    if (this.clientId === clientId) return extraRedirectUris.confidential.has(value);
    if (this.clientId === publicClientId) return extraRedirectUris.public.has(value);
    return false;
  };

  const tokenPath = new URL(provider.urlFor("token")).pathname;
  provider.use(async function tokenEndpointProbe(ctx: Any, next: () => Promise<void>) {
    if (ctx.method !== "POST" || ctx.path !== tokenPath) return next();
    counts.tokenRequests++;
    if (tokenEndpointDown) {
      counts.downResponses++;
      ctx.status = 503;
      ctx.set("retry-after", "1");
      ctx.set("cache-control", "no-store");
      ctx.body = {
        error: "temporarily_unavailable",
        error_description: "the token endpoint is down (test switch)",
      };
      return;
    }
    await next();
    const body = toSearchParams(ctx.oidc?.body);
    tokenRequestBodies.push(body);
    const grantType = body.get("grant_type");
    if (grantType === "authorization_code") counts.authorizationCodeGrants++;
    else if (grantType === "refresh_token") counts.refreshGrants++;
    else counts.otherGrants++;
    const held = hold;
    if (held) {
      const waiter = held.waiters.shift();
      if (waiter) waiter(body);
      else held.queue.push(body);
      await held.released;
    }
  });

  const providerCallback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const [, , uid, action] = url.pathname.split("/");
    if (!uid) return sendHtml(res, 404, renderErrorPage("unknown interaction"));
    let details: Any;
    try {
      details = await provider.interactionDetails(req, res);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return sendHtml(res, 400, renderErrorPage(`interaction not found: ${message}`));
    }
    if (details.uid !== uid) {
      return sendHtml(res, 400, renderErrorPage("interaction does not match its cookie"));
    }
    const promptName: string = details.prompt.name;
    const requestedClient = String(details.params.client_id ?? "");
    const hint = showAccountHint
      ? `Demo accounts: ${accounts.map((a) => `${a.id} / ${a.password}`).join(", ")}`
      : undefined;

    if (req.method === "GET" && action === undefined) {
      if (promptName === "login") {
        return sendHtml(res, 200, renderLoginPage({ uid, clientId: requestedClient, hint }));
      }
      return sendHtml(
        res,
        200,
        renderConsentPage({
          uid,
          clientId: requestedClient,
          accountId: String(details.session?.accountId ?? ""),
          scopes: String(details.params.scope ?? "").split(" ").filter(Boolean),
        }),
      );
    }
    if (req.method !== "POST") {
      return sendHtml(res, 405, renderErrorPage("method not allowed"));
    }
    const form = await readForm(req);

    if (action === "abort") {
      return provider.interactionFinished(req, res, {
        error: "access_denied",
        error_description: "End-User aborted interaction",
      }, { mergeWithLastSubmission: false });
    }
    if (action === "login") {
      if (promptName !== "login") {
        return sendHtml(res, 400, renderErrorPage("this interaction does not ask for a login"));
      }
      const login = form.get("login") ?? "";
      const account = accountById.get(login);
      if (!account || account.password !== (form.get("password") ?? "")) {
        return sendHtml(
          res,
          401,
          renderLoginPage({
            uid,
            clientId: requestedClient,
            login,
            hint,
            error: "Unknown login or wrong password.",
          }),
        );
      }
      return provider.interactionFinished(req, res, { login: { accountId: account.id } }, {
        mergeWithLastSubmission: false,
      });
    }
    if (action === "confirm") {
      if (promptName !== "consent") {
        return sendHtml(res, 400, renderErrorPage("this interaction does not ask for consent"));
      }
      const { prompt: { details: missing }, params, session } = details;
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      if (missing.missingResourceScopes) {
        for (const [indicator, list] of Object.entries(missing.missingResourceScopes)) {
          grant.addResourceScope(indicator, (list as string[]).join(" "));
        }
      }
      const grantId = await grant.save();
      return provider.interactionFinished(
        req,
        res,
        { consent: details.grantId ? {} : { grantId } },
        { mergeWithLastSubmission: true },
      );
    }
    return sendHtml(res, 404, renderErrorPage(`unknown interaction step ${escapeHtml(action)}`));
  }

  handler = (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    if (url.pathname.startsWith("/interaction/")) {
      interaction(req, res, url).catch((error) => {
        if (!res.headersSent) {
          const message = error instanceof Error ? error.message : String(error);
          sendHtml(res, 500, renderErrorPage(`interaction failed: ${message}`));
        } else {
          res.destroy();
        }
      });
      return;
    }
    providerCallback(req, res);
  };

  function setTokenEndpointDown(down: boolean): void {
    tokenEndpointDown = down;
  }

  function holdTokenResponses(): HeldTokenResponses {
    if (hold) throw new Error("token responses are already held");
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const current = {
      released,
      release,
      queue: [] as URLSearchParams[],
      waiters: [] as ((b: URLSearchParams) => void)[],
    };
    hold = current;
    return {
      nextRequest() {
        const queued = current.queue.shift();
        if (queued) return Promise.resolve(queued);
        return new Promise((resolve) => current.waiters.push(resolve));
      },
      release() {
        if (hold === current) hold = undefined;
        current.release();
      },
    };
  }

  function addRedirectUri(uri: string, client: "confidential" | "public" = "confidential"): void {
    extraRedirectUris[client].add(uri);
  }

  function authorizeUrlFor(request: AuthorizeUrlOptions): string {
    const url = new URL(provider.urlFor("authorization"));
    url.searchParams.set("client_id", request.clientId ?? clientId);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("redirect_uri", request.redirectUri);
    url.searchParams.set("scope", request.scope ?? scopes.join(" "));
    url.searchParams.set("state", request.state);
    if (request.codeChallenge) {
      url.searchParams.set("code_challenge", request.codeChallenge);
      url.searchParams.set("code_challenge_method", "S256");
    }
    if (request.nonce) url.searchParams.set("nonce", request.nonce);
    for (const [key, value] of Object.entries(request.extra ?? {})) {
      url.searchParams.set(key, value);
    }
    return url.href;
  }

  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= new Promise<void>((resolve) => {
      hold?.release();
      server.close(() => resolve());
      server.closeAllConnections?.();
    });
    return closed;
  }

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    authorizeUrl: provider.urlFor("authorization"),
    tokenUrl: provider.urlFor("token"),
    userinfoUrl: provider.urlFor("userinfo"),
    revocationUrl: provider.urlFor("revocation"),
    introspectionUrl: provider.urlFor("introspection"),
    jwksUrl: provider.urlFor("jwks"),
    client: { clientId, clientSecret, authMethod },
    publicClient: { clientId: publicClientId },
    accounts,
    scopes,
    counts,
    tokenRequestBodies,
    setTokenEndpointDown,
    holdTokenResponses,
    revokeRefreshTokens: () => store.removeAll("RefreshToken"),
    addRedirectUri,
    authorizeUrlFor,
    provider,
    close,
  };
}
