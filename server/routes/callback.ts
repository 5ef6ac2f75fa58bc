/**
 * `GET /callback?code&state` (or `?error&error_description&state`): verifies the signed
 * `state`, then finishes the login; answers the person with a page.
 */

import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { bindingCookieName } from "../browser_binding.ts";
import { completeLogin } from "../complete_login.ts";
import { renderPage } from "../html.ts";
import { renderPages } from "../middleware/render_pages.ts";
import type { AppEnv, AppServices } from "../services.ts";
import type { StateSigner } from "../state.ts";

export function createCallbackRoute(
  services: AppServices & { stateSigner: StateSigner },
): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/callback", renderPages(), async function callback(c) {
    const query = c.req.query();
    const claims = await services.stateSigner.verify(query.state, services.now());
    c.set("sessionId", claims.sessionId);
    const result = await completeLogin(services, {
      claims,
      bindingValue: getCookie(c, bindingCookieName(claims.sessionId)),
      code: query.code,
      error: query.error,
      errorDescription: query.error_description,
      requestUrl: c.req.url,
    });
    return c.html(renderPage({
      title: result.outcome === "completed" ? "Signed in" : "Already signed in",
      message: `You are signed in with ${result.providerName}. ` +
        "You can close this window and go back to your agent.",
    }));
  });
}
