/**
 * Local PKCE login for public clients (the seeds' loopback flow): S256 challenge, a random
 * `state` separate from the verifier, a loopback listener on the redirect URI's address and,
 * at the same time, a paste fallback on stdin (a full redirect URL, `code=…&state=…`, or
 * `code#state`) for headless or remote machines. The first valid answer wins; a request to
 * the listener with a missing or wrong `state` is answered 400 and ignored (the login keeps
 * waiting), a pasted one is refused. Then the code is exchanged at the provider with `code_verifier` and no
 * client secret.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3 (loopback redirect, any port)
 * @see https://www.rfc-editor.org/rfc/rfc7636 (PKCE)
 */

import { buildAuthorizeUrl } from "../../providers/authorize_url.ts";
import { createPkcePair } from "../../providers/pkce.ts";
import { tokenRequest } from "../../providers/token_request.ts";
import type { ProviderSettings, ProviderSpec } from "../../providers/types.ts";
import { randomBase64Url } from "../../shared/base64.ts";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";

/** How long `login local` waits for the redirect (or a pasted URL) by default. */
export const LOCAL_LOGIN_TIMEOUT_MS = 300_000;

/** Longest line accepted on the paste fallback. */
const MAX_PASTE_LENGTH = 16_384;

/** Where the loopback listener binds and which redirect URI the provider is sent. */
export interface LoopbackPlan {
  /** Address to bind (`127.0.0.1`, `::1`, ...). */
  bindHost: string;
  /** Port to bind; 0 = ephemeral (the provider accepts any loopback port). */
  port: number;
  /** Path the redirect arrives on (`/callback`). */
  path: string;
  /** Builds the redirect URI for the port actually bound. */
  redirectUriFor(boundPort: number): string;
}

/** What a redirect (callback or pasted) carried. */
export interface RedirectParams {
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
}

/** Inputs of {@linkcode runLocalLogin}. */
export interface LocalLoginOptions {
  spec: ProviderSpec;
  /** Resolved settings; `redirectUri` must be an `http:` loopback URI. */
  settings: ProviderSettings;
  scope?: string;
  /** Overrides the port (otherwise the redirect URI's, or ephemeral when it names none or 0). */
  port?: number;
  /** Open the authorize URL in a browser (best effort). */
  openBrowser: boolean;
  stdin: ReadableStream<Uint8Array>;
  stderr: (text: string) => void;
  fetch: typeof fetch;
  env: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Called with the authorize URL once the listener is up (tests drive the browser from here). */
  onAuthorizeUrl?: (url: string) => void;
}

/** Outcome of {@linkcode runLocalLogin}. */
export interface LocalLoginResult {
  tokenData: Record<string, unknown>;
  /** The redirect URI sent to the provider (with the bound port). */
  redirectUri: string;
  /** How the code arrived. */
  via: "callback" | "paste";
}

function usage(message: string): ClawauthError {
  return new ClawauthError(ERROR_CODES.USAGE, message);
}

function isLoopbackHostname(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Plans the loopback listener from the configured redirect URI: it must be `http:` on a
 * loopback host. The port is `portOverride`, else the URI's explicit port, else ephemeral
 * (a URI without a port, or with port 0, means "any loopback port", RFC 8252 §7.3).
 */
export function planLoopbackListener(redirectUri: string, portOverride?: number): LoopbackPlan {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw usage(`the provider's redirect URI is not a URL: ${redirectUri}`);
  }
  if (url.protocol !== "http:" || !isLoopbackHostname(url.hostname)) {
    throw usage(
      `login local needs a loopback redirect URI such as http://127.0.0.1:8765/callback ` +
        `(or http://127.0.0.1/callback for any port): the provider's is ${redirectUri}; set ` +
        `"redirectUri" in its CLAWAUTH_PROVIDERS entry or <PROVIDER>_REDIRECT_URI`,
    );
  }
  const bindHost = url.hostname === "[::1]"
    ? "::1"
    : url.hostname === "localhost"
    ? "127.0.0.1"
    : url.hostname;
  const explicitPort = url.port === "" ? 0 : Number(url.port);
  const port = portOverride ?? explicitPort;
  const keepConfigured = portOverride === undefined && explicitPort !== 0;
  return {
    bindHost,
    port,
    path: url.pathname,
    redirectUriFor(boundPort: number): string {
      // Sent byte for byte as configured when the port is fixed: providers compare exactly.
      if (keepConfigured) return redirectUri;
      const copy = new URL(redirectUri);
      copy.port = String(boundPort);
      return copy.toString();
    },
  };
}

/**
 * Reads what a person pasted: a full redirect URL, a query string (`code=…&state=…`, with or
 * without a leading `?`), or `code#state`. Returns `null` for a blank line.
 */
