/**
 * `POST /refresh`'s work: performs the refresh grant with the server's client credentials and
 * returns the provider's answer sealed to the caller's X25519 key. Nothing is stored: the
 * refresh token arrives in the request, goes to the provider, and is forgotten. A bound
 * request (its proof checked already) gets `refreshBinding` for the refresh token to use
 * next (the rotated one, or the same one when the provider did not rotate) in the sealed
 * answer.
 *
 * Failures: `invalid_grant` (400; the refresh token is revoked, expired or spent: log in
 * again), `upstream_unavailable` (502, `transient: true`; retry later), `refresh_failed`
 * (502, `transient: false`; e.g. the server's client credentials were refused).
 */

import { tokenRequest } from "../providers/token_request.ts";
import { decodeBase64 } from "../shared/base64.ts";
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";
import { sealJson } from "../shared/seal.ts";
import type { RefreshResponse, SealedTokenPayload } from "../shared/wire.ts";
import { baseUrlOf, lookupProvider } from "./provider_lookup.ts";
import { createBinding, refreshTokenOf } from "./refresh_binding.ts";
import type { AppServices } from "./services.ts";

/** A validated `/refresh` request. */
export interface RefreshTokenRequest {
  provider: string;
  refreshToken: string;
  boxPublicKey: string;
  scope?: string;
  requestUrl: string;
  /** Thumbprint of the verified proof key; undefined for a legacy unbound refresh. */
  jkt?: string;
}

export async function refreshToken(
  services: AppServices,
  request: RefreshTokenRequest,
): Promise<RefreshResponse> {
  const { spec, settings } = lookupProvider(services, request.provider, {
    baseUrl: baseUrlOf(services, request.requestUrl),
  });
  if (!spec.refresh.supported) {
    throw new ClawauthError(
      ERROR_CODES.INVALID_REQUEST,
      `provider '${spec.name}' does not issue refresh tokens: log in again instead`,
      { status: 400 },
    );
  }
  const result = await tokenRequest(
    spec,
    settings,
    { type: "refresh_token", refreshToken: request.refreshToken, scope: request.scope },
    { fetch: services.fetch },
  );
  if (!result.ok) {
    const detail = { upstreamError: result.error, transient: result.transient };
    if (result.transient) {
      throw new ClawauthError(
        ERROR_CODES.UPSTREAM_UNAVAILABLE,
        `${spec.displayName} is unavailable, retry later: ${result.description}`,
        { status: 502, details: detail },
      );
    }
    if (result.error === "invalid_grant") {
      throw new ClawauthError(
        ERROR_CODES.INVALID_GRANT,
        `${spec.displayName} refused the refresh token (revoked, expired or already used): log in again`,
        { status: 400, details: detail },
      );
    }
    throw new ClawauthError(
      ERROR_CODES.REFRESH_FAILED,
      `${spec.displayName} refused the refresh: ${result.error}: ${result.description}`,
      { status: 502, details: detail },
    );
  }
  const payload: SealedTokenPayload = {
    provider: spec.name,
    issuedAt: new Date(services.now()).toISOString(),
    tokenData: result.tokenData,
  };
  const keys = request.jkt === undefined ? undefined : await services.refreshKeys?.();
  if (keys !== undefined && request.jkt !== undefined) {
    payload.refreshBinding = await createBinding(keys, {
      provider: spec.name,
      refreshToken: refreshTokenOf(result.tokenData) ?? request.refreshToken,
      jkt: request.jkt,
    });
  }
  return { provider: spec.name, blob: sealJson(payload, decodeBase64(request.boxPublicKey)) };
}
