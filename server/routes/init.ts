/** `POST /init`: validates the request, then starts a login session. */

import { Hono } from "hono";
import { decodeBase64 } from "../../shared/base64.ts";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { importVerifyKey } from "../../shared/verify_request.ts";
import { limitBody } from "../middleware/limit_body.ts";
import { limitPerClient } from "../middleware/rate_limit.ts";
import type { AppEnv, AppServices } from "../services.ts";
import { startLogin } from "../start_login.ts";
import {
  parseJsonObject,
  readProviderName,
  readPublicKey,
  readScope,
  readTtlSeconds,
} from "../validate.ts";

async function readVerifyKey(body: Record<string, unknown>): Promise<string> {
  const verifyKey = readPublicKey(body, "verifyKey");
  try {
    await importVerifyKey(decodeBase64(verifyKey));
  } catch {
    throw new ClawauthError(
      ERROR_CODES.INVALID_REQUEST,
      "'verifyKey' is not an Ed25519 public key",
      {
        status: 400,
      },
    );
  }
  return verifyKey;
}

export function createInitRoute(services: AppServices): Hono<AppEnv> {
  const { config, store, now } = services;
  return new Hono<AppEnv>().post(
    "/init",
    limitPerClient({
      store,
      scope: "init",
      limit: config.initRateLimit,
      trustProxyHops: config.trustProxyHops,
      now,
    }),
    limitBody(),
    async function init(c) {
      const body = parseJsonObject(await c.req.text());
      const provider = readProviderName(body);
      const verifyKey = await readVerifyKey(body);
      const boxPublicKey = readPublicKey(body, "boxPublicKey");
      const response = await startLogin(services, {
        provider,
        scope: readScope(body),
        ttlSeconds: readTtlSeconds(body),
        verifyKey,
        boxPublicKey,
        requestUrl: c.req.url,
      });
      c.set("sessionId", response.sessionId);
      return c.json(response);
    },
  );
}
