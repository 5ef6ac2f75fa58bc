// The conformance suite's path through the real server (in process, tests/server/_harness.ts):
// `/init`, the confirmation page and Continue, the provider's redirect to `/callback/{provider}`,
// the signed claim, and `/refresh`. Kept apart from the provider-level assertions because the
// handoff (issue 8) and the refresh binding (issue 9) change these steps: adapt this file, not
// the fixtures.

import assert from "node:assert/strict";
import { MemoryKeychain } from "../../cli/keychain/memory.ts";
import { main, type MainDeps } from "../../cli/main.ts";
import { CredentialStore } from "../../cli/store/credentials.ts";
import { resolveStatePaths } from "../../cli/store/paths.ts";
import { openSealedJson } from "../../shared/seal.ts";
import type { SealedTokenPayload } from "../../shared/wire.ts";
import { CookieJar } from "../fixtures/cookie_jar.ts";
import type { InitResponse } from "../../shared/wire.ts";
import {
  BASE_URL,
  initSession,
  newClientKeys,
  openShortLink,
  postJson,
  sendCallback,
  signedGet,
  type TestServer,
} from "../server/_harness.ts";

/**
 * Plays the person: opens the short link (the confirmation page), presses Continue, lets the
 * provider's stand-in approve, and delivers its redirect to the server's callback with the
 * browser's cookies. Returns the callback's status.
 */
async function approve(server: TestServer, shortAuthUrl: string): Promise<number> {
  const cookies = new CookieJar();
  const opened = await openShortLink(server, { shortAuthUrl } as InitResponse, cookies);
  const approved = await fetch(opened.authorizeUrl, { redirect: "manual" });
  await approved.body?.cancel();
  const location = approved.headers.get("location");
  assert.equal(approved.status, 302, `the provider refused: ${approved.status}`);
  assert.ok(location?.startsWith(`${BASE_URL}/callback/`), `redirected to ${location}`);
  const callback = await sendCallback(server, location!, cookies);
  await callback.body?.cancel();
  return callback.status;
}

/**
 * A whole delegated login for `provider` through the server: returns the sealed token payload
 * the agent would claim.
 */
export async function serverLogin(
  server: TestServer,
  provider: string,
): Promise<SealedTokenPayload> {
  const { init, keys } = await initSession(server, { provider });
  assert.equal(await approve(server, init.shortAuthUrl), 200, `${provider}: callback`);
  const claim = await signedGet(server, { action: "claim", sessionId: init.sessionId, keys });
  const body = await claim.json();
  assert.equal(claim.status, 200, `${provider}: claim ${JSON.stringify(body)}`);
  return openSealedJson(body.blob, keys.boxSecretKey) as SealedTokenPayload;
}

/** `POST /refresh`: the new token data, or the server's error code and status. */
export async function serverRefresh(
  server: TestServer,
  provider: string,
  refreshToken: string,
): Promise<
  | { ok: true; tokenData: Record<string, unknown> }
  | { ok: false; status: number; code: string; transient: unknown }
> {
  const keys = newClientKeys();
  const response = await postJson(server, "/refresh", {
    provider,
    refreshToken,
    boxPublicKey: keys.boxPublicKey,
  });
  const body = await response.json();
  if (response.status === 200) {
    const payload = openSealedJson(body.blob, keys.boxSecretKey) as SealedTokenPayload;
    return { ok: true, tokenData: payload.tokenData };
  }
  return {
    ok: false,
    status: response.status,
    code: body.code,
    transient: body.transient,
  };
}

/** Outcome of {@linkcode cliPath}: the CLI's JSON answers at each step. */
export interface CliPathResult {
  claim: { code: number; json: Json };
  refreshed: { code: number; json: Json };
  /** `token rm --profile second` of a second login: the revocation outcome. */
  removed: { code: number; json: Json };
  /** The stored refresh token after the claim and after the refresh. */
  storedRefreshTokens: [string | undefined, string | undefined];
  refused: { code: number; json: Json };
}

// deno-lint-ignore no-explicit-any
type Json = any;

/**
 * The agent's side through the real CLI code (in process, `main()` with injected clock, fetch
 * and memory keychain): `login start`, the person's approval, `login claim`, then
 * `token refresh` (through the server); a second login removed with `token rm` (revoked at the
 * provider through the server); then — after `refuse()` made the provider drop the grant —
 * `token refresh` again, which must answer needs_login with the fix.
 */
export async function cliPath(
  server: TestServer,
  provider: string,
  refuse: () => void,
): Promise<CliPathResult> {
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-conformance-" });
  const keychain = new MemoryKeychain();
  let now = server.clock.now();
  const out: string[] = [];
  const deps: MainDeps = {
    // The in-process server is plain http (http://clawauth.test), never on a network.
    env: {
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_SERVER_URL: BASE_URL,
      CLAWAUTH_INSECURE_HTTP: "1",
    },
    stdout: (text) => out.push(text),
    stderr: () => {},
    stdin: new ReadableStream({ start: (c) => c.close() }),
    isTerminal: false,
    now: () => now,
    sleep: () => Promise.resolve(),
    fetch: server.fetch,
    keychain: () => Promise.resolve(keychain),
  };
  const run = async (argv: string[]) => {
    out.length = 0;
    const code = await main([...argv, "--json"], deps);
    return { code, json: JSON.parse(out.join("")) as Json };
  };
  try {
    const start = await run(["login", "start", provider]);
    assert.equal(start.code, 0, JSON.stringify(start.json));
    assert.equal(await approve(server, start.json.shortAuthUrl), 200, `${provider}: callback`);
    const claim = await run(["login", "claim", start.json.sessionId]);
    const paths = resolveStatePaths(deps.env);
    const store = new CredentialStore({
      keychain,
      stateDir: paths.stateDir,
      keychainService: paths.keychainService,
      now: () => now,
    });
    const stored = async () => (await store.load(`${provider}:default`))?.secret.refresh_token;
    const beforeRefresh = await stored();
    // Both clocks move together (signed requests carry the CLI's time).
    now += 30 * 86_400_000;
    server.clock.advance(30 * 86_400_000);
    const refreshed = await run(["token", "refresh", provider]);
    const afterRefresh = await stored();
    // A second account's login, removed with `token rm`: revoked at the provider.
    const second = await run(["login", "start", provider, "--profile", "second"]);
    assert.equal(second.code, 0, JSON.stringify(second.json));
    assert.equal(await approve(server, second.json.shortAuthUrl), 200, `${provider}: callback`);
    const secondClaim = await run(["login", "claim", second.json.sessionId, "--profile", "second"]);
    assert.equal(secondClaim.code, 0, JSON.stringify(secondClaim.json));
    const removed = await run(["token", "rm", provider, "--profile", "second"]);
    refuse();
    now += 30 * 86_400_000;
    server.clock.advance(30 * 86_400_000);
    const refused = await run(["token", "refresh", provider]);
    return {
      claim,
      refreshed,
      refused,
      removed,
      storedRefreshTokens: [beforeRefresh, afterRefresh],
    };
  } finally {
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
  }
}
