/**
 * Session keys and pre-signed `GET /status|claim/{id}` requests for the load generator. Every
 * request carries a fresh nonce (the server refuses a replay), so they are all signed before the
 * clock starts: signing while measuring would bill the client's crypto to the server.
 */

import { encodeBase64 } from "../../shared/base64.ts";
import { signRequest } from "../../shared/sign_request.ts";
import { encodeRequest } from "./load.ts";

const SIGN_BATCH = 64;

/** A session's Ed25519 signing key (Web Crypto) and its public half as `/init` wants it. */
export interface SigningKey {
  signKey: CryptoKey;
  /** Raw 32-byte public key, standard base64. */
  verifyKey: string;
}

async function createSigningKey(): Promise<SigningKey> {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  return { signKey: pair.privateKey, verifyKey: encodeBase64(raw) };
}

/** Makes `n` Ed25519 key pairs with Web Crypto. */
export async function createSigningKeys(n: number): Promise<SigningKey[]> {
  const keys: SigningKey[] = [];
  for (let i = 0; i < n; i += SIGN_BATCH) {
    keys.push(
      ...await Promise.all(Array.from({ length: Math.min(SIGN_BATCH, n - i) }, createSigningKey)),
    );
  }
  return keys;
}

/** Options of {@linkcode signedGets}. */
export interface SignedGetsOptions {
  /** `host:port` of the server. */
  host: string;
  action: "status" | "claim";
  sessionId: string;
  signKey: CryptoKey;
  count: number;
  /** Unix seconds; default now. */
  timestamp?: number;
}

/** `count` encoded signed GETs of one session, each with its own nonce. */
export async function signedGets(options: SignedGetsOptions): Promise<Uint8Array[]> {
  const path = `/${options.action}/${options.sessionId}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const out: Uint8Array[] = [];
  // Web Crypto signs off the main thread: batches keep both cores busy.
  for (let i = 0; i < options.count; i += SIGN_BATCH) {
    const batch = Math.min(SIGN_BATCH, options.count - i);
    const signed = await Promise.all(
      Array.from(
        { length: batch },
        () => signRequest(options.signKey, { sessionId: options.sessionId, path, timestamp }),
      ),
    );
    for (const headers of signed) {
      out.push(encodeRequest(options.host, { method: "GET", path, headers }));
    }
  }
  return out;
}
