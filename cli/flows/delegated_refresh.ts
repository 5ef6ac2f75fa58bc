/**
 * Refresh and revoke of delegated tokens through the clawauth server, which holds the client
 * secret. A profile claimed from a 0.5 server has a refresh key and a binding: every call
 * carries a proof signed by that key (shared/refresh_proof.ts), and each refresh answer
 * brings the binding of the refresh token to use next. A profile without them (claimed from a
 * 0.4 server) is sent unbound, which the server refuses unless its operator turned on
 * `CLAWAUTH_ALLOW_UNBOUND_REFRESH`; the CLI then says to log in once more, which binds it.
 */
import nacl from "tweetnacl";
import { decodeBase64, encodeBase64 } from "../../shared/base64.ts";
import { ERROR_CODES, isClawauthError } from "../../shared/errors.ts";
import { openSealedJson } from "../../shared/seal.ts";
import type { RevokeResponse } from "../../shared/wire.ts";
import type { CliContext } from "../context.ts";
import { createServerClient, insecureHttpAllowed, type ServerClient } from "../server_client.ts";
import type { CredentialRecord, CredentialSecret } from "../store/types.ts";

/** What a refresh grant came to. `needs_login`: the server will never refresh this token. */
export type GrantOutcome =
  | { ok: true; tokenData: Record<string, unknown>; refreshBinding?: string }
  | {
    ok: false;
    kind: "invalid_grant" | "needs_login" | "transient" | "failed";
    code: string;
    message: string;
  };

const BINDING_PATTERN = /^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{43}$/;

/** The profile's refresh key, or undefined when it has none (or it is corrupt). */
export function refreshKeyOf(secret: CredentialSecret): Uint8Array | undefined {
  if (secret.refresh_key === undefined || secret.refresh_binding === undefined) return undefined;
  try {
    const key = decodeBase64(secret.refresh_key);
    return key.length === 64 ? key : undefined;
  } catch {
    return undefined;
  }
}

function clientOf(ctx: CliContext, serverUrl: string): ServerClient {
  return createServerClient({
    serverUrl,
    fetch: ctx.fetch,
    now: ctx.now,
    allowInsecureHttp: insecureHttpAllowed(ctx.env),
  });
}

/** Server error codes that mean "this credential can never be refreshed here: log in again". */
const NEEDS_LOGIN_CODES: ReadonlySet<string> = new Set([
  ERROR_CODES.UNBOUND_REFRESH_REFUSED,
  ERROR_CODES.BINDING_KEY_UNKNOWN,
  ERROR_CODES.INVALID_BINDING,
]);

const TRANSIENT_SERVER_CODES: readonly string[] = [
  ERROR_CODES.UPSTREAM_UNAVAILABLE,
  ERROR_CODES.SERVER_UNREACHABLE,
  ERROR_CODES.SERVER_ERROR,
  ERROR_CODES.RATE_LIMITED,
  ERROR_CODES.TRANSIENT,
];

/** Why the server will not refresh, in words for the `needs_login` message. */
export function needsLoginReason(code: string, message: string): string {
  switch (code) {
    case ERROR_CODES.UNBOUND_REFRESH_REFUSED:
      return "the server only refreshes tokens bound to the key of the CLI that claimed them, and this one was claimed before binding existed; one new login binds it";
    case ERROR_CODES.BINDING_KEY_UNKNOWN:
      return "the server no longer has the key that bound this token (its operator removed it)";
    case ERROR_CODES.INVALID_BINDING:
      return `the server does not accept this token's binding (${message})`;
    default:
      return message;
  }
}

