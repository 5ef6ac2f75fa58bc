/**
 * `GET /{provider}/{sessionId}`: the short link a person opens. Redirects to the provider's
 * authorize URL and sets the browser-binding cookie; a friendly page when the session is
 * unknown or expired, already completed, failed, or belongs to another provider.
 */

import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import {
  bindingCookieName,
  bindingCookiePath,
  hashBindingValue,
  newBindingValue,
} from "../browser_binding.ts";
import { renderPages } from "../middleware/render_pages.ts";
import { baseUrlOf } from "../provider_lookup.ts";
import type { AppEnv, AppServices } from "../services.ts";
import { isSessionId } from "../session_id.ts";

function expired(): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.SESSION_NOT_FOUND,
    "This sign-in link has expired or does not exist. Ask your agent for a new link.",
    { status: 404 },
  );
}

export function createShortLinkRoute(services: AppServices): Hono<AppEnv> {
  const { store, now } = services;
  return new Hono<AppEnv>().get(
    "/:provider/:sessionId",
    renderPages(),
    async function shortLink(c) {
      const { provider, sessionId } = c.req.param();
      if (!isSessionId(sessionId)) throw expired();
      c.set("sessionId", sessionId);
      const entry = await store.getSession(sessionId);
      if (entry === null) throw expired();
      const { record } = entry;
      if (record.provider !== provider) {
        throw new ClawauthError(
          ERROR_CODES.PROVIDER_MISMATCH,
          `This link is for another provider: '${provider}' is not the provider of this sign-in.`,
          { status: 404 },
        );
      }
      if (record.status === "completed") {
        throw new ClawauthError(
          ERROR_CODES.SESSION_COMPLETED,
          "You have already signed in with this link. You can close this window.",
          { status: 410 },
        );
      }
      if (record.status === "error") {
        throw new ClawauthError(
          ERROR_CODES.SESSION_FAILED,
          "This sign-in failed. Ask your agent for a new link to try again.",
          { status: 410, details: { description: record.error ?? "" } },
        );
      }
      const value = newBindingValue();
      await store.recordBrowserOpen(record, await hashBindingValue(value));
      const baseUrl = baseUrlOf(services, c.req.url);
      setCookie(c, bindingCookieName(sessionId), value, {
        path: bindingCookiePath(baseUrl),
        httpOnly: true,
        sameSite: "Lax",
        secure: baseUrl.startsWith("https:"),
        maxAge: Math.max(1, Math.floor((record.expiresAt - now()) / 1000)),
      });
      return c.redirect(record.authUrl, 302);
    },
  );
}
