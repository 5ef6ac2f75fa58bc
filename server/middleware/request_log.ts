/**
 * One JSON line per request: time, level, method, route pattern (`/status/:id`, never the
 * raw path or query, which can carry a `state` or `code`), status, duration, the first 8
 * characters of the session id, the error code, and for unexpected errors the stack.
 */

import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv, LogLine } from "../services.ts";

/** Options of {@linkcode requestLog}. */
export interface RequestLogOptions {
  log: (line: LogLine) => void;
  /** Epoch milliseconds (the `ts` field). */
  now: () => number;
}

export function requestLog({ log, now }: RequestLogOptions): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line: LogLine = {
      ts: new Date(now()).toISOString(),
      level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
      method: c.req.method,
      route: c.get("unmatched") ? "(unmatched)" : routePath(c),
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
    const sessionId = c.get("sessionId");
    if (sessionId !== undefined) line.session = sessionId.slice(0, 8);
    const code = c.get("errorCode");
    if (code !== undefined) line.code = code;
    const stack = c.get("errorStack");
    if (stack !== undefined) line.stack = stack;
    log(line);
  };
}
