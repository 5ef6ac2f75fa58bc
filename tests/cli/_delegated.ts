// Shared setup of the CLI's end-to-end tests: the real oidc-provider upstream on loopback,
// registered as the operator-defined provider `demo` (CLAWAUTH_PROVIDERS) of a real clawauth
// server process, plus helpers to play the human over HTTP and to build the CLI's environment.

import { join } from "node:path";
import {
  authorizeOverHttp,
  type AuthorizeOverHttpOptions,
  type OidcUpstream,
  startOidcUpstream,
} from "../fixtures/oidc_provider.ts";
import { startServerProcess } from "../fixtures/server_process.ts";
import type { Keychain } from "../../cli/keychain/keychain.ts";
import { main } from "../../cli/main.ts";

/** Parsed CLI JSON output (tests index into it freely). */
// deno-lint-ignore no-explicit-any
export type Json = any;

/** Provider name the upstream is registered under. */
export const PROVIDER = "demo";

export interface DelegatedSetup {
  /** Server base URL (`http://127.0.0.1:<port>`). */
  url: string;
  upstream: OidcUpstream;
  /** Stops the server process only (the upstream keeps running). */
  stopServer(): Promise<void>;
  /** Starts a server process again with the same settings (and `env` overrides). */
  restartServer(env?: Record<string, string>): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
}

/** Starts upstream + server; `env` is added to the server's environment. */
export async function startDelegated(
  options: { env?: Record<string, string> } = {},
): Promise<DelegatedSetup> {
  const upstream = await startOidcUpstream({ redirectUris: ["http://127.0.0.1:1/callback"] });
  const providers = JSON.stringify([{
    name: PROVIDER,
    displayName: "Demo IdP",
    type: "oidc",
    issuer: upstream.issuer,
    clientId: upstream.client.clientId,
    clientSecret: upstream.client.clientSecret,
    scopes: ["openid", "offline_access"],
    authorizeParams: { prompt: "consent" },
  }]);
  const baseEnv: Record<string, string> = {
    STATE_SIGNING_SECRET: "cli-test-state-secret-0123456789abcdef0123",
    CLAWAUTH_KV_PATH: ":memory:",
    CLAWAUTH_INIT_RATE_LIMIT: "0",
    CLAWAUTH_REFRESH_RATE_LIMIT: "0",
    CLAWAUTH_PROVIDERS: providers,
    ...options.env,
  };
  let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  let allLogs = "";
  const start = async (env: Record<string, string>) => {
    server = await startServerProcess({ env });
    upstream.addRedirectUri(`${server.url}/callback/demo`);
  };
  try {
    await start(baseEnv);
  } catch (error) {
    await upstream.close();
    throw error;
  }
  const setup: DelegatedSetup = {
    url: server!.url,
    upstream,
    async stopServer() {
      if (server) {
        allLogs += server.logs().join("\n") + "\n";
        await server.stop();
        server = undefined;
      }
    },
    async restartServer(env = {}) {
      await setup.stopServer();
      await start({ ...baseEnv, ...env });
      setup.url = server!.url;
    },
    logs: () => allLogs + (server?.logs().join("\n") ?? ""),
    async stop() {
      await setup.stopServer();
      await upstream.close();
    },
  };
  return setup;
}

/**
 * Plays the human over HTTP: opens the short link, signs in, approves (or denies) at the
 * upstream, then sends the callback to the server with the browser's cookies. Returns the
 * callback's HTTP status and page text.
 */
export async function approveOverHttp(
  shortAuthUrl: string,
  options: AuthorizeOverHttpOptions = {},
): Promise<{ status: number; text: string }> {
  const { callbackUrl, cookies } = await authorizeOverHttp(shortAuthUrl, options);
  const response = await cookies.fetch(callbackUrl, { method: "GET" }, fetch);
  return { status: response.status, text: await response.text() };
}

/** A fresh state directory and the CLI environment that uses it (file keychain). */
export async function cliEnv(
  serverUrl: string,
  extra: Record<string, string> = {},
): Promise<{ dir: string; stateDir: string; env: Record<string, string> }> {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-cli-" });
  const stateDir = join(dir, "state");
  return {
    dir,
    stateDir,
    env: {
      HOME: dir,
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_KEYCHAIN: "file",
      CLAWAUTH_SERVER_URL: serverUrl,
      ...extra,
    },
  };
}

/** Asks the upstream's userinfo endpoint whether it accepts `accessToken`; returns the claims. */
export async function userinfo(
  upstream: OidcUpstream,
  accessToken: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(upstream.userinfoUrl, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  return { status: response.status, body };
}

/** Options of {@linkcode runMain}. */
export interface RunMainOptions {
  env: Record<string, string>;
  keychain: Keychain;
  /** Default: resolves at once. */
  sleep?: (ms: number) => Promise<void>;
  isTerminal?: boolean;
  /** Default: Date.now. */
  now?: () => number;
  /** Default: globalThis.fetch. */
  fetch?: typeof fetch;
}

/** Runs the CLI in process (real fetch and clock, injected keychain and sleep). */
export async function runMain(
  argv: string[],
  options: RunMainOptions,
): Promise<{ code: number; stdout: string; stderr: string; body: Record<string, Json> }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    env: options.env,
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: new ReadableStream({ start: (controller) => controller.close() }),
    isTerminal: options.isTerminal ?? false,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? (() => Promise.resolve()),
    fetch: options.fetch ?? globalThis.fetch,
    keychain: () => Promise.resolve(options.keychain),
  });
  let body: Record<string, Json> = {};
  if (argv.includes("--json")) {
    try {
      body = JSON.parse(stdout);
    } catch {
      throw new Error(
        `clawauth ${argv.join(" ")} (exit ${code}) printed no JSON:\n${stdout}\n${stderr}`,
      );
    }
  }
  return { code, stdout, stderr, body };
}