export function parseRedirectInput(text: string): RedirectParams | null {
  const input = text.trim();
  if (input === "") return null;
  let params: URLSearchParams;
  if (/^https?:\/\//i.test(input)) {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw usage("the pasted value looks like a URL but cannot be parsed; paste it again whole");
    }
    params = url.searchParams;
    if (!params.has("code") && !params.has("error") && url.hash.length > 1) {
      params = new URLSearchParams(url.hash.slice(1));
    }
  } else if (input.includes("=")) {
    params = new URLSearchParams(input.replace(/^[?#]/, ""));
  } else if (input.includes("#")) {
    const at = input.indexOf("#");
    return { code: input.slice(0, at), state: input.slice(at + 1) };
  } else {
    return { code: input };
  }
  const out: RedirectParams = {};
  for (
    const [key, field] of [
      ["code", "code"],
      ["state", "state"],
      ["error", "error"],
      ["error_description", "errorDescription"],
    ] as const
  ) {
    const value = params.get(key);
    if (value !== null && value !== "") out[field] = value;
  }
  return out;
}

/**
 * Checks a redirect against the expected `state` and returns its code; throws
 * `provider_error` when the provider reported an error, `invalid_state` when the state is
 * missing or belongs to another login attempt, `invalid_request` when there is no code.
 */
export function codeFromRedirect(params: RedirectParams, expectedState: string): string {
  if (params.error !== undefined) {
    const description = params.errorDescription ? `: ${params.errorDescription.slice(0, 200)}` : "";
    throw new ClawauthError(
      ERROR_CODES.PROVIDER_ERROR,
      `the provider refused the login (error=${params.error.slice(0, 100)})${description}`,
    );
  }
  if (params.state === undefined) {
    throw new ClawauthError(
      ERROR_CODES.INVALID_STATE,
      "the redirect carries no state: paste the whole URL you were redirected to (or code=...&state=...)",
    );
  }
  if (!timingSafeEqualStrings(params.state, expectedState)) {
    throw new ClawauthError(
      ERROR_CODES.INVALID_STATE,
      "state mismatch: this redirect belongs to another login attempt; refused. " +
        "Paste the URL from the login this command started, or run it again",
    );
  }
  if (params.code === undefined) {
    throw new ClawauthError(ERROR_CODES.INVALID_REQUEST, "the redirect carries no code");
  }
  return params.code;
}

function timingSafeEqualStrings(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let diff = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  }
  return diff === 0;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(status: number, title: string, message: string): Response {
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>${
    escapeHtml(title)
  }</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  return new Response(body, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": "default-src 'none'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
      "x-frame-options": "DENY",
    },
  });
}

/** Opens `url` in the person's browser, best effort (`$BROWSER`, `open`, `xdg-open`, rundll32). */
export function openInBrowser(
  url: string,
  options: { env: Record<string, string | undefined>; stderr: (text: string) => void },
): void {
  const browser = options.env.BROWSER;
  const [command, ...args] = browser
    ? [browser, url]
    : Deno.build.os === "darwin"
    ? ["open", url]
    : Deno.build.os === "windows"
    ? ["rundll32", "url.dll,FileProtocolHandler", url]
    : ["xdg-open", url];
  try {
    const child = new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    child.status.catch(() => {});
    child.unref();
  } catch {
    options.stderr(`Could not open a browser (${command}); open the URL above yourself.\n`);
  }
}

/**
 * Runs the whole local login: listener + paste fallback, authorize URL on stderr, waits for
 * the first valid redirect (or the timeout), exchanges the code. Always closes the listener
 * and releases stdin.
 */
