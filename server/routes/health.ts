/** `GET /healthz` (the process answers; touches nothing) and `GET /readyz` (KV answers). */

import { Hono } from "hono";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import type { AppEnv, AppServices } from "../services.ts";

export function createHealthzRoute(): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/healthz", function healthz(c) {
    return c.json({ status: "ok" });
  });
}

export function createReadyzRoute(services: AppServices): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/readyz", async function readyz(c) {
    try {
      await services.store.ping();
    } catch (error) {
      throw new ClawauthError(ERROR_CODES.UPSTREAM_UNAVAILABLE, "KV is not answering", {
        status: 503,
        cause: error,
      });
    }
    return c.json({ status: "ready" });
  });
}
