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

/** Title, `data-page` marker and tone of the page each error code renders as. */
const PAGES: Record<string, { title: string; kind: string; tone?: "warn" | "bad" }> = {
  [ERROR_CODES.SESSION_NOT_FOUND]: { title: "This sign-in link has expired", kind: "expired" },
  [ERROR_CODES.SESSION_COMPLETED]: { title: "Already signed in", kind: "completed" },
  [ERROR_CODES.SESSION_CLAIMED]: { title: "Already handed to your agent", kind: "claimed" },
  [ERROR_CODES.SESSION_FAILED]: { title: "This sign-in failed", kind: "failed", tone: "bad" },
  [ERROR_CODES.SESSION_CONTESTED]: {
    title: "This link was already used in another browser",
    kind: "contested",
    tone: "bad",
  },
  [ERROR_CODES.PROVIDER_MISMATCH]: {
    title: "This link does not match its provider",
    kind: "error",
  },
  [ERROR_CODES.INVALID_STATE]: { title: "This sign-in link is not valid", kind: "error" },
  [ERROR_CODES.ISSUER_MISMATCH]: { title: "This answer is not from the provider", kind: "error" },
  [ERROR_CODES.BROWSER_MISMATCH]: { title: "Open the link you were sent", kind: "error" },
  [ERROR_CODES.CROSS_SITE_REQUEST]: { title: "Continue from the sign-in page", kind: "error" },
  [ERROR_CODES.CSRF_MISMATCH]: { title: "Continue from the sign-in page", kind: "error" },
  [ERROR_CODES.PROVIDER_ERROR]: { title: "The sign-in was not approved", kind: "failed" },
  [ERROR_CODES.TOKEN_EXCHANGE_FAILED]: {
    title: "The sign-in could not be completed",
    kind: "failed",
  },
  [ERROR_CODES.UPSTREAM_UNAVAILABLE]: { title: "The provider is not answering", kind: "error" },
  [ERROR_CODES.RATE_LIMITED]: { title: "Too many attempts", kind: "rate-limited", tone: "warn" },
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
    const page = error.details.page === "declined"
      ? { title: "You declined", kind: "declined" }
      : error.details.page === "stopped"
      ? {
        title: "Sign-in stopped: this link was used twice",
        kind: "contested",
        tone: "bad" as const,
      }
      : PAGES[error.code] ?? { title: "Something went wrong", kind: "error" };
    const extra = typeof error.details.pageNote === "string" ? [error.details.pageNote] : [];
    const retryAfter = error.details.retryAfterSeconds;
    if (typeof retryAfter === "number") extra.push(`Try again in ${retryAfter} seconds.`);
    return c.html(
      renderPage({
        ...page,
        message: error.message,
        extra,
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