export async function runLocalLogin(options: LocalLoginOptions): Promise<LocalLoginResult> {
  const { spec, settings, stderr } = options;
  const timeoutMs = options.timeoutMs ?? LOCAL_LOGIN_TIMEOUT_MS;
  const plan = planLoopbackListener(settings.redirectUri, options.port);
  const pkce = await createPkcePair();
  // Separate from the verifier: the state travels through the browser, the verifier never does.
  const state = randomBase64Url(32);

  let settle!: {
    resolve: (value: { code: string; via: "callback" | "paste" }) => void;
    reject: (error: unknown) => void;
  };
  const answer = new Promise<{ code: string; via: "callback" | "paste" }>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let done = false;
  const finish = (
    outcome: { code: string; via: "callback" | "paste" } | { error: unknown },
  ): void => {
    if (done) return;
    done = true;
    if ("error" in outcome) settle.reject(outcome.error);
    else settle.resolve(outcome);
  };

  const controller = new AbortController();
  let server: Deno.HttpServer | undefined;
  let alsoIpv6: Deno.HttpServer | undefined;
  let boundPort = plan.port;
  try {
    const handler = (request: Request): Response => {
      const url = new URL(request.url);
      if (url.pathname !== plan.path) return page(404, "Not found", "Nothing here.");
      if (done) {
        return page(409, "Already finished", "This login already finished; close this tab.");
      }
      const params = parseRedirectInput(url.toString()) ?? {};
      // Anyone on this machine (or a web page) can send a request here: one without this
      // login's state is answered and ignored, and the login keeps waiting for the real one.
      if (params.state === undefined || !timingSafeEqualStrings(params.state, state)) {
        return page(
          400,
          "clawauth: not this login",
          "This request does not belong to the login in progress and was ignored. " +
            "Finish signing in from the link the command printed.",
        );
      }
      try {
        const code = codeFromRedirect(params, state);
        finish({ code, via: "callback" });
        return page(200, "clawauth: login complete", "You can close this tab.");
      } catch (error) {
        finish({ error });
        return page(
          400,
          "clawauth: login failed",
          error instanceof Error ? error.message : "login failed",
        );
      }
    };
    server = Deno.serve({
      hostname: plan.bindHost,
      port: plan.port,
      signal: controller.signal,
      onListen: () => {},
      handler,
    });
    boundPort = (server.addr as Deno.NetAddr).port;
    // A browser may resolve `localhost` to ::1 first: listen there too, so the redirect never
    // reaches whatever else holds [::1]:port. Best effort (IPv6 may be off).
    if (new URL(plan.redirectUriFor(boundPort)).hostname === "localhost") {
      try {
        alsoIpv6 = Deno.serve({
          hostname: "::1",
          port: boundPort,
          signal: controller.signal,
          onListen: () => {},
          handler,
        });
      } catch {
        alsoIpv6 = undefined;
      }
    }
  } catch (error) {
    server = undefined;
    if (plan.port === 0) throw error;
    stderr(
      `Cannot listen on ${plan.bindHost}:${plan.port} (${
        error instanceof Error ? error.name : "error"
      }); after approving, paste the URL your browser was redirected to.\n`,
    );
  }

  const redirectUri = plan.redirectUriFor(boundPort);
  const authorizeUrl = buildAuthorizeUrl(spec, { ...settings, redirectUri }, {
    state,
    scope: options.scope,
    codeChallenge: pkce.challenge,
  });

  stderr(
    `Open this URL to log in to ${spec.displayName}:\n\n  ${authorizeUrl}\n\n` +
      (server ? `Waiting for the redirect to ${redirectUri}\n` : "") +
      `On another machine? After approving, paste the URL you were redirected to ` +
      `(or code=...&state=...) here and press Enter.\n`,
  );
  options.onAuthorizeUrl?.(authorizeUrl);
  if (options.openBrowser) openInBrowser(authorizeUrl, { env: options.env, stderr });

  const reader = options.stdin.getReader();
  const pasteLoop = readPastedLines(reader, (line) => {
    if (done) return true;
    let params: RedirectParams | null;
    try {
      params = parseRedirectInput(line);
      if (params === null) return false;
      finish({ code: codeFromRedirect(params, state), via: "paste" });
    } catch (error) {
      finish({ error });
    }
    return true;
  }).catch(() => {}).then(() => {
    if (server === undefined) {
      finish({
        error: new ClawauthError(
          ERROR_CODES.USAGE,
          `stdin ended without a redirect URL and there is no loopback listener on ${plan.bindHost}:${plan.port}; ` +
            "free that port (or pass --port) or paste the redirect URL, then run login local again",
        ),
      });
    }
  });

  const timer = setTimeout(() => {
    finish({
      error: new ClawauthError(
        ERROR_CODES.SESSION_EXPIRED,
        `login local timed out after ${
          Math.round(timeoutMs / 1000)
        } s without a redirect or a pasted URL; run it again`,
      ),
    });
  }, timeoutMs);

  let received: { code: string; via: "callback" | "paste" };
  try {
    received = await answer;
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
    await pasteLoop;
    reader.releaseLock();
    controller.abort();
    await server?.finished;
    await alsoIpv6?.finished;
  }

  const result = await tokenRequest(spec, { ...settings, redirectUri }, {
    type: "authorization_code",
    code: received.code,
    codeVerifier: pkce.verifier,
  }, { fetch: options.fetch });
  if (!result.ok) {
    const code = result.transient
      ? ERROR_CODES.TRANSIENT
      : result.error === "invalid_grant"
      ? ERROR_CODES.INVALID_GRANT
      : ERROR_CODES.TOKEN_EXCHANGE_FAILED;
    throw new ClawauthError(
      code,
      `exchanging the authorization code at ${spec.displayName} failed (${result.error}: ${result.description})` +
        (result.transient ? "; this looks transient, run login local again" : ""),
    );
  }
  return { tokenData: result.tokenData, redirectUri, via: received.via };
}

/**
 * Feeds complete lines from `reader` to `onLine` until it returns true or input ends; the
 * last unterminated line counts at end of input.
 */
async function readPastedLines(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  onLine: (line: string) => boolean,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (onLine(line)) return;
    }
    if (buffer.length > MAX_PASTE_LENGTH) buffer = "";
  }
  buffer += decoder.decode();
  if (buffer.trim() !== "") onLine(buffer);
}
