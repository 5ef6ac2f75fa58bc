/**
 * The callback's work (`GET /callback/{provider}`, and the legacy `GET /callback`): finds the
 * session by its opaque `state`, checks that the answer came back to this provider's redirect
 * URI, from the bound browser, from the right issuer (RFC 9207 `iss`), then records a provider
 * error or exchanges the code (with the session's PKCE verifier and redirect URI), reads who
 * the account is, seals `{provider, issuedAt, tokenData, identity}` to the session's X25519
 * key and marks the session completed. Every update is versionstamp-checked, so a late or
 * repeated callback never overwrites a finished session, and a `state` exchanges at most once.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.4 (mix-up attacks)
 * @see https://www.rfc-editor.org/rfc/rfc9207 (authorization server issuer identification)
 */

import { fetchIdentity } from "../providers/identity.ts";
import { tokenRequest } from "../providers/token_request.ts";
import { decodeBase64 } from "../shared/base64.ts";
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";
import { sealJson } from "../shared/seal.ts";
import type { SealedIdentity } from "../shared/wire.ts";
import { sha256Base64Url } from "./browser_binding.ts";
import { sessionStateError } from "./continue_login.ts";
import { baseUrlOf, lookupProvider } from "./provider_lookup.ts";
import {
  exchangeErrorMessage,
  providerErrorCode,
  providerErrorMessage,
} from "./provider_errors.ts";
import { buildSealedPayload } from "./sealed_payload.ts";
import type { AppServices } from "./services.ts";
import type { StateCipher } from "./state.ts";
import type { SessionEntry, SessionRecord } from "./store.ts";

/** A callback request. */
export interface CompleteLoginRequest {
  /** The provider the callback route names; undefined on the legacy `/callback`. */
  routeProvider?: string;
  state?: string;
  /** The browser's binding cookie for a session (its name holds the session id). */
  readBinding(sessionId: string): string | undefined;
  code?: string;
  error?: string;
  errorDescription?: string;
  /** RFC 9207 `iss` parameter, when the provider sent one. */
  iss?: string;
  requestUrl: string;
}

/** What the success page shows. */
export interface CompleteLoginResult {
  outcome: "completed" | "already_completed";
  provider: string;
  providerName: string;
  identity?: SealedIdentity;
  /** Granted scopes (the token response's), else those requested. */
  scope?: string;
  confirmationCode?: string;
  sessionId: string;
}

function invalidState(message: string): ClawauthError {
  return new ClawauthError(ERROR_CODES.INVALID_STATE, message, { status: 400 });
}

function sessionGone(): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.SESSION_NOT_FOUND,
    "This sign-in session has expired or was already used. Ask your agent for a new link.",
    { status: 410 },
  );
}

/** Ends the session with an error unless it finished meanwhile; returns what is stored now. */
async function failSession(
  services: AppServices,
  entry: SessionEntry,
  failure: { errorCode: string; error: string },
): Promise<SessionRecord | null> {
  const { codeVerifier: _spent, ...rest } = entry.record;
  const failed: SessionRecord = {
    ...rest,
    status: "error",
    ...failure,
    finishedAt: services.now(),
  };
  if (await services.store.updateSession(entry, failed)) return failed;
  return (await services.store.getSession(entry.record.id))?.record ?? null;
}

async function findSession(
  services: AppServices & { stateCipher: StateCipher },
  request: CompleteLoginRequest,
): Promise<SessionEntry> {
  const { state } = request;
  if (state === undefined || state === "") {
    throw invalidState("the 'state' parameter is missing: start again from the link you were sent");
  }
  const sessionId = await services.stateCipher.open(state);
  const entry = sessionId === null ? null : await services.store.getSessionForPage(sessionId);
  if (entry === null) {
    throw invalidState(
      "this sign-in answer is not valid here or its sign-in has ended: " +
        "start again from the link you were sent",
    );
  }
  if (request.routeProvider !== undefined && entry.record.provider !== request.routeProvider) {
    // Mix-up (RFC 9700 §4.4): an answer for one provider arrived at another's redirect URI.
    throw invalidState(
      `this answer arrived at the address of '${request.routeProvider}', but the sign-in is ` +
        "for another provider: nothing was exchanged",
    );
  }
  if (entry.record.stateHash !== await sha256Base64Url(state)) {
    throw invalidState(
      "this sign-in answer was replaced by a newer one: use the browser tab you continued last",
    );
  }
  return entry;
}

function checkLegacyRoute(services: AppServices, record: SessionRecord, requestUrl: string): void {
  const legacy = `${baseUrlOf(services, requestUrl)}/callback`;
  if (record.redirectUri !== legacy) {
    throw invalidState(
      `this sign-in's answer must arrive at /callback/${record.provider}, not /callback`,
    );
  }
}

async function checkBinding(record: SessionRecord, bindingValue: string | undefined) {
  const bound = record.binding !== undefined && bindingValue !== undefined &&
    bindingValue.length <= 100 && await sha256Base64Url(bindingValue) === record.binding;
  if (!bound) {
    throw new ClawauthError(
      ERROR_CODES.BROWSER_MISMATCH,
      "This browser did not continue this sign-in. Open the link you were sent (it starts with " +
        "this server's address and the provider's name) in this browser, and continue there.",
      { status: 403 },
    );
  }
}

