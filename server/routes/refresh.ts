/**
 * `POST /refresh`: checks the proof of possession and the refresh token's binding (or lets a
 * legacy unbound token through when the operator allows it), then refreshes through the
 * provider (stores nothing). Rate-limited per client address and per bound key.
 */

import { Hono } from "hono";
import { acceptBoundRequest } from "../bound_request.ts";
import { limitBody } from "../middleware/limit_body.ts";
import { limitPerClient } from "../middleware/rate_limit.ts";
import { refreshToken } from "../refresh_token.ts";
import type { AppEnv, AppServices } from "../services.ts";
import { readPublicKey, readScope } from "../validate.ts";

export function createRefreshRoute(services: AppServices): Hono<AppEnv> {
  const { config, store, now } = services;
  return new Hono<AppEnv>().post(
    "/refresh",
    limitPerClient({
      store,
      scope: "refresh",
      limit: config.refreshRateLimit,
      trustProxyHops: config.trustProxyHops,
      now,
    }),
    limitBody(),
    async function refresh(c) {
      const accepted = await acceptBoundRequest(c, services, {
        path: "/refresh",
        scope: "refresh-key",
        limit: config.refreshRateLimit,
      });
      return c.json(
        await refreshToken(services, {
          provider: accepted.provider,
          refreshToken: accepted.refreshToken,
          boxPublicKey: readPublicKey(accepted.body, "boxPublicKey"),
          scope: readScope(accepted.body),
          requestUrl: c.req.url,
          ...(accepted.jkt !== undefined ? { jkt: accepted.jkt } : {}),
        }),
      );
    },
  );
}
