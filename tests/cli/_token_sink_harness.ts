// Test harness of the token-sink tests (refresh, token management, local login): an in-process
// CliContext over a MemoryKeychain and a temporary state directory with an injected clock, and a
// provider definition for the real oidc-provider upstream's public client.

import { MemoryKeychain } from "../../cli/keychain/memory.ts";
import type { CliContext } from "../../cli/context.ts";
import type { OidcUpstream } from "../fixtures/oidc_provider.ts";

/** The provider name the upstream's public client is configured under. */
export const FIXTURE_PROVIDER = "fixture";

/** `CLAWAUTH_PROVIDERS` JSON describing the upstream's public client (loopback, any port). */
export function publicClientProviders(
  upstream: OidcUpstream,
  options: { name?: string; redirectUri?: string } = {},
): string {
  return JSON.stringify([{
    name: options.name ?? FIXTURE_PROVIDER,
    type: "oauth2",
    authorizeUrl: upstream.authorizeUrl,
    tokenUrl: upstream.tokenUrl,
    userinfoUrl: upstream.userinfoUrl,
    clientId: upstream.publicClient.clientId,
    clientAuth: "none",
    pkce: "required",
    redirectUri: options.redirectUri ?? "http://127.0.0.1/callback",
    scopes: ["openid", "profile", "email", "offline_access"],
    refresh: { supported: true, rotates: true },
  }]);
}

/** A stdin the test writes to (pasted lines) and closes. */
export interface TestStdin {
  readable: ReadableStream<Uint8Array>;
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

/** Creates a {@linkcode TestStdin}; `initial` is written and stdin closed at once when given. */
export function testStdin(initial?: string): TestStdin {
  const stream = new TransformStream<Uint8Array, Uint8Array>();
  const writer = stream.writable.getWriter();
  let closed = false;
  const stdin: TestStdin = {
    readable: stream.readable,
    async write(text: string) {
      await writer.write(new TextEncoder().encode(text));
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer.close().catch(() => {});
    },
  };
  if (initial !== undefined) {
    // Not awaited: the write completes when the reader reads it.
    stdin.write(initial).then(() => stdin.close()).catch(() => {});
  }
  return stdin;
}

/** An in-process CLI context plus handles on its parts. */
export interface Harness {
  ctx: CliContext;
  keychain: MemoryKeychain;
  stateDir: string;
  /** The injected clock (epoch ms); move it with `advance`. */
  clock: { now: number };
  advance(ms: number): void;
  stdout: string[];
  stderr: string[];
  stderrText(): string;
  /** A context sharing keychain, state dir and clock, with another stdin / env. */
  withStdin(stdin: ReadableStream<Uint8Array>): CliContext;
  cleanup(): Promise<void>;
}

/** Builds a harness; `env` is the context's environment. */
export async function createHarness(
  options: { env?: Record<string, string>; start?: number; stdin?: string } = {},
): Promise<Harness> {
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-sink-" });
  const keychain = new MemoryKeychain();
  const clock = { now: options.start ?? Date.now() };
  const stdout: string[] = [];
  const stderr: string[] = [];
  const make = (stdin: ReadableStream<Uint8Array>): CliContext => ({
    env: { ...options.env },
    json: true,
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    stdin,
    isTerminal: false,
    now: () => clock.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    fetch: globalThis.fetch,
    serverUrl: "http://127.0.0.1:9",
    stateDir,
    keychainService: "clawauth-test",
    sessionKeychainService: "clawauth-test:sessions",
    keychain: () => Promise.resolve(keychain),
  });
  return {
    ctx: make(testStdin(options.stdin ?? "").readable),
    keychain,
    stateDir,
    clock,
    advance(ms: number) {
      clock.now += ms;
    },
    stdout,
    stderr,
    stderrText: () => stderr.join(""),
    withStdin: make,
    async cleanup() {
      await Deno.remove(stateDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Extracts the authorize URL `login local` printed on stderr. */
export function authorizeUrlFrom(stderrText: string): string | undefined {
  return /Open this URL to log in to [^\n]*:\n\n {2}(\S+)/.exec(stderrText)?.[1];
}

/** Resolves once `predicate()` holds, polling every 10 ms (for output of a concurrent task). */
export async function until<T>(
  predicate: () => T | undefined,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (true) {
    const value = predicate();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${options.what ?? "a condition"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Runs `login local <provider> --profile <profile> --no-browser` in process and plays the human
 * over HTTP (authorizeOverHttp): the redirect reaches the CLI by its loopback listener
 * (`via: "callback"`) or is pasted on stdin (`via: "paste"`).
 */
export async function loginLocalInProcess(
  h: Harness,
  options: { profile?: string; via?: "callback" | "paste"; account?: string; args?: string[] } = {},
): Promise<Record<string, unknown>> {
  const { runLoginLocal } = await import("../../cli/commands/login_local.ts");
  const { authorizeOverHttp } = await import("../fixtures/oidc_provider.ts");
  const stdin = testStdin();
  const before = h.stderrText().length;
  const ctx = h.withStdin(stdin.readable);
  const running = runLoginLocal([
    FIXTURE_PROVIDER,
    "--profile",
    options.profile ?? "default",
    "--no-browser",
    "--timeout",
    "30",
    ...(options.args ?? []),
  ], ctx);
  try {
    const url = await until(() => authorizeUrlFrom(h.stderrText().slice(before)), {
      what: "the authorize URL on stderr",
    });
    const { callbackUrl } = await authorizeOverHttp(url, { account: options.account });
    if ((options.via ?? "paste") === "paste") {
      await stdin.write(`${callbackUrl.href}\n`);
    } else {
      const response = await fetch(callbackUrl);
      await response.body?.cancel();
    }
    const result = await running;
    return result.data;
  } finally {
    await stdin.close();
    await running.catch(() => {});
  }
}
