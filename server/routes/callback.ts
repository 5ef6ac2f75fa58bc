/**
 * `GET /callback/{provider}?code&state[&iss]` (or `?error&error_description&state`): the
 * provider's redirect back, one redirect URI per provider (mix-up defence); answers the person
 * with a page. `GET /callback` stays for operators whose registered redirect URI still points
 * there (`<PREFIX>_REDIRECT_URI`): it only finishes sessions whose redirect URI is that legacy
 * one, with the same `state`, browser and `iss` checks.
 */

import { Hono } from "hono";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { bindingCookieName } from "../browser_binding.ts";
import { completeLogin } from "../complete_login.ts";
import { renderPages } from "../middleware/render_pages.ts";
import { renderSuccessPage } from "../pages.ts";
import type { AppEnv, AppServices } from "../services.ts";
import type { StateCipher } from "../state.ts";

export function createCallbackRoute(
  services: AppServices & { stateCipher: StateCipher },
): Hono<AppEnv> {
  async function callback(c: Context<AppEnv>, routeProvider: string | undefined) {
    const query = c.req.query();
    const result = await completeLogin(services, {
      routeProvider,
      state: query.state,
      code: query.code,
      error: query.error,
      errorDescription: query.error_description,
      iss: query.iss,
      requestUrl: c.req.url,
      // The cookie name holds the session id, known only once `state` is resolved.
      readBinding: (sessionId: string) => {
        c.set("sessionId", sessionId);
        return getCookie(c, bindingCookieName(sessionId));
      },
    });
    return c.html(renderSuccessPage({
      provider: result.provider,
      providerName: result.providerName,
      identity: result.identity,
      scope: result.scope,
      confirmationCode: result.confirmationCode,
      again: result.outcome === "already_completed",
    }));
  }
  return new Hono<AppEnv>()
    .get("/callback", renderPages(), (c) => callback(c, undefined))
    .get("/callback/:provider", renderPages(), (c) => callback(c, c.req.param("provider")));
}
