// Shared setup of the handoff attack tests: the real oidc-provider upstream, registered twice in
// a clawauth server process (CLAWAUTH_PROVIDERS): `demo` (consent forced, the discovery default)
// and `quiet` (consentParams {}: a returning user is approved without a screen, as GitHub does
// for an app already authorized). The agent's side is done by hand (keys, /init, signed
// status/claim) so a test can be the victim's agent and the attacker's at once.

import { randomBase64Url } from "../../shared/base64.ts";
import type { InitResponse } from "../../shared/wire.ts";
import { type OidcUpstream, startOidcUpstream } from "../fixtures/oidc_provider.ts";
import { type ServerProcess, startServerProcess } from "../fixtures/server_process.ts";
import { type ClientKeys, createClientKeys, signedGet } from "./_server_flow.ts";

export interface HandoffSetup {
  url: string;
  upstream: OidcUpstream;
  server: ServerProcess;
  stop(): Promise<void>;
}

export async function startHandoff(): Promise<HandoffSetup> {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const common = {
    type: "oidc",
    issuer: upstream.issuer,
    clientId: upstream.client.clientId,
    clientSecret: upstream.client.clientSecret,
    scopes: ["openid"],
  };
  let server: ServerProcess;
  try {
    server = await startServerProcess({
      env: {
        STATE_SIGNING_SECRET: randomBase64Url(32),
        CLAWAUTH_INIT_RATE_LIMIT: "0",
        CLAWAUTH_LINK_RATE_LIMIT: "0",
        CLAWAUTH_PROVIDERS: JSON.stringify([
          { ...common, name: "demo", displayName: "Demo IdP" },
          { ...common, name: "quiet", displayName: "Quiet IdP", consentParams: {} },
        ]),
      },
    });
  } catch (error) {
    await upstream.close();
    throw error;
  }
  for (const path of ["/callback", "/callback/demo", "/callback/quiet"]) {
    upstream.addRedirectUri(`${server.url}${path}`);
  }
  return {
    url: server.url,
    upstream,
    server,
    async stop() {
      await server.stop();
      await upstream.close();
    },
  };
}

/** An agent's `/init` for `provider`; returns the response and its keys. */
export async function agentStart(
  serverUrl: string,
  provider: string,
): Promise<{ init: InitResponse; keys: ClientKeys }> {
  const keys = await createClientKeys();
  const response = await fetch(`${serverUrl}/init`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ provider, verifyKey: keys.verifyKey, boxPublicKey: keys.boxPublicKey }),
  });
  const init = await response.json();
  if (response.status !== 200) throw new Error(`/init: ${response.status} ${JSON.stringify(init)}`);
  return { init, keys };
}

/** The agent's view: signed status. */
export async function agentStatus(serverUrl: string, sessionId: string, keys: ClientKeys) {
  return await signedGet(serverUrl, { action: "status", sessionId, keys });
}

/** The agent's one-time claim. */
export async function agentClaim(serverUrl: string, sessionId: string, keys: ClientKeys) {
  return await signedGet(serverUrl, { action: "claim", sessionId, keys });
}
