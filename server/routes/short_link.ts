/**
 * The link a person is sent: `GET /{provider}/{sessionId}` renders the confirmation page
 * (never a redirect, and no KV write, so link previewers change nothing; a sign-in another
 * browser completed shows a page that lets the person stop it instead);
 * `POST /{provider}/{sessionId}` is its button: same-origin and CSRF-checked, it binds this
 * browser (server/continue_login.ts) and redirects (303) to the provider.
 */

import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { bindingCookieName, bindingCookiePath, sha256Base64Url } from "../browser_binding.ts";
import {
  checkPageSession,
  continueLogin,
  expiredError,
  sessionStateError,
} from "../continue_login.ts";
import { CSRF_COOKIE, CSRF_FIELD, type CsrfGuard } from "../csrf.ts";
import { limitBody } from "../middleware/limit_body.ts";
import { limitPerClient } from "../middleware/rate_limit.ts";
import { limitPerClientInMemory } from "../middleware/rate_limit_memory.ts";
import { renderPages } from "../middleware/render_pages.ts";
import { requireSameOrigin } from "../middleware/same_origin.ts";
import { renderConfirmPage, renderUsedElsewherePage } from "../pages.ts";
import { baseUrlOf, lookupProvider } from "../provider_lookup.ts";
import type { AppEnv, AppServices } from "../services.ts";
import { isSessionId } from "../session_id.ts";
import type { StateCipher } from "../state.ts";

const MAX_FORM_BYTES = 4096;

function csrfFailed(): ClawauthError {
  return new ClawauthError(
    ERROR_CODES.CSRF_MISMATCH,
    "This form is out of date or was not sent by the sign-in page. Reload the page and press " +
      "the button again.",
    { status: 403 },
  );
}

function cookieBase(baseUrl: string, maxAgeSeconds: number) {
  return {
    httpOnly: true,
    secure: baseUrl.startsWith("https:"),
    maxAge: Math.max(1, Math.floor(maxAgeSeconds)),
  };
}

export function createShortLinkRoute(
  services: AppServices & { csrf: CsrfGuard; stateCipher: StateCipher },
): Hono<AppEnv> {
  const { store, now, config, csrf } = services;
  const limitContinues = limitPerClient({
    store,
    scope: "continue",
    limit: config.linkRateLimit,
    trustProxyHops: config.trustProxyHops,
    now,
  });
  const pagePath = (baseUrl: string, provider: string, sessionId: string) =>
    `${new URL(baseUrl).pathname.replace(/\/+$/, "")}/${provider}/${sessionId}`;

  // Opening the page writes nothing to KV, so its limit lives in memory (per instance).
  const limitOpens = limitPerClientInMemory({
    scope: "link",
    limit: config.linkRateLimit,
    trustProxyHops: config.trustProxyHops,
    now,
  });

  return new Hono<AppEnv>()
    .get(
      "/:provider/:sessionId",
      renderPages(),
      limitOpens,
      async function shortLink(c) {
        const { provider, sessionId } = c.req.param();
        if (!isSessionId(sessionId)) throw expiredError();
        c.set("sessionId", sessionId);
        const { record } = checkPageSession(await store.getSessionForPage(sessionId), provider);
        const binding = getCookie(c, bindingCookieName(sessionId));
        const boundHere = record.binding !== undefined && binding !== undefined &&
          binding.length <= 100 && await sha256Base64Url(binding) === record.binding;
        const boundElsewhere = record.binding !== undefined && !boundHere;
        // Completed and not claimed: only a browser that did not complete it may stop it.
        if (record.status !== "pending" && !(record.status === "completed" && boundElsewhere)) {
          throw sessionStateError(record);
        }
        const baseUrl = baseUrlOf(services, c.req.url);
        const { spec, settings } = lookupProvider(services, record.provider, { baseUrl });
        const existing = getCookie(c, CSRF_COOKIE);
        const cookieValue = csrf.isCookieValue(existing) ? existing : csrf.newCookieValue();
        setCookie(c, CSRF_COOKIE, cookieValue, {
          ...cookieBase(baseUrl, (record.expiresAt - now()) / 1000),
          path: pagePath(baseUrl, provider, sessionId),
          sameSite: "Strict",
        });
        const csrfToken = await csrf.token(cookieValue, sessionId);
        if (record.status === "completed") {
          c.set("formAction", "'self'");
          return c.html(renderUsedElsewherePage({
            providerName: spec.displayName,
            csrfField: CSRF_FIELD,
            csrfToken,
          }));
        }
        // The form posts here, and the answer redirects to the provider: both must be allowed.
        c.set("formAction", `'self' ${new URL(settings.authorizeUrl).origin}`);
        return c.html(renderConfirmPage({
          providerName: spec.displayName,
          scope: record.scope,
          createdAt: record.createdAt,
          expiresAt: record.expiresAt,
          now: now(),
          confirmationCode: record.confirmationCode,
          csrfField: CSRF_FIELD,
          csrfToken,
          boundElsewhere,
        }));
      },
    )
    .post(
      "/:provider/:sessionId",
      renderPages(),
      requireSameOrigin({ originOf: (url) => new URL(baseUrlOf(services, url)).origin }),
      limitContinues,
      limitBody(MAX_FORM_BYTES),
      async function continueToProvider(c) {
        const { provider, sessionId } = c.req.param();
        if (!isSessionId(sessionId)) throw expiredError();
        c.set("sessionId", sessionId);
        const form = await c.req.parseBody();
        const token = typeof form[CSRF_FIELD] === "string" ? form[CSRF_FIELD] : undefined;
        const cookieValue = getCookie(c, CSRF_COOKIE);
        if (!csrf.isCookieValue(cookieValue) || !await csrf.verify(token, cookieValue, sessionId)) {
          throw csrfFailed();
        }
        const baseUrl = baseUrlOf(services, c.req.url);
        const result = await continueLogin(services, {
          provider,
          sessionId,
          bindingValue: getCookie(c, bindingCookieName(sessionId)),
          baseUrl,
        });
        if (result.newBindingValue !== undefined) {
          setCookie(c, bindingCookieName(sessionId), result.newBindingValue, {
            ...cookieBase(baseUrl, (result.expiresAt - now()) / 1000),
            path: bindingCookiePath(baseUrl),
            sameSite: "Lax",
          });
        }
        return c.redirect(result.location, 303);
      },
    );
}
