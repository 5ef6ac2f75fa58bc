// Answers of a plain RFC 6749 token endpoint, shared by the fixtures whose provider documents
// nothing different.

import type { Answer, Minted } from "./_types.ts";

export const RFC6749_SUCCESS = "https://www.rfc-editor.org/rfc/rfc6749#section-5.1";
export const RFC6749_ERROR = "https://www.rfc-editor.org/rfc/rfc6749#section-5.2";

/** `{access_token, token_type, expires_in, refresh_token?, scope?}` with extra fields. */
export function tokenAnswer(
  minted: Minted,
  options: { refresh?: boolean; expiresIn?: number; extra?: Record<string, unknown> } = {},
): Answer {
  const body: Record<string, unknown> = {
    access_token: minted.accessToken,
    token_type: "bearer",
    expires_in: options.expiresIn ?? 3600,
    ...options.extra,
  };
  if (options.refresh !== false) body.refresh_token = minted.refreshToken;
  return { status: 200, body };
}

/** RFC 6749 §5.2 `invalid_grant` with HTTP 400. */
export function invalidGrant(description?: string, status = 400): Answer {
  return {
    status,
    body: description === undefined
      ? { error: "invalid_grant" }
      : { error: "invalid_grant", error_description: description },
  };
}
