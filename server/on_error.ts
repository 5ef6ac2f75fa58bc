/**
 * The one place errors become responses: a `ClawauthError` becomes its JSON error body
 * (`{error, code, ...details}`) with its status, or an HTML page on browser routes; anything
 * else is logged (stack in the request log line only) and answered 500 `internal_error`.
 */

import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ClawauthError, ERROR_CODES, isClawauthError } from "../shared/errors.ts";
import { renderPage } from "./html.ts";
import type { AppEnv } from "./services.ts";

const PAGE_TITLES: Record<string, string> = {
  [ERROR_CODES.SESSION_NOT_FOUND]: "This sign-in link has expired",
  [ERROR_CODES.SESSION_COMPLETED]: "This sign-in is already complete",
  [ERROR_CODES.SESSION_FAILED]: "This sign-in failed",
  [ERROR_CODES.PROVIDER_MISMATCH]: "This link does not match its provider",
  [ERROR_CODES.INVALID_STATE]: "This sign-in link is not valid",
  [ERROR_CODES.BROWSER_MISMATCH]: "Open the link you were sent",
  [ERROR_CODES.PROVIDER_ERROR]: "The provider did not approve the sign-in",
  [ERROR_CODES.TOKEN_EXCHANGE_FAILED]: "The sign-in could not be completed",
  [ERROR_CODES.UPSTREAM_UNAVAILABLE]: "The provider is not answering",
};

function wantsJson(c: Context<AppEnv>): boolean {
  const accept = c.req.header("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}

/** Maps any HTTP status to a code when Hono itself raised the error. */
function fromHttpException(error: HTTPException): ClawauthError {
  const status = error.status;
  const code = status === 413
    ? ERROR_CODES.PAYLOAD_TOO_LARGE
    : status === 404
    ? ERROR_CODES.NOT_FOUND
    : ERROR_CODES.INVALID_REQUEST;
  return new ClawauthError(code, error.message || "bad request", { status });
}

/** Answers an error as JSON, or as a page when the route is one a person opens. */
export function errorResponse(c: Context<AppEnv>, error: ClawauthError): Response {
  c.set("errorCode", error.code);
  const status = error.status as ContentfulStatusCode;
  if (c.get("pageErrors") && !wantsJson(c)) {
    const detail = error.details.description;
    return c.html(
      renderPage({
        title: PAGE_TITLES[error.code] ?? "Something went wrong",
        message: error.message,
        detail: typeof detail === "string" && detail !== "" ? detail : undefined,
        code: error.code,
      }),
      status,
    );
  }
  return c.json({ ...error.details, error: error.message, code: error.code }, status);
}

/** `app.onError`. */
export const handleError: ErrorHandler<AppEnv> = function handleError(error, c) {
  if (isClawauthError(error)) return errorResponse(c, error);
  if (error instanceof HTTPException && error.status < 500) {
    return errorResponse(c, fromHttpException(error));
  }
  c.set("errorStack", error instanceof Error ? (error.stack ?? error.message) : String(error));
  return errorResponse(
    c,
    new ClawauthError(ERROR_CODES.INTERNAL, "internal error", { status: 500 }),
  );
};

/** `app.notFound`. */
export const handleNotFound: NotFoundHandler<AppEnv> = function handleNotFound(c) {
  c.set("unmatched", true);
  return errorResponse(
    c,
    new ClawauthError(
      ERROR_CODES.NOT_FOUND,
      `no route for ${c.req.method} ${c.req.path.slice(0, 200)}`,
      {
        status: 404,
      },
    ),
  );
};
