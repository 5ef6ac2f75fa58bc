/**
 * `POST /init`'s work: creates a pending session (PKCE verifier kept server-side, signed
 * `state`), and returns the provider's authorize URL and the short link to send the person.
 */

import { buildAuthorizeUrl } from "../providers/authorize_url.ts";
import { createPkcePair } from "../providers/pkce.ts";
import type { InitResponse } from "../shared/wire.ts";
import { clampSessionTtl } from "./config.ts";
import { baseUrlOf, lookupProvider } from "./provider_lookup.ts";
import type { AppServices } from "./services.ts";
import type { StateSigner } from "./state.ts";
import type { SessionRecord } from "./store.ts";

/** A validated `/init` request. */
export interface StartLoginRequest {
  provider: string;
  scope?: string;
  ttlSeconds?: number;
  verifyKey: string;
  boxPublicKey: string;
  /** Ed25519 public key (base64) to bind the issued refresh token to. */
  refreshKey?: string;
  /** The request URL (its origin is the base URL when `PUBLIC_BASE_URL` is unset). */
  requestUrl: string;
}

export async function startLogin(
  services: AppServices & { stateSigner: StateSigner },
  request: StartLoginRequest,
): Promise<InitResponse> {
  const baseUrl = baseUrlOf(services, request.requestUrl);
  const { spec, settings } = lookupProvider(services, request.provider, { baseUrl });
  const ttlSeconds = clampSessionTtl(request.ttlSeconds ?? services.config.sessionTtlSeconds);
  const createdAt = services.now();
  const expiresAt = createdAt + ttlSeconds * 1000;
  const sessionId = crypto.randomUUID();
  const pkce = spec.pkce === "none" ? undefined : await createPkcePair();
  const state = await services.stateSigner.sign({
    sessionId,
    provider: spec.name,
    expiresAt,
  });
  const authUrl = buildAuthorizeUrl(spec, settings, {
    state,
    scope: request.scope,
    codeChallenge: pkce?.challenge,
  });
  const record: SessionRecord = {
    id: sessionId,
    provider: spec.name,
    status: "pending",
    verifyKey: request.verifyKey,
    boxPublicKey: request.boxPublicKey,
    redirectUri: settings.redirectUri,
    authUrl,
    createdAt,
    expiresAt,
  };
  if (request.scope !== undefined) record.scope = request.scope;
  if (request.refreshKey !== undefined) record.refreshKey = request.refreshKey;
  if (pkce !== undefined) record.codeVerifier = pkce.verifier;
  await services.store.createSession(record);
  return {
    sessionId,
    provider: spec.name,
    authUrl,
    shortAuthUrl: `${baseUrl}/${spec.name}/${sessionId}`,
    expiresIn: ttlSeconds,
  };
}
