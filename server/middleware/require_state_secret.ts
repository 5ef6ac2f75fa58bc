/**
 * Refuses every request (the app mounts this after `/healthz`) while `STATE_SIGNING_SECRET`
 * is missing, so a half-configured server never serves logins silently.
 */

import type { MiddlewareHandler } from "hono";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";

/** The JSON error a server without `STATE_SIGNING_SECRET` answers. */
export function missingStateSecretError(): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.SERVER_MISCONFIGURED,
    "server misconfigured: STATE_SIGNING_SECRET is not set",
    { status: 500, details: { setting: "STATE_SIGNING_SECRET" } },
  );
}

export function requireStateSecret(options: { configured: boolean }): MiddlewareHandler {
  const { configured } = options;
  return async function requireStateSecret(_c, next) {
    if (!configured) throw missingStateSecretError();
    await next();
  };
}
