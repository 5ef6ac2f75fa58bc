/**
 * Checks a bound `/refresh` or `/revoke` request: the DPoP-like proof (shared/refresh_proof.ts)
 * and the refresh token's binding (refresh_binding.ts), in this order, each failure a 401
 * with its own message:
 *
 * 1. presence and format of every proof header;
 * 2. `iat` within ±60 s of the server's (injected) clock;
 * 3. method and URL (`htu` must be this server's base URL + the route path);
 * 4. the body hash against the bytes received;
 * 5. the key's thumbprint against the binding's MAC (constant time); an unknown `kid` is
 *    `binding_key_unknown` (the server lost the key: log in again);
 * 6. the Ed25519 signature (Web Crypto);
 * 7. the per-key rate limit (429 + `Retry-After`);
 * 8. the `jti`, recorded in KV "must not exist" so a replay fails on every instance.
 *
 * Nothing here logs or echoes a token, key or signature.
 */
import type { Context } from "hono";
import { decodeBase64 } from "../shared/base64.ts";
import { ClawauthError, ERROR_CODES, type ErrorCode } from "../shared/errors.ts";
import {
  keyThumbprint,
  PROOF_HEADERS,
  PROOF_JTI_PATTERN,
  PROOF_MAX_SKEW_SECONDS,
  proofMessage,
  sha256Base64Url,
} from "../shared/refresh_proof.ts";
import { importVerifyKey, verifyRequestSignature } from "../shared/verify_request.ts";
import { baseUrlOf } from "./provider_lookup.ts";
import { verifyBinding } from "./refresh_binding.ts";
import type { AppEnv, AppServices } from "./services.ts";
import { RATE_WINDOW_MS } from "./store.ts";

/** A bound request to check. */
export interface BoundRequest {
  /** Route path, e.g. `/refresh`. */
  path: string;
  provider: string;
  refreshToken: string;
  binding: string;
  /** The exact body bytes received. */
  body: Uint8Array;
  /** Per-key rate limit (per minute); 0 disables. */
  limit: number;
  /** Rate counter name, e.g. `refresh-key`. */
  scope: string;
}

function refused(code: ErrorCode, message: string, status = 401): ClawauthError {
  return new ClawauthError(code, message, { status });
}

function proofError(message: string): ClawauthError {
  return refused(ERROR_CODES.INVALID_PROOF, `refresh proof refused: ${message}`);
}

/** Checks the proof and binding; returns the key's thumbprint (`jkt`). */
export async function checkRefreshProof(
  c: Context<AppEnv>,
  services: AppServices,
  request: BoundRequest,
): Promise<string> {
  // 1. presence and format
  const header = (name: string) => c.req.header(name);
  const keyText = header(PROOF_HEADERS.KEY);
  const htu = header(PROOF_HEADERS.HTU);
  const iatText = header(PROOF_HEADERS.IAT);
  const jti = header(PROOF_HEADERS.JTI);
  const bodyHash = header(PROOF_HEADERS.BODY);
  const signatureText = header(PROOF_HEADERS.SIGNATURE);
  const missing = Object.entries({
    [PROOF_HEADERS.KEY]: keyText,
    [PROOF_HEADERS.HTU]: htu,
    [PROOF_HEADERS.IAT]: iatText,
    [PROOF_HEADERS.JTI]: jti,
    [PROOF_HEADERS.BODY]: bodyHash,
    [PROOF_HEADERS.SIGNATURE]: signatureText,
  }).filter(([, value]) => value === undefined || value === "").map(([name]) => name);
  if (missing.length > 0) {
    throw proofError(
      `a bound refresh token needs a proof signed by its key; missing ${missing.join(", ")}`,
    );
  }
  let publicKey: Uint8Array<ArrayBuffer>;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    publicKey = decodeBase64(keyText!);
    signature = decodeBase64(signatureText!);
  } catch {
    throw proofError(`${PROOF_HEADERS.KEY} and ${PROOF_HEADERS.SIGNATURE} must be base64`);
  }
  if (publicKey.length !== 32 || signature.length !== 64) {
    throw proofError("the key must be 32 bytes and the signature 64 bytes (Ed25519)");
  }
  if (!/^\d{1,12}$/.test(iatText!)) throw proofError(`${PROOF_HEADERS.IAT} must be Unix seconds`);
  if (!PROOF_JTI_PATTERN.test(jti!)) {
    throw proofError(`${PROOF_HEADERS.JTI} must be 16 to 64 base64url characters`);
  }
  if (!/^[A-Za-z0-9_-]{43}$/.test(bodyHash!)) {
    throw proofError(`${PROOF_HEADERS.BODY} must be a base64url SHA-256`);
  }

  // 2. time window
  const iat = Number(iatText);
  const nowSeconds = Math.floor(services.now() / 1000);
  if (Math.abs(nowSeconds - iat) > PROOF_MAX_SKEW_SECONDS) {
    throw refused(
      ERROR_CODES.INVALID_TIMESTAMP,
      `refresh proof refused: iat is more than ${PROOF_MAX_SKEW_SECONDS} s from the server's time (check this machine's clock)`,
    );
  }

  // 3. method and URL
  const expectedHtu = `${baseUrlOf(services, c.req.url)}${request.path}`;
  if (c.req.method !== "POST" || htu !== expectedHtu) {
    throw proofError(`the proof is for another URL than POST ${expectedHtu}`);
  }

  // 4. body hash
  if (await sha256Base64Url(request.body) !== bodyHash) {
    throw proofError("the proof is for another request body");
  }

  // 5. key thumbprint against the binding
  const keys = await services.refreshKeys?.();
  if (keys === undefined) {
    throw refused(ERROR_CODES.SERVER_MISCONFIGURED, "the server has no refresh-binding key", 500);
  }
  const jkt = await keyThumbprint(publicKey);
  const check = await verifyBinding(keys, request.binding, {
    provider: request.provider,
    refreshToken: request.refreshToken,
    jkt,
  });
  if (check === "unknown_kid") {
    throw refused(
      ERROR_CODES.BINDING_KEY_UNKNOWN,
      "this server no longer holds the key that bound this refresh token (its operator removed it): log in again",
    );
  }
  if (check !== "ok") {
    throw refused(
      ERROR_CODES.INVALID_BINDING,
      check === "malformed"
        ? "'refreshBinding' is malformed"
        : "the refresh token is not bound to this key (or the binding belongs to another token or provider)",
    );
  }

  // 6. signature
  let verified = false;
  try {
    verified = await verifyRequestSignature(
      await importVerifyKey(publicKey),
      proofMessage({ htm: "POST", htu: expectedHtu, iat, jti: jti!, bodyHash: bodyHash! }),
      signature,
    );
  } catch {
    verified = false;
  }
  if (!verified) throw proofError("the signature does not verify with the bound key");

  // 7. per-key rate limit
  if (request.limit > 0) {
    const count = await services.store.countRateLimited(request.scope, jkt);
    if (count > request.limit) {
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil((RATE_WINDOW_MS - (services.now() % RATE_WINDOW_MS)) / 1000),
      );
      c.header("retry-after", String(retryAfterSeconds));
      throw new ClawauthError(
        ERROR_CODES.RATE_LIMITED,
        `too many requests with this refresh key: the limit is ${request.limit} a minute`,
        { status: 429, details: { retryAfterSeconds } },
      );
    }
  }

  // 8. single use
  if (!await services.store.recordProofId(jti!)) {
    throw refused(
      ERROR_CODES.REPLAY_DETECTED,
      "refresh proof refused: this proof was already used",
    );
  }
  return jkt;
}
