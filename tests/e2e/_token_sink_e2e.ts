// Helpers of the token-sink end-to-end tests: the CLI as subprocesses (runCli/startCli) over a
// real keychain backend, logged in with `login local` against the real oidc-provider upstream.

import assert from "node:assert/strict";
import { selectKeychain } from "../../cli/keychain/select.ts";
import { CredentialStore } from "../../cli/store/credentials.ts";
import { resolveStatePaths } from "../../cli/store/paths.ts";
import type { CredentialRecord } from "../../cli/store/types.ts";
import { type Browser, completeLoginInBrowser } from "../fixtures/browser.ts";
import { authorizeOverHttp, type OidcUpstream } from "../fixtures/oidc_provider.ts";
import { type CliResult, runCli, startCli } from "../fixtures/run_cli.ts";
import { FIXTURE_PROVIDER, publicClientProviders } from "../cli/_token_sink_harness.ts";

export { FIXTURE_PROVIDER };

const AUTHORIZE_URL_LINE = /Open this URL to log in to [^\n]*:\n\n {2}(\S+)/;

/** Environment of CLI subprocesses: a temp state dir, the fixture provider, a keychain backend. */
export async function sinkEnv(
  upstream: OidcUpstream,
  extra: Record<string, string> = {},
): Promise<{ env: Record<string, string>; stateDir: string; cleanup: () => Promise<void> }> {
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-e2e-sink-" });
  return {
    env: {
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_KEYCHAIN: "file",
      CLAWAUTH_KEYCHAIN_SERVICE: "clawauth-e2e",
      CLAWAUTH_PROVIDERS: publicClientProviders(upstream),
      CLAWAUTH_SERVER_URL: "http://127.0.0.1:9",
      ...extra,
    },
    stateDir,
    cleanup: () => Deno.remove(stateDir, { recursive: true }).catch(() => {}),
  };
}

/**
 * `clawauth login local fixture --profile <p> --no-browser --json` as a subprocess; the human's
 * part is played over HTTP with the redirect URL pasted on stdin, or by chromium following the
 * redirect to the CLI's loopback listener.
 */
export async function loginLocalCli(
  env: Record<string, string>,
  options: { profile?: string; account?: string; browser?: Browser } = {},
): Promise<Record<string, unknown>> {
  const cli = await startCli([
    "login",
    "local",
    FIXTURE_PROVIDER,
    "--profile",
    options.profile ?? "default",
    "--no-browser",
    "--json",
  ], { env });
  try {
    const url = (await cli.waitFor(AUTHORIZE_URL_LINE, { stream: "stderr" }))[1];
    if (options.browser) {
      const done = await completeLoginInBrowser(options.browser, url, { account: options.account });
      assert.match(done.bodyText, /login complete/);
    } else {
      const { callbackUrl } = await authorizeOverHttp(url, { account: options.account });
      await cli.write(`${callbackUrl.href}\n`);
    }
    const result = await cli.wait();
    assert.equal(result.code, 0, `login local failed\n${result.stdout}\n${result.stderr}`);
    return result.json() as Record<string, unknown>;
  } finally {
    cli.kill("SIGKILL");
    await cli.wait().catch(() => {});
  }
}

/** The credential store the subprocesses use (same backend and paths). */
export async function storeFor(
  env: Record<string, string>,
  now: () => number = Date.now,
): Promise<CredentialStore> {
  const paths = resolveStatePaths(env);
  const keychain = await selectKeychain({ env, stateDir: paths.stateDir, stderr: () => {} });
  return new CredentialStore({
    keychain,
    stateDir: paths.stateDir,
    keychainService: paths.keychainService,
    now,
  });
}

/**
 * Rewrites a stored record so its access token (1 h lifetime, saved an hour ago) expires in
 * `remainingMs`: inside the refresh margin, keeping the real refresh token.
 */
export async function makeExpiring(
  env: Record<string, string>,
  id: string,
  remainingMs = 60_000,
): Promise<CredentialRecord> {
  const store = await storeFor(env, () => Date.now() - 3600_000 + remainingMs);
  const record = await store.load(id);
  assert.ok(record, `no record ${id}`);
  return await store.save({
    id,
    type: record.meta.type,
    origin: record.meta.origin,
    server: record.meta.server,
    account: record.meta.account,
    refresh: record.meta.refresh,
    secret: { ...record.secret, expires_at: Date.now() + remainingMs },
  });
}

/** `clawauth token get <id> --json`, parsed. */
export async function tokenGet(
  env: Record<string, string>,
  id: string,
  extraEnv: Record<string, string> = {},
): Promise<{ result: CliResult; accessToken?: string; error?: { code: string; message: string } }> {
  const result = await runCli(["token", "get", id, "--json"], { env: { ...env, ...extraEnv } });
  const body = result.json() as {
    token?: { access_token?: string };
    error?: { code: string; message: string };
  };
  return { result, accessToken: body.token?.access_token, error: body.error };
}

/** True when the provider's userinfo endpoint accepts `accessToken`; returns the `sub`. */
export async function userinfoSub(upstream: OidcUpstream, accessToken: string): Promise<string> {
  const response = await fetch(upstream.userinfoUrl, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return String(body.sub);
}
