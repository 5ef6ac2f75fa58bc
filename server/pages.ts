/**
 * The two pages a person acts on or reads at length: the confirmation page (`GET
 * /{provider}/{sessionId}`) and the success page of the callback. Message and error pages use
 * `renderPage` (server/html.ts); all share one layout.
 */

import { html } from "hono/html";
import type { SealedIdentity } from "../shared/wire.ts";
import { layout, type Markup } from "./html.ts";

/** What the confirmation page shows. */
export interface ConfirmPage {
  providerName: string;
  /** Requested scopes, or undefined for the provider's default. */
  scope?: string;
  createdAt: number;
  expiresAt: number;
  now: number;
  confirmationCode?: string;
  csrfField: string;
  csrfToken: string;
  /** Another browser already continued: continuing here stops the sign-in. */
  boundElsewhere?: boolean;
}

/** `2026-12-01 14:31 UTC` (pages run no script, so no local time zone). */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function inMinutes(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 90) return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 60);
  return `in ${hours} hours`;
}

function scopeList(scope: string | undefined): Markup {
  const scopes = (scope ?? "").split(/[\s,]+/).filter((part) => part !== "");
  if (scopes.length === 0) return html`the provider's default access`;
  return html`${scopes.map((item, i) => html`${i > 0 ? " " : ""}<code>${item}</code>`)}`;
}

const CODE_NOTE = "Continue only if your agent showed you this code. If you did not ask for " +
  "this, or the code is different, close this page.";
const NO_CODE_NOTE = "Continue only if you asked your agent to sign in just now.";
const BOUND_NOTE = "This link was already continued in another browser. Continuing here " +
  "stops the sign-in: nothing is handed to your agent. Do that if the other browser was not " +
  "you, and tell your agent.";

/** What the page of a completed sign-in shows to a browser that did not complete it. */
export interface UsedElsewherePage {
  providerName: string;
  csrfField: string;
  csrfToken: string;
}

/**
 * A sign-in completed in another browser and not yet handed to the agent: the person can stop
 * it (a same-origin POST that contests the session) if it was not them.
 */
export function renderUsedElsewherePage(page: UsedElsewherePage): Markup {
  const body = html`
    <p class="note bad">${`Someone already signed in to ${page.providerName} with this link in another browser, and your agent has not picked up the account yet.`}</p>
    <p>If that was you, close this page. If it was not you, stop the sign-in now: nothing will be handed to your agent, and you should tell your agent.</p>
    <form method="post">
      <input type="hidden" name="${page.csrfField}" value="${page.csrfToken}">
      <button type="submit" id="continue">Stop this sign-in</button>
    </form>
  `;
  return layout({
    title: "This link was already used in another browser",
    kind: "used-elsewhere",
    body,
  });
}

/** The confirmation page: who asks, for what, the code, one button (a same-origin POST). */
export function renderConfirmPage(page: ConfirmPage): Markup {
  const { providerName: name, confirmationCode: code } = page;
  const expires = `${formatTime(page.expiresAt)} (${inMinutes(page.expiresAt - page.now)})`;
  const codeBlock = code === undefined ? html`<p class="note">${NO_CODE_NOTE}</p>` : html`
    <p>Confirmation code</p>
    <span class="code" data-confirmation-code="${code}">${code}</span>
    <p class="note">${CODE_NOTE}</p>
  `;
  const body = html`
    <p>${`Your AI agent asks to use your ${name} account through clawauth.`}</p>
    <dl>
      <dt>Provider</dt>
      <dd>${name}</dd>
      <dt>Access</dt>
      <dd>${scopeList(page.scope)}</dd>
      <dt>Requested</dt>
      <dd>${formatTime(page.createdAt)}</dd>
      <dt>Expires</dt>
      <dd>${expires}</dd>
    </dl>
    ${codeBlock} ${page.boundElsewhere ? html`<p class="note bad">${BOUND_NOTE}</p>` : ""}
    <form method="post">
      <input type="hidden" name="${page.csrfField}" value="${page.csrfToken}">
      <button type="submit" id="continue">${`Continue to ${name}`}</button>
    </form>
    <p class="small">${`This link then works only in this browser. ${name} shows you what you approve.`}</p>
  `;
  return layout({ title: `Sign in to ${name} for your agent`, kind: "confirm", body });
}

/** What the success page shows. */
export interface SuccessPage {
  provider: string;
  providerName: string;
  identity?: SealedIdentity;
  scope?: string;
  confirmationCode?: string;
  /** True when this callback found the session already completed (a reload). */
  again: boolean;
}

/** How a person recognises an account: `login (email)`, name, or the id. */
export function accountLabel(identity: SealedIdentity | undefined): string | undefined {
  if (identity === undefined) return undefined;
  const main = identity.login ?? identity.name ?? identity.email ?? identity.id;
  const email = identity.email !== undefined && identity.email !== main
    ? ` (${identity.email})`
    : "";
  return `${main}${email}`;
}

/** The success page: provider, account, scopes, code, how to undo. */
export function renderSuccessPage(page: SuccessPage): Markup {
  const account = accountLabel(page.identity);
  const lead = page.again
    ? "This sign-in is already complete. You can close this window."
    : "Your agent can now use this account. You can close this window.";
  const accountRow = account === undefined ? "" : html`
    <dt>Account</dt>
    <dd data-account>${account}</dd>
  `;
  const scopeRow = page.scope === undefined ? "" : html`
    <dt>Access</dt>
    <dd>${scopeList(page.scope)}</dd>
  `;
  const codeRow = page.confirmationCode === undefined ? "" : html`
    <dt>Code</dt>
    <dd><code>${page.confirmationCode}</code></dd>
  `;
  const undo = html`To undo, ask your agent to run <code>clawauth token rm ${page.provider}</code>,
    or remove the app's access in your ${page.providerName} account settings.`;
  const body = html`
    <p class="note ok">${lead}</p>
    <dl>
      <dt>Provider</dt>
      <dd>${page.providerName}</dd>
      ${accountRow} ${scopeRow} ${codeRow}
    </dl>
    <p class="small">${undo}</p>
  `;
  return layout({ title: `Signed in to ${page.providerName}`, kind: "success", body });
}