function grantedScope(tokenData: Record<string, unknown>, requested: string | undefined) {
  const scope = tokenData.scope;
  if (typeof scope === "string" && scope !== "") return scope.slice(0, 1000);
  if (Array.isArray(scope)) return scope.filter((s) => typeof s === "string").join(" ");
  return requested;
}

export async function completeLogin(
  services: AppServices & { stateCipher: StateCipher },
  request: CompleteLoginRequest,
): Promise<CompleteLoginResult> {
  const entry = await findSession(services, request);
  const { record } = entry;
  if (request.routeProvider === undefined) checkLegacyRoute(services, record, request.requestUrl);
  await checkBinding(record, request.readBinding(record.id));
  const baseUrl = baseUrlOf(services, request.requestUrl);
  const { spec, settings } = lookupProvider(services, record.provider, { baseUrl });
  const displayName = spec.displayName;
  const result: CompleteLoginResult = {
    outcome: "already_completed",
    provider: record.provider,
    providerName: displayName,
    confirmationCode: record.confirmationCode,
    sessionId: record.id,
  };
  if (record.status === "completed") return result;
  if (record.errorCode === ERROR_CODES.SESSION_CONTESTED) {
    throw new ClawauthError(
      ERROR_CODES.SESSION_CONTESTED,
      "While you were signing in, this link was also used in another browser, so clawauth " +
        "stopped the sign-in to protect your account. Nothing was handed to your agent. If the " +
        "other browser was not you, tell your agent; it can start a new sign-in.",
      { status: 409, details: { page: "stopped" } },
    );
  }
  if (record.status !== "pending") throw sessionStateError(record);

  const issMissing = request.iss === undefined && spec.issuerInResponse === true;
  if (
    issMissing ||
    (request.iss !== undefined && spec.issuer !== undefined && request.iss !== spec.issuer)
  ) {
    throw new ClawauthError(
      ERROR_CODES.ISSUER_MISMATCH,
      `This answer names another issuer than ${displayName}: nothing was exchanged. ` +
        "Ask your agent for a new link.",
      { status: 400 },
    );
  }

  if (request.error !== undefined) {
    const stored = await failSession(services, entry, {
      errorCode: ERROR_CODES.PROVIDER_ERROR,
      error: providerErrorMessage(request.error),
    });
    if (stored?.status === "completed") return result;
    const declined = providerErrorCode(request.error) === "access_denied";
    throw new ClawauthError(
      ERROR_CODES.PROVIDER_ERROR,
      declined
        ? `You declined the sign-in at ${displayName}. Nothing was shared with your agent. ` +
          "If that was a mistake, ask your agent for a new link."
        : `${displayName} did not complete the sign-in. Ask your agent for a new link to try again.`,
      {
        status: 400,
        details: {
          ...(declined ? { page: "declined" } : {}),
          // For the person only (escaped on the page); the agent never reads it.
          description: `${request.error.slice(0, 100)}${
            request.errorDescription ? `: ${request.errorDescription.slice(0, 500)}` : ""
          }`,
        },
      },
    );
  }
  if (request.code === undefined || request.code === "") {
    throw new ClawauthError(
      ERROR_CODES.INVALID_REQUEST,
      "the provider sent neither a 'code' nor an 'error' parameter",
      { status: 400 },
    );
  }

  const exchange = await tokenRequest(
    spec,
    { ...settings, redirectUri: record.redirectUri },
    { type: "authorization_code", code: request.code, codeVerifier: record.codeVerifier },
    { fetch: services.fetch },
  );
  if (!exchange.ok) {
    if (exchange.transient) {
      // The session stays pending: the person can reload the page once the provider answers.
      throw new ClawauthError(
        ERROR_CODES.UPSTREAM_UNAVAILABLE,
        `${displayName} is not answering right now. Reload this page in a minute to try again.`,
        { status: 502 },
      );
    }
    const stored = await failSession(services, entry, {
      errorCode: ERROR_CODES.TOKEN_EXCHANGE_FAILED,
      error: exchangeErrorMessage(exchange.error),
    });
    if (stored?.status === "completed") return result;
    throw new ClawauthError(
      ERROR_CODES.TOKEN_EXCHANGE_FAILED,
      `${displayName} refused to issue a token. Ask your agent for a new link to try again.`,
      { status: 502 },
    );
  }

  const tokenData = exchange.tokenData;
  const who = await fetchIdentity({ spec, settings, tokenData, fetch: services.fetch });
  const identity = who.ok ? who.identity : undefined;
  const payload = buildSealedPayload({
    provider: record.provider,
    issuedAt: services.now(),
    tokenData,
    identity,
  });
  const { codeVerifier: _spent, ...rest } = record;
  const completed: SessionRecord = {
    ...rest,
    status: "completed",
    blob: sealJson(payload, decodeBase64(record.boxPublicKey)),
    finishedAt: services.now(),
  };
  if (!await services.store.updateSession(entry, completed)) {
    const now = await services.store.getSessionForPage(record.id);
    if (now?.record.status === "completed") return result;
    if (now === null) throw sessionGone();
    throw sessionStateError(now.record);
  }
  return {
    ...result,
    outcome: "completed",
    ...(identity !== undefined ? { identity } : {}),
    scope: grantedScope(tokenData, record.scope),
  };
}
