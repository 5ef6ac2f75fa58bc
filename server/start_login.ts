/**
 * `POST /init`'s work: creates a pending session (PKCE verifier kept server-side, a
 * confirmation code) and returns the confirmation page's URL to send the person. No `state`
 * exists yet: the confirmation page's continue makes one (server/continue_login.ts).
 */

import type { InitResponse } from "../shared/wire.ts";
import { clampSessionTtl } from "./config.ts";
import { newConfirmationCode } from "./confirmation_code.ts";
import { baseUrlOf, lookupProvider } from "./provider_lookup.ts";
import type { AppServices } from "./services.ts";
import type { SessionRecord } from "./store.ts";

/** Poll interval `/init` suggests (the 0.4 CLI polls every 2 s). */
export const POLL_INTERVAL_SECONDS = 2;

/** A validated `/init` request. */
export interface StartLoginRequest {
  provider: string;
  scope?: string;
  ttlSeconds?: number;
  verifyKey: string;
  boxPublicKey: string;
  /** The request URL (its origin is the base URL when `PUBLIC_BASE_URL` is unset). */
  requestUrl: string;
}

/** The confirmation page of a session: the only link a person is ever given. */
export function confirmationPageUrl(baseUrl: string, provider: string, sessionId: string): string {
  return `${baseUrl}/${provider}/${sessionId}`;
}

export async function startLogin(
  services: AppServices,
  request: StartLoginRequest,
): Promise<InitResponse> {
  const baseUrl = baseUrlOf(services, request.requestUrl);
  const { spec, settings } = lookupProvider(services, request.provider, { baseUrl });
  const ttlSeconds = clampSessionTtl(request.ttlSeconds ?? services.config.sessionTtlSeconds);
  const createdAt = services.now();
  const expiresAt = createdAt + ttlSeconds * 1000;
  const sessionId = crypto.randomUUID();
  const confirmationCode = newConfirmationCode();
  const record: SessionRecord = {
    id: sessionId,
    provider: spec.name,
    status: "pending",
    verifyKey: request.verifyKey,
    boxPublicKey: request.boxPublicKey,
    redirectUri: settings.redirectUri,
    confirmationCode,
    createdAt,
    expiresAt,
  };
  if (request.scope !== undefined) record.scope = request.scope;
  await services.store.createSession(record);
  const pageUrl = confirmationPageUrl(baseUrl, spec.name, sessionId);
  return {
    sessionId,
    provider: spec.name,
    // The 0.4 field kept its name; it is the confirmation page too, so no link skips it.
    authUrl: pageUrl,
    shortAuthUrl: pageUrl,
    expiresIn: ttlSeconds,
    confirmationCode,
    pollIntervalSeconds: POLL_INTERVAL_SECONDS,
  };
}
