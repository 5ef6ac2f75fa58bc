// Helpers of the operations tests (scale-out, crash, sweep, log hygiene): the agent's side of the
// wire protocol done by hand (keys, /init, signed /status and /claim, opening the blob), so a
// test knows every secret that crosses the wire and can point each request at any server process.

import nacl from "tweetnacl";
import { decodeBase64, encodeBase64, randomBase64Url } from "../../shared/base64.ts";
import { openSealedJson } from "../../shared/seal.ts";
import { signRequest } from "../../shared/sign_request.ts";
import type { InitResponse, SealedTokenPayload } from "../../shared/wire.ts";
import {
  authorizeOverHttp,
  type AuthorizeOverHttpResult,
  type CookieJar,
  type OidcUpstream,
  startOidcUpstream,
} from "../fixtures/oidc_provider.ts";

export const PROVIDER = "demo";

/** An agent's key material for one login session. */
export interface ClientKeys {
  signKey: CryptoKey;
  /** Raw Ed25519 public key, base64. */
  verifyKey: string;
  box: nacl.BoxKeyPair;
  boxPublicKey: string;
}

export async function createClientKeys(): Promise<ClientKeys> {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const box = nacl.box.keyPair();
  return {
    signKey: pair.privateKey,
    verifyKey: encodeBase64(raw),
    box,
    boxPublicKey: encodeBase64(box.publicKey),
  };
}

/** The demo upstream plus the server settings that configure it as provider `demo`. */
export async function startUpstreamAndSettings(): Promise<{
  upstream: OidcUpstream;
  env: Record<string, string>;
}> {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  return {
    upstream,
    env: {
      STATE_SIGNING_SECRET: randomBase64Url(32),
      CLAWAUTH_PROVIDERS: JSON.stringify([{
        name: PROVIDER,
        type: "oidc",
        issuer: upstream.issuer,
        clientId: upstream.client.clientId,
        clientSecret: upstream.client.clientSecret,
      }]),
    },
  };
}

export async function initSession(
  serverUrl: string,
  keys: ClientKeys,
  options: { ttlSeconds?: number } = {},
): Promise<InitResponse> {
  const response = await fetch(`${serverUrl}/init`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      provider: PROVIDER,
      verifyKey: keys.verifyKey,
      boxPublicKey: keys.boxPublicKey,
      ...options,
    }),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`/init: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Plays the person: opens the short link, signs in as alice and approves. */
export async function approve(shortAuthUrl: string): Promise<AuthorizeOverHttpResult> {
  return await authorizeOverHttp(shortAuthUrl, { account: "alice", password: "alice-password" });
}

/** Delivers the provider's redirect to the server at `serverUrl` (default: where it points). */
export async function deliverCallback(
  callback: { callbackUrl: URL; cookies: CookieJar },
  serverUrl?: string,
): Promise<{ status: number; body: string }> {
  const url = new URL(callback.callbackUrl);
  if (serverUrl !== undefined) {
    const target = new URL(serverUrl);
    url.host = target.host;
  }
  const response = await callback.cookies.fetch(url, { method: "GET" });
  return { status: response.status, body: await response.text() };
}

/** A signed `GET /status/{id}` or `/claim/{id}` with a fresh nonce. */
export async function signedGet(
  serverUrl: string,
  options: { action: "status" | "claim"; sessionId: string; keys: ClientKeys },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const path = `/${options.action}/${options.sessionId}`;
  const headers = await signRequest(options.keys.signKey, {
    sessionId: options.sessionId,
    path,
  });
  const response = await fetch(`${serverUrl}${path}`, { headers });
  return { status: response.status, body: await response.json() };
}

/** Opens a claim's blob with the session's box key. */
export function openBlob(blob: unknown, keys: ClientKeys): SealedTokenPayload {
  return openSealedJson(blob, keys.box.secretKey) as SealedTokenPayload;
}

/** The demo provider's userinfo answer for `accessToken` (proves the token is real). */
export async function userinfo(
  upstream: OidcUpstream,
  accessToken: string,
): Promise<{ status: number; sub?: string }> {
  const response = await fetch(upstream.userinfoUrl, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const body = response.status === 200 ? await response.json() : await response.text();
  return { status: response.status, sub: typeof body === "object" ? body.sub : undefined };
}

/** Counts the keys under `prefix` (default: every key) in a KV database. */
export async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey = []): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix }, { batchSize: 1000 })) n++;
  return n;
}

export { decodeBase64 };
