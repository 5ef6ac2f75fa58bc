/** Marks routes a person opens in a browser: their errors render as HTML pages. */

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../services.ts";

export function renderPages(): MiddlewareHandler<AppEnv> {
  return async function renderPages(c, next) {
    c.set("pageErrors", true);
    await next();
  };
}
