/**
 * The OAuth `state` parameter: signed (HMAC-SHA-256 with `STATE_SIGNING_SECRET`), expiring
 * with its session and bound to the provider, so a callback can only finish the session and
 * provider it was issued for. Form: `base64url(json payload) "." base64url(mac)`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 (CSRF protection with `state`)
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.7 (OAuth 2.0 security BCP)
 */

import { decodeBase64Url, encodeBase64Url, randomBase64Url } from "../shared/base64.ts";
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";

/** What a valid state says. */
export interface StateClaims {
  sessionId: string;
  provider: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface StateSigner {
  sign(claims: StateClaims): Promise<string>;
  /** The claims of a valid, unexpired state; throws `invalid_state` (400) otherwise. */
  verify(state: string | undefined, nowMs: number): Promise<StateClaims>;
}

const MAX_STATE_LENGTH = 1024;
const encoder = new TextEncoder();

function invalidState(message: string): ClawauthError {
  return new ClawauthError(ERROR_CODES.INVALID_STATE, message, { status: 400 });
}

/** Builds a signer over `secret`; the HMAC key is imported once. */
export function createStateSigner(secret: string): StateSigner {
  const key = crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );

  return {
    async sign(claims) {
      const payload = encodeBase64Url(encoder.encode(JSON.stringify({
        sid: claims.sessionId,
        p: claims.provider,
        exp: claims.expiresAt,
        n: randomBase64Url(8),
      })));
      const mac = await crypto.subtle.sign("HMAC", await key, encoder.encode(payload));
      return `${payload}.${encodeBase64Url(new Uint8Array(mac))}`;
    },

    async verify(state, nowMs) {
      if (state === undefined || state === "") {
        throw invalidState(
          "the 'state' parameter is missing: start again from the link you were sent",
        );
      }
      const parts = state.length <= MAX_STATE_LENGTH ? state.split(".") : [];
      let mac: Uint8Array<ArrayBuffer> | undefined;
      try {
        if (parts.length === 2) mac = decodeBase64Url(parts[1]);
      } catch {
        mac = undefined;
      }
      if (
        mac === undefined ||
        !await crypto.subtle.verify("HMAC", await key, mac, encoder.encode(parts[0]))
      ) {
        throw invalidState("the 'state' parameter is not valid (altered or from another server)");
      }
      const claims = JSON.parse(new TextDecoder().decode(decodeBase64Url(parts[0])));
      if (claims.exp <= nowMs) {
        throw invalidState("this sign-in has expired: ask for a new link");
      }
      return { sessionId: claims.sid, provider: claims.p, expiresAt: claims.exp };
    },
  };
}
