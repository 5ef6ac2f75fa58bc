/** Caps a request body (413 `payload_too_large`), whether or not it declares its length. */

import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";

/** Largest JSON body `/init` and `/refresh` accept. */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

export function limitBody(maxBytes = MAX_JSON_BODY_BYTES): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError() {
      throw new ClawauthError(
        ERROR_CODES.PAYLOAD_TOO_LARGE,
        `request body must be at most ${maxBytes} bytes`,
        { status: 413 },
      );
    },
  });
}
