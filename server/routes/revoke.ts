/**
 * `POST /revoke`: revokes a delegated token at the provider with the server's client
 * credentials (RFC 7009, GitHub grant deletion or a Bearer revoke call: providers/revoke.ts).
 * Same checks as `/refresh`: a proof signed by the bound key, or a legacy unbound token when
 * the operator allows it. Answers `{provider, revoked: true}`, `{revoked: false, reason:
 * "unsupported"}` when the provider offers no revocation, or 502 `revoke_failed`
 * (`details.transient` says whether a retry may succeed).
 */

import { Hono } from "hono";
import { revokeToken } from "../../providers/revoke.ts";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import type { RevokeResponse } from "../../shared/wire.ts";
import { acceptBoundRequest } from "../bound_request.ts";
import { limitBody } from "../middleware/limit_body.ts";
import { limitPerClient } from "../middleware/rate_limit.ts";
import { baseUrlOf, lookupProvider } from "../provider_lookup.ts";
import type { AppEnv, AppServices } from "../services.ts";
import { readOptionalAccessToken } from "../validate.ts";

export function createRevokeRoute(services: AppServices): Hono<AppEnv> {
  const { config, store, now } = services;
  return new Hono<AppEnv>().post(
    "/revoke",
    limitPerClient({
      store,
      scope: "revoke",
      limit: config.revokeRateLimit,
      trustProxyHops: config.trustProxyHops,
      now,
    }),
    limitBody(),
    async function revoke(c) {
      const accepted = await acceptBoundRequest(c, services, {
        path: "/revoke",
        scope: "revoke-key",
        limit: config.revokeRateLimit,
      });
      const accessToken = readOptionalAccessToken(accepted.body);
      const { spec, settings } = lookupProvider(services, accepted.provider, {
        baseUrl: baseUrlOf(services, c.req.url),
      });
      const result = await revokeToken({
        spec,
        settings,
        refreshToken: accepted.refreshToken,
        ...(accessToken !== undefined ? { accessToken } : {}),
        fetch: services.fetch,
      });
      if (result.ok) {
        return c.json({ provider: spec.name, revoked: true } satisfies RevokeResponse);
      }
      if (result.error === "unsupported") {
        return c.json(
          {
            provider: spec.name,
            revoked: false,
            reason: "unsupported",
            message: `${spec.displayName} offers no token revocation`,
          } satisfies RevokeResponse,
        );
      }
      throw new ClawauthError(
        ERROR_CODES.REVOKE_FAILED,
        `${spec.displayName} did not revoke the token: ${result.description}`,
        { status: 502, details: { transient: result.transient } },
      );
    },
  );
}
