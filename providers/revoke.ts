/**
 * Revokes a token at the provider: RFC 7009 token revocation, GitHub's grant deletion, or a
 * provider's own Bearer-authenticated revoke call (Slack `auth.revoke`, Dropbox
 * `/2/auth/token/revoke`), as the registry's `revoke.style` says.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009
 */

import { basicAuthorization } from "./token_request.ts";
import type { ProviderSettings, ProviderSpec } from "./types.ts";

/** Time limit of one revocation request. */
export const REVOKE_REQUEST_TIMEOUT_MS = 15_000;

/**
 * Outcome of {@linkcode revokeToken}. `unsupported`: the provider offers no revocation.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2
 */
export type RevokeResult =
  | { ok: true }
  | {
    ok: false;
    error: "unsupported" | "revoke_failed" | "network_error";
    description: string;
    transient: boolean;
  };

/**
 * Options of {@linkcode revokeToken}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export interface RevokeTokenOptions {
  spec: ProviderSpec;
  settings: ProviderSettings;
  /** The stored tokens; which one is sent follows `spec.revoke.token` (falling back to the other). */
  accessToken?: string;
  refreshToken?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * Revokes the grant behind a stored token. RFC 7009 §2.2: the server answers 200 also for a
 * token that was already invalid, so 200 counts as revoked; GitHub answers 204.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 * @see https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization
 */
export async function revokeToken(options: RevokeTokenOptions): Promise<RevokeResult> {
  const { spec, settings } = options;
  const revoke = spec.revoke;
  const url = settings.revokeUrl ?? revoke?.url;
  if (revoke === undefined || url === undefined) {
    return {
      ok: false,
      error: "unsupported",
      description: `${spec.displayName} offers no token revocation`,
      transient: false,
    };
  }
  const preferRefresh = revoke.token === "refresh_token";
  const [token, hint] = preferRefresh && options.refreshToken
    ? [options.refreshToken, "refresh_token"]
    : options.accessToken
    ? [options.accessToken, "access_token"]
    : [options.refreshToken, "refresh_token"];
  if (!token) {
    return {
      ok: false,
      error: "revoke_failed",
      description: "no token to revoke",
      transient: false,
    };
  }

  const headers = new Headers({ accept: "application/json" });
  let method = "POST";
  let target = url;
  let body: string | undefined;
  if (revoke.style === "github") {
    method = "DELETE";
    target = url.replace("{client_id}", encodeURIComponent(settings.clientId));
    headers.set("authorization", basicAuthorization(settings.clientId, settings.clientSecret));
    headers.set("content-type", "application/json");
    body = JSON.stringify({ access_token: options.accessToken ?? token });
  } else if (revoke.style === "bearer") {
    headers.set("authorization", `Bearer ${options.accessToken ?? token}`);
  } else {
    const form = new URLSearchParams({ token, token_type_hint: hint });
    if (revoke.clientAuth === "basic") {
      headers.set("authorization", basicAuthorization(settings.clientId, settings.clientSecret));
    } else {
      form.set("client_id", settings.clientId);
      if (revoke.clientAuth === "body") form.set("client_secret", settings.clientSecret);
    }
    if (revoke.encoding === "json") {
      // Notion's official SDK posts only `{"token": …}` (plus body credentials) as JSON.
      form.delete("token_type_hint");
      headers.set("content-type", "application/json");
      body = JSON.stringify(Object.fromEntries(form));
    } else {
      headers.set("content-type", "application/x-www-form-urlencoded;charset=UTF-8");
      body = form.toString();
    }
  }

  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(target, {
      method,
      headers,
      body,
      redirect: "error",
      signal: AbortSignal.timeout(options.timeoutMs ?? REVOKE_REQUEST_TIMEOUT_MS),
    });
  } catch {
    return {
      ok: false,
      error: "network_error",
      description: `the revocation endpoint of ${spec.displayName} could not be reached`,
      transient: true,
    };
  }
  const text = await response.text().catch(() => "");
  if (response.status === 200 || response.status === 204) {
    // Slack answers HTTP 200 with {"ok": false, "error": …} on failure.
    try {
      const parsed = text ? JSON.parse(text) : undefined;
      if (parsed && typeof parsed === "object" && (parsed as { ok?: unknown }).ok === false) {
        return {
          ok: false,
          error: "revoke_failed",
          description: `${spec.displayName} refused the revocation`,
          transient: false,
        };
      }
    } catch {
      // a non-JSON 200 is a success (RFC 7009 defines no body)
    }
    return { ok: true };
  }
  const transient = response.status === 429 || response.status >= 500;
  return {
    ok: false,
    error: "revoke_failed",
    description: `the revocation endpoint of ${spec.displayName} answered HTTP ${response.status}`,
    transient,
  };
}
