/** `POST /refresh`: validates the request, then refreshes through the provider (stores nothing). */

import { Hono } from "hono";
import { limitBody } from "../middleware/limit_body.ts";
import { limitPerClient } from "../middleware/rate_limit.ts";
import { refreshToken } from "../refresh_token.ts";
import type { AppEnv, AppServices } from "../services.ts";
import {
  parseJsonObject,
  readProviderName,
  readPublicKey,
  readRefreshToken,
  readScope,
} from "../validate.ts";

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
      const body = parseJsonObject(await c.req.text());
      return c.json(
        await refreshToken(services, {
          provider: readProviderName(body),
          refreshToken: readRefreshToken(body),
          boxPublicKey: readPublicKey(body, "boxPublicKey"),
          scope: readScope(body),
          requestUrl: c.req.url,
        }),
      );
    },
  );
}
