/**
 * The confirmation page's continue (a same-origin POST, already CSRF-checked by the route):
 * binds the session to this browser, or contests it when another browser bound it first, then
 * makes a fresh opaque `state` (server/state.ts) and PKCE pair and answers the provider's authorize URL.
 *
 * One browser per login: the first continue stores the SHA-256 of a new binding cookie in the
 * session ("must not exist": a versionstamp-checked write of a session without a binding). The
 * same browser may continue again (a new `state` replaces the old one). Any other browser makes
 * the session `contested`: it fails with `session_contested`, whether pending or completed but
 * unclaimed, so the agent never receives an account a second browser could have chosen.
 */

import { buildAuthorizeUrl, pkceApplies } from "../providers/authorize_url.ts";
import { createPkcePair } from "../providers/pkce.ts";
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";
import { newBindingValue, sha256Base64Url } from "./browser_binding.ts";
import { lookupProvider } from "./provider_lookup.ts";
import type { AppServices } from "./services.ts";
import type { StateCipher } from "./state.ts";
import type { SessionEntry, SessionRecord } from "./store.ts";

/** What the agent reads (`login status`) when a second browser used its link. */
export const CONTESTED_MESSAGE =
  "session_contested: the sign-in link was used in two browsers, so the login was stopped and " +
  "nothing will be handed over; start a new login and send the new link only to your user";

/** A continue from the confirmation page. */
export interface ContinueLoginRequest {
  provider: string;
  sessionId: string;
  /** The browser's binding cookie for this session, if it has one. */
  bindingValue?: string;
  baseUrl: string;
}

/** Where to send the browser, and the binding cookie to set (first continue only). */
export interface ContinueLoginResult {
  location: string;
  newBindingValue?: string;
  /** Session expiry (cookie lifetime). */
  expiresAt: number;
}

const MAX_ATTEMPTS = 4;

/** The page for a session that is not (or no longer) pending; throws it as an error. */
export function sessionStateError(record: SessionRecord): ClawauthError {
  if (record.status === "claimed") {
    return new ClawauthError(
      ERROR_CODES.SESSION_CLAIMED,
      "This sign-in is finished and your agent already received the account. " +
        "You can close this window.",
      { status: 410 },
    );
  }
  if (record.status === "completed") {
    return new ClawauthError(
      ERROR_CODES.SESSION_COMPLETED,
      "You have already signed in with this link. Your agent can now pick up the account. " +
        "You can close this window.",
      { status: 410 },
    );
  }
  if (record.errorCode === ERROR_CODES.SESSION_CONTESTED) return contestedError();
  return new ClawauthError(
    ERROR_CODES.SESSION_FAILED,
    "This sign-in failed. Ask your agent for a new link to try again.",
    { status: 410 },
  );
}

/** The second browser's page (and any later visit of a contested session). */
export function contestedError(): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.SESSION_CONTESTED,
    "This sign-in link was already used in another browser, so the sign-in was stopped and " +
      "nothing will be handed over. If that was not you, tell your agent: someone else has " +
      "this link. Ask your agent for a new link.",
    { status: 409 },
  );
}

export function expiredError(): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.SESSION_NOT_FOUND,
    "This sign-in link has expired or does not exist. Ask your agent for a new link.",
    { status: 404 },
  );
}

export function providerMismatchError(provider: string): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.PROVIDER_MISMATCH,
    `This link is for another provider: '${provider}' is not the provider of this sign-in.`,
    { status: 404 },
  );
}

/** The session for a page of `provider`'s link: pending, else the page saying why not. */
export function checkPageSession(entry: SessionEntry | null, provider: string): SessionEntry {
  if (entry === null) throw expiredError();
  if (entry.record.provider !== provider) throw providerMismatchError(provider);
  return entry;
}

function contested(record: SessionRecord, now: number): SessionRecord {
  const { blob: _blob, codeVerifier: _verifier, error: _error, ...rest } = record;
  return {
    ...rest,
    status: "error",
    errorCode: ERROR_CODES.SESSION_CONTESTED,
    error: CONTESTED_MESSAGE,
    finishedAt: now,
  };
}

export async function continueLogin(
  services: AppServices & { stateCipher: StateCipher },
  request: ContinueLoginRequest,
): Promise<ContinueLoginResult> {
  const { store } = services;
  const presented = request.bindingValue === undefined || request.bindingValue.length > 100
    ? undefined
    : await sha256Base64Url(request.bindingValue);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const entry = checkPageSession(
      await store.getSessionForPage(request.sessionId),
      request.provider,
    );
    const { record } = entry;
    if (record.status === "claimed") throw sessionStateError(record);
    if (record.status === "error") throw sessionStateError(record);
    const sameBrowser = record.binding !== undefined && presented === record.binding;
    if (record.binding !== undefined && !sameBrowser) {
      // Another browser: the login stops, pending or completed-but-unclaimed alike.
      if (await store.updateSession(entry, contested(record, services.now()))) {
        throw contestedError();
      }
      continue;
    }
    if (record.status === "completed") throw sessionStateError(record);

    const { spec, settings } = lookupProvider(services, record.provider, {
      baseUrl: request.baseUrl,
    });
    const bindingValue = sameBrowser ? undefined : newBindingValue();
    const state = await services.stateCipher.seal(record.id);
    const stateHash = await sha256Base64Url(state);
    const pkce = pkceApplies(spec) ? await createPkcePair() : undefined;
    // buildAuthorizeUrl adds spec.consentParams, so a returning user still sees the consent.
    const location = buildAuthorizeUrl(spec, { ...settings, redirectUri: record.redirectUri }, {
      state,
      scope: record.scope,
      codeChallenge: pkce?.challenge,
      forceConsent: true,
    });
    const { codeVerifier: _old, ...rest } = record;
    const bound: SessionRecord = {
      ...rest,
      binding: sameBrowser ? record.binding : await sha256Base64Url(bindingValue!),
      stateHash,
    };
    if (pkce !== undefined) bound.codeVerifier = pkce.verifier;
    const written = await store.updateSession(entry, bound);
    if (written) {
      return {
        location,
        expiresAt: record.expiresAt,
        ...(bindingValue !== undefined ? { newBindingValue: bindingValue } : {}),
      };
    }
    // Someone else wrote the session meanwhile (another continue): decide again.
  }
  throw new ClawauthError(
    ERROR_CODES.TRANSIENT,
    "This sign-in is busy. Reload the page and try again.",
    { status: 503 },
  );
}