/** Maps a server client error to a grant outcome. */
export function classifyServerError(
  error: unknown,
  serverUrl: string,
): GrantOutcome & { ok: false } {
  if (!isClawauthError(error)) {
    return {
      ok: false,
      kind: "transient",
      code: ERROR_CODES.SERVER_UNREACHABLE,
      message: `clawauth server ${serverUrl} unreachable: ${
        error instanceof Error ? error.message : String(error)
      }`,
    };
  }
  if (error.code === ERROR_CODES.INVALID_GRANT) {
    return { ok: false, kind: "invalid_grant", code: error.code, message: error.message };
  }
  if (NEEDS_LOGIN_CODES.has(error.code)) {
    return { ok: false, kind: "needs_login", code: error.code, message: error.message };
  }
  // The server says refresh_failed when the provider refused for another reason (e.g. its
  // client credentials): retrying will not help, whatever the HTTP status suggests.
  const transient = error.code !== ERROR_CODES.REFRESH_FAILED &&
    (TRANSIENT_SERVER_CODES.includes(error.code) || error.details?.transient === true);
  return {
    ok: false,
    kind: transient ? "transient" : "failed",
    code: error.code,
    message: error.message,
  };
}

/** Sends the refresh of a delegated token through its server (bound when the profile can). */
export async function refreshThroughServer(
  ctx: CliContext,
  record: CredentialRecord,
): Promise<GrantOutcome> {
  const { meta, secret } = record;
  const serverUrl = meta.server ?? ctx.serverUrl;
  const boxKeys = nacl.box.keyPair();
  const proofKey = refreshKeyOf(secret);
  try {
    let response: { provider: string; blob: unknown };
    try {
      response = await clientOf(ctx, serverUrl).refresh({
        provider: meta.provider,
        refreshToken: secret.refresh_token!,
        boxPublicKey: encodeBase64(boxKeys.publicKey),
        ...(proofKey !== undefined ? { refreshBinding: secret.refresh_binding } : {}),
      }, proofKey);
    } catch (error) {
      return classifyServerError(error, serverUrl);
    }
    let payload: unknown;
    try {
      payload = openSealedJson(response.blob, boxKeys.secretKey);
    } catch (error) {
      return {
        ok: false,
        kind: "failed",
        code: ERROR_CODES.DECRYPT_FAILED,
        message: error instanceof Error ? error.message : String(error),
      };
    }
    const body = payload as { provider?: unknown; tokenData?: unknown; refreshBinding?: unknown };
    if (typeof payload !== "object" || payload === null || body.provider !== meta.provider) {
      return {
        ok: false,
        kind: "failed",
        code: ERROR_CODES.PROVIDER_MISMATCH,
        message: `the server's sealed answer is for provider ${
          JSON.stringify(String(body?.provider ?? "")).slice(0, 70)
        }, not ${meta.provider}`,
      };
    }
    if (
      typeof body.tokenData !== "object" || body.tokenData === null || Array.isArray(body.tokenData)
    ) {
      return {
        ok: false,
        kind: "failed",
        code: ERROR_CODES.REFRESH_FAILED,
        message: "the sealed answer has no tokenData",
      };
    }
    const tokenData = body.tokenData as Record<string, unknown>;
    if (typeof tokenData.access_token !== "string" || tokenData.access_token === "") {
      return {
        ok: false,
        kind: "failed",
        code: ERROR_CODES.REFRESH_FAILED,
        message: "the refresh answer has no access_token",
      };
    }
    const binding = typeof body.refreshBinding === "string" &&
        BINDING_PATTERN.test(body.refreshBinding)
      ? body.refreshBinding
      : undefined;
    return { ok: true, tokenData, ...(binding !== undefined ? { refreshBinding: binding } : {}) };
  } finally {
    boxKeys.secretKey.fill(0);
  }
}

/**
 * Asks the server to revoke a delegated token at the provider (bound when the profile can).
 * Throws the server client's `ClawauthError` on failure.
 */
export async function revokeThroughServer(
  ctx: CliContext,
  record: CredentialRecord,
): Promise<RevokeResponse> {
  const { meta, secret } = record;
  const proofKey = refreshKeyOf(secret);
  return await clientOf(ctx, meta.server ?? ctx.serverUrl).revoke({
    provider: meta.provider,
    refreshToken: secret.refresh_token!,
    ...(proofKey !== undefined ? { refreshBinding: secret.refresh_binding } : {}),
    ...(secret.access_token !== undefined ? { accessToken: secret.access_token } : {}),
  }, proofKey);
}
