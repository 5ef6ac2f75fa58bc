/**
 * `deno task demo`: the whole clawauth flow on one machine, with no credentials and no internet.
 *
 * Starts, in this one process:
 * - the clawauth server on loopback (`PORT`, default 8787; `0` picks a free port), with a
 *   generated `STATE_SIGNING_SECRET` and an in-memory KV;
 * - a demo OpenID provider (`npm:oidc-provider`, accounts alice/alice-password and
 *   bob/bob-password) on a free loopback port, configured on the server as the operator-defined
 *   provider `demo` through the same `CLAWAUTH_PROVIDERS` JSON an operator would write;
 *
 * then prints the commands to run. Ctrl-C (SIGINT) or SIGTERM stops both and exits; nothing is
 * left behind (the KV lives in memory).
 *
 * The server listens before it is built: the demo provider must know the server's callback URL
 * (its redirect URI) and the server must discover the provider's endpoints, so the listener
 * answers 503 for the moment in between.
 */

import { bootServer, type ServerRuntime } from "../boot.ts";
import {
  DEFAULT_UPSTREAM_SCOPES,
  DEMO_ACCOUNTS,
  type OidcUpstream,
  startOidcUpstream,
} from "./oidc_upstream.ts";

const DEFAULT_PORT = 8787;
const HOSTNAME = "127.0.0.1";
const PROVIDER_NAME = "demo";

function readPort(): number {
  const raw = Deno.env.get("PORT")?.trim();
  if (raw === undefined || raw === "") return DEFAULT_PORT;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535: got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The environment the demo's server boots from: only what the demo decides, nothing inherited. */
function demoServerEnv(serverUrl: string, port: number, upstream: OidcUpstream) {
  return {
    PORT: String(port),
    HOSTNAME,
    PUBLIC_BASE_URL: serverUrl,
    STATE_SIGNING_SECRET: randomSecret(),
    CLAWAUTH_KV_PATH: ":memory:",
    CLAWAUTH_LOG: Deno.env.get("CLAWAUTH_LOG") ?? "json",
    CLAWAUTH_PROVIDERS: JSON.stringify([{
      name: PROVIDER_NAME,
      displayName: "clawauth demo provider",
      type: "oidc",
      issuer: upstream.issuer,
      clientId: upstream.client.clientId,
      clientSecret: upstream.client.clientSecret,
      scopes: [...DEFAULT_UPSTREAM_SCOPES],
    }]),
  };
}

function instructions(serverUrl: string, upstream: OidcUpstream): string {
  const cli = "clawauth";
  const account = DEMO_ACCOUNTS[0];
  return [
    "",
    "clawauth demo is running.",
    `  server         ${serverUrl}   (provider "${PROVIDER_NAME}", in-memory KV)`,
    `  demo provider  ${upstream.issuer}   (accounts: ${
      DEMO_ACCOUNTS.map((a) => `${a.id}/${a.password}`).join(", ")
    })`,
    "",
    "In another terminal, from the repository root:",
    "",
    "  0. Put clawauth on the PATH (once; every command clawauth prints then runs as printed)",
    "     and point it at this server:",
    "       deno task install",
    `       export CLAWAUTH_SERVER_URL=${serverUrl}`,
    "",
    "  1. Start a login (as an agent would):",
    `       ${cli} login start ${PROVIDER_NAME} --json`,
    "",
    "  2. Open the printed shortAuthUrl in a browser, check the confirmation code, press",
    `     Continue, sign in as ${account.id} / ${account.password}, and approve.`,
    "",
    "  3. Claim the token with the sessionId from step 1:",
    `       ${cli} login claim <sessionId> --json`,
    "",
    "  4. Get a valid access token, any time later:",
    `       ${cli} token get ${PROVIDER_NAME} --json`,
    "",
    "No OS keychain on this machine (no Secret Service, e.g. a headless box or container)?",
    "Run export CLAWAUTH_KEYCHAIN=file to keep tokens in a 0600 file instead.",
    "",
    "Ctrl-C stops the server and the demo provider.",
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  let port: number;
  try {
    port = readPort();
  } catch (error) {
    console.error(`demo: ${(error as Error).message}`);
    Deno.exit(2);
  }

  let runtime: ServerRuntime | undefined;
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname: HOSTNAME, port, onListen() {} }, (request, info) => {
      if (runtime === undefined) {
        return Response.json({ error: "the demo is starting", code: "starting" }, {
          status: 503,
          headers: { "retry-after": "1" },
        });
      }
      return runtime.app.fetch(request, info);
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      console.error(
        `demo: port ${port} on ${HOSTNAME} is in use. Stop what uses it or pick another port: ` +
          `PORT=8788 deno task demo`,
      );
      Deno.exit(1);
    }
    throw error;
  }
  const serverUrl = `http://${HOSTNAME}:${server.addr.port}`;

  let upstream: OidcUpstream | undefined;
  let stopping = false;
  async function stop(code: number): Promise<never> {
    if (!stopping) {
      stopping = true;
      await server.shutdown().catch(() => {});
      await upstream?.close().catch(() => {});
      runtime?.kv.close();
    }
    Deno.exit(code);
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      if (!stopping) console.error(`\ndemo: ${signal}, stopping`);
      stop(0);
    });
  }

  try {
    upstream = await startOidcUpstream({ redirectUris: [`${serverUrl}/callback/demo`] });
    runtime = await bootServer(demoServerEnv(serverUrl, server.addr.port, upstream));
  } catch (error) {
    console.error(`demo: cannot start: ${error instanceof Error ? error.message : error}`);
    await stop(1);
    return;
  }
  console.log(JSON.stringify({ msg: "listening", url: serverUrl, issuer: upstream.issuer }));
  console.log(instructions(serverUrl, upstream));
}

if (import.meta.main) await main();
