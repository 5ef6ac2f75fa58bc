/**
 * `GET /callback`'s work, once the `state` is verified: checks the browser binding, records a
 * provider-reported error, or exchanges the code (with the PKCE verifier), seals the token
 * response to the session's X25519 key and marks the session completed. Every update is a
 * versionstamp-checked write, so a late or repeated callback never overwrites a completed
 * session.
 */

import { sanitizeDescription } from "../providers/token_response.ts";
import { tokenRequest } from "../providers/token_request.ts";
import { decodeBase64 } from "../shared/base64.ts";
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";
import { sealJson } from "../shared/seal.ts";
import type { SealedTokenPayload } from "../shared/wire.ts";
import { hashBindingValue } from "./browser_binding.ts";
import { baseUrlOf, lookupProvider } from "./provider_lookup.ts";
import { bindIssuedRefreshToken } from "./refresh_binding.ts";
import type { AppServices } from "./services.ts";
import type { StateClaims } from "./state.ts";
import type { SessionEntry, SessionRecord } from "./store.ts";

/** A callback whose `state` verified. */
export interface CompleteLoginRequest {
  claims: StateClaims;
  /** Value of the session's binding cookie, if the browser sent one. */
  bindingValue?: string;
  code?: string;
  error?: string;
  errorDescription?: string;
  requestUrl: string;
}

/** How the callback ended for the person. */
export interface CompleteLoginResult {
  outcome: "completed" | "already_completed";
  providerName: string;
}

function sessionGone(): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.SESSION_NOT_FOUND,
    "This sign-in session has expired or was already used. Ask your agent for a new link.",
    { status: 410 },
  );
}

function failedError(record: SessionRecord): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.SESSION_FAILED,
    "This sign-in already failed. Ask your agent for a new link.",
    { status: 410, details: { description: record.error ?? "" } },
  );
}

/** Ends the session with an error unless it finished meanwhile; returns what is stored now. */
async function failSession(
  services: AppServices,
  entry: SessionEntry,
  error: string,
): Promise<SessionRecord | null> {
  const { codeVerifier: _spent, ...rest } = entry.record;
  const failed: SessionRecord = { ...rest, status: "error", error, finishedAt: services.now() };
  if (await services.store.updateSession(entry, failed)) return failed;
  return (await services.store.getSession(entry.record.id))?.record ?? null;
}

async function checkBinding(
  services: AppServices,
  record: SessionRecord,
  bindingValue: string | undefined,
): Promise<void> {
  const bound = bindingValue !== undefined && bindingValue.length <= 100 &&
    await services.store.hasBrowserOpen(record, await hashBindingValue(bindingValue));
  if (!bound) {
    throw new ClawauthError(
      ERROR_CODES.BROWSER_MISMATCH,
      "This browser did not open the sign-in link. Open the link you were sent (it starts with " +
        "this server's address and the provider's name) in this browser, and sign in again.",
      { status: 403 },
    );
  }
}

export async function completeLogin(
  services: AppServices,
  request: CompleteLoginRequest,
): Promise<CompleteLoginResult> {
  const { claims } = request;
  const entry = await services.store.getSession(claims.sessionId);
  if (entry === null) throw sessionGone();
  const record = entry.record;
  if (record.provider !== claims.provider) {
    throw new ClawauthError(
      ERROR_CODES.INVALID_STATE,
      "the 'state' parameter does not match this session's provider",
      { status: 400 },
    );
  }
  await checkBinding(services, record, request.bindingValue);
  const displayName = services.registry.get(record.provider)?.displayName ?? record.provider;
  if (record.status === "completed") {
    return { outcome: "already_completed", providerName: displayName };
  }
  if (record.status === "error") throw failedError(record);

  if (request.error !== undefined) {
    const error = sanitizeDescription(
      request.errorDescription ? `${request.error}: ${request.errorDescription}` : request.error,
    );
    const stored = await failSession(services, entry, error);
    if (stored?.status === "completed") {
      return { outcome: "already_completed", providerName: displayName };
    }
    throw new ClawauthError(
      ERROR_CODES.PROVIDER_ERROR,
      `${displayName} did not approve the sign-in. Ask your agent for a new link to try again.`,
      { status: 400, details: { description: error } },
    );
  }
  if (request.code === undefined || request.code === "") {
    throw new ClawauthError(
      ERROR_CODES.INVALID_REQUEST,
      "the provider sent neither a 'code' nor an 'error' parameter",
      { status: 400 },
    );
  }

  const { spec, settings } = lookupProvider(services, record.provider, {
    baseUrl: baseUrlOf(services, request.requestUrl),
  });
  const result = await tokenRequest(
    spec,
    { ...settings, redirectUri: record.redirectUri },
    { type: "authorization_code", code: request.code, codeVerifier: record.codeVerifier },
    { fetch: services.fetch },
  );
  if (!result.ok) {
    const description = `${result.error}: ${result.description}`;
    if (result.transient) {
      // The session stays pending: the person can reload the page once the provider answers.
      throw new ClawauthError(
        ERROR_CODES.UPSTREAM_UNAVAILABLE,
        `${displayName} is not answering right now. Reload this page in a minute to try again.`,
        { status: 502, details: { description } },
      );
    }
    const stored = await failSession(services, entry, `token exchange failed: ${description}`);
    if (stored?.status === "completed") {
      return { outcome: "already_completed", providerName: displayName };
    }
    throw new ClawauthError(
      ERROR_CODES.TOKEN_EXCHANGE_FAILED,
      `${displayName} refused to issue a token. Ask your agent for a new link to try again.`,
      { status: 502, details: { description } },
    );
  }

  const payload: SealedTokenPayload = {
    provider: record.provider,
    issuedAt: new Date(services.now()).toISOString(),
    tokenData: result.tokenData,
  };
  await bindIssuedRefreshToken(services, record, payload);
  const { codeVerifier: _spent, ...rest } = record;
  const completed: SessionRecord = {
    ...rest,
    status: "completed",
    blob: sealJson(payload, decodeBase64(record.boxPublicKey)),
    finishedAt: services.now(),
  };
  if (!await services.store.updateSession(entry, completed)) {
    const now = await services.store.getSession(record.id);
    if (now?.record.status === "completed") {
      return { outcome: "already_completed", providerName: displayName };
    }
    if (now === null) throw sessionGone();
    throw failedError(now.record);
  }
  return { outcome: "completed", providerName: displayName };
}
