/**
 * What `/refresh` and `/revoke` share: read the body as bytes (the proof hashes them), then
 * either check the proof and binding (server/check_refresh_proof.ts) or, for a request with
 * neither, accept it as a legacy unbound request only when `CLAWAUTH_ALLOW_UNBOUND_REFRESH=1`.
 */
import type { Context } from "hono";
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";
import { PROOF_HEADERS } from "../shared/refresh_proof.ts";
import { checkRefreshProof } from "./check_refresh_proof.ts";
import type { AppEnv, AppServices } from "./services.ts";
import {
  parseJsonObject,
  readProviderName,
  readRefreshBinding,
  readRefreshToken,
} from "./validate.ts";

/** A request that passed the checks: its body, and the bound key's thumbprint (none when unbound). */
export interface AcceptedRequest {
  body: Record<string, unknown>;
  provider: string;
  refreshToken: string;
  /** Thumbprint of the proof key; undefined for a legacy unbound request. */
  jkt?: string;
}

/** Reads and checks a `/refresh` or `/revoke` request (see the module comment). */
export async function acceptBoundRequest(
  c: Context<AppEnv>,
  services: AppServices,
  options: { path: string; scope: string; limit: number },
): Promise<AcceptedRequest> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ClawauthError(ERROR_CODES.INVALID_JSON, "request body must be UTF-8 JSON", {
      status: 400,
    });
  }
  const body = parseJsonObject(text);
  const provider = readProviderName(body);
  const refreshToken = readRefreshToken(body);
  const binding = readRefreshBinding(body);
  const hasProof = c.req.header(PROOF_HEADERS.SIGNATURE) !== undefined ||
    c.req.header(PROOF_HEADERS.KEY) !== undefined;
  if (binding === undefined && !hasProof) {
    if (!services.config.allowUnboundRefresh) {
      throw new ClawauthError(
        ERROR_CODES.UNBOUND_REFRESH_REFUSED,
        "this server only accepts refresh tokens bound to the key of the CLI that claimed them " +
          "(this credential was claimed before binding existed, or by an old CLI): log in again with " +
          `clawauth login start ${provider}`,
        { status: 403 },
      );
    }
    return { body, provider, refreshToken };
  }
  if (binding === undefined) {
    throw new ClawauthError(
      ERROR_CODES.INVALID_BINDING,
      "a proof was sent without 'refreshBinding'",
      { status: 401 },
    );
  }
  const jkt = await checkRefreshProof(c, services, {
    path: options.path,
    provider,
    refreshToken,
    binding,
    body: bytes,
    limit: options.limit,
    scope: options.scope,
  });
  return { body, provider, refreshToken, jkt };
}
