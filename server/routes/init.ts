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

async function readVerifyKey(
  body: Record<string, unknown>,
  field = "verifyKey",
): Promise<string> {
  const verifyKey = readPublicKey(body, field);
  try {
    await importVerifyKey(decodeBase64(verifyKey));
  } catch {
    throw new ClawauthError(
      ERROR_CODES.INVALID_REQUEST,
      `'${field}' is not an Ed25519 public key`,
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
      // Optional (0.4 CLIs send none): the key the issued refresh token gets bound to.
      const refreshKey = body.refreshKey === undefined || body.refreshKey === null
        ? undefined
        : await readVerifyKey(body, "refreshKey");
      const response = await startLogin(services, {
        provider,
        scope: readScope(body),
        ttlSeconds: readTtlSeconds(body),
        verifyKey,
        boxPublicKey,
        ...(refreshKey !== undefined ? { refreshKey } : {}),
        requestUrl: c.req.url,
      });
      c.set("sessionId", response.sessionId);
      return c.json(response);
    },
  );
}
