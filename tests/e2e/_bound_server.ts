// Helpers of the bound-refresh end-to-end tests: a real server process (restartable on the same
// port with other settings), the real oidc-provider upstream, the CLI as subprocesses.

import assert from "node:assert/strict";
import { authorizeOverHttp, startOidcUpstream } from "../fixtures/oidc_provider.ts";
import { type CliResult, runCli } from "../fixtures/run_cli.ts";
import { type ServerProcess, startServerProcess } from "../fixtures/server_process.ts";

export const PROVIDER = "demo";
export type Upstream = Awaited<ReturnType<typeof startOidcUpstream>>;

/** A key for CLAWAUTH_REFRESH_KEYS: `kid:base64(32 bytes of fill)`. */
export function refreshKeyEntry(kid: string, fill: number): string {
  return `${kid}:${btoa(String.fromCharCode(...new Uint8Array(32).fill(fill)))}`;
}

export interface BoundWorld {
  upstream: Upstream;
  server: ServerProcess;
  env: Record<string, string>;
  stateDir: string;
  /** Stops the server and starts it again on the same port with `extraEnv` over the base settings. */
  restart(extraEnv?: Record<string, string>): Promise<ServerProcess>;
}

/** Runs `fn` with an upstream, a server process and a CLI environment; cleans up after. */
export async function withBoundServer(
  fn: (world: BoundWorld) => Promise<void>,
  serverEnv: Record<string, string> = {},
): Promise<void> {
  const upstream = await startOidcUpstream({
    redirectUris: [],
    accessTokenTtlSeconds: 3600,
    rotateRefreshTokens: true,
  });
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-e2e-bound-" });
  const base = {
    STATE_SIGNING_SECRET: "bound-refresh-test-state-secret-0123456789",
    CLAWAUTH_KV_PATH: ":memory:",
    CLAWAUTH_INIT_RATE_LIMIT: "0",
    CLAWAUTH_REFRESH_RATE_LIMIT: "0",
    CLAWAUTH_REVOKE_RATE_LIMIT: "0",
    CLAWAUTH_PROVIDERS: JSON.stringify([{
      name: PROVIDER,
      type: "oidc",
      issuer: upstream.issuer,
      clientId: upstream.client.clientId,
      clientSecret: upstream.client.clientSecret,
      scopes: ["openid", "offline_access"],
    }]),
  };
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess({ env: { ...base, ...serverEnv } });
    upstream.addRedirectUri(`${server.url}/callback/${PROVIDER}`);
    const env = {
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_KEYCHAIN: "file",
      CLAWAUTH_SERVER_URL: server.url,
    };
    const world: BoundWorld = {
      upstream,
      server,
      env,
      stateDir,
      async restart(extraEnv = {}) {
        const port = String(world.server.port);
        await world.server.stop();
        world.server = server = await startServerProcess({
          env: { ...base, ...extraEnv, PORT: port },
        });
        return world.server;
      },
    };
    await fn(world);
  } finally {
    await server?.stop().catch(() => {});
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
    await upstream.close();
  }
}

/** `login start` → the human approves over HTTP → `login claim` (its result returned). */
export async function loginDelegated(
  env: Record<string, string>,
  profile: string,
  claimArgs: string[] = [],
): Promise<CliResult> {
  const start = await runCli(["login", "start", PROVIDER, "--profile", profile, "--json"], { env });
  assert.equal(start.code, 0, start.stderr);
  const { sessionId, shortAuthUrl } = start.json() as { sessionId: string; shortAuthUrl: string };
  const { callbackUrl, cookies } = await authorizeOverHttp(shortAuthUrl);
  const callback = await cookies.fetch(callbackUrl, { method: "GET" });
  await callback.body?.cancel();
  assert.equal(callback.status, 200);
  const claim = await runCli(["login", "claim", sessionId, "--json", ...claimArgs], { env });
  assert.equal(claim.code, 0, claim.stdout + claim.stderr);
  assert.equal((claim.json() as { status: string }).status, "completed");
  return claim;
}

/** The userinfo endpoint's HTTP status for `accessToken` (200: the provider accepts it). */
export async function meStatus(upstream: Upstream, accessToken: string): Promise<number> {
  const response = await fetch(upstream.userinfoUrl, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  await response.body?.cancel();
  return response.status;
}
