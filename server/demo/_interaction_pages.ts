// Minimal login and consent pages for the demo upstream. Their selectors are a contract that
// tests (HTTP driver and puppeteer) rely on; see the table in oidc_upstream.ts.

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

export const PAGE_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

const STYLE =
  `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.75rem 0}input{display:block;width:100%;padding:.4rem;font-size:1rem}
button{padding:.5rem 1rem;font-size:1rem;margin:.5rem .5rem 0 0}.error{color:#b00020}
.hint{color:#555;font-size:.9rem}form.inline{display:inline}`;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function layout(page: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body data-page="${page}"><main>
<p class="hint">clawauth demo provider (oidc-provider)</p>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

export interface LoginPageOptions {
  uid: string;
  clientId: string;
  error?: string;
  login?: string;
  hint?: string;
}

export function renderLoginPage(options: LoginPageOptions): string {
  const uid = encodeURIComponent(options.uid);
  const error = options.error
    ? `<p id="login-error" class="error" role="alert">${escapeHtml(options.error)}</p>`
    : "";
  const hint = options.hint
    ? `<p id="login-hint" class="hint">${escapeHtml(options.hint)}</p>`
    : "";
  return layout(
    "login",
    "Sign in",
    `<p>Application <code>${escapeHtml(options.clientId)}</code> asks you to sign in.</p>
${error}${hint}
<form id="login-form" method="post" action="/interaction/${uid}/login" autocomplete="off">
<label>Login <input name="login" value="${
      escapeHtml(options.login ?? "")
    }" required autofocus></label>
<label>Password <input name="password" type="password" required></label>
<button type="submit" id="login-submit">Sign in</button>
</form>
<form id="abort-form" class="inline" method="post" action="/interaction/${uid}/abort">
<button type="submit" id="login-abort">Cancel</button>
</form>`,
  );
}

export interface ConsentPageOptions {
  uid: string;
  clientId: string;
  accountId: string;
  scopes: string[];
}

export function renderConsentPage(options: ConsentPageOptions): string {
  const uid = encodeURIComponent(options.uid);
  const scopes = options.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join("");
  return layout(
    "consent",
    "Authorize",
    `<p>Signed in as <strong id="consent-account">${escapeHtml(options.accountId)}</strong>.</p>
<p>Application <code>${escapeHtml(options.clientId)}</code> asks for:</p>
<ul id="consent-scopes">${scopes}</ul>
<form id="consent-form" class="inline" method="post" action="/interaction/${uid}/confirm">
<button type="submit" id="consent-allow">Allow</button>
</form>
<form id="consent-deny-form" class="inline" method="post" action="/interaction/${uid}/abort">
<button type="submit" id="consent-deny">Deny</button>
</form>`,
  );
}

export function renderErrorPage(message: string): string {
  return layout(
    "error",
    "Error",
    `<p id="interaction-error" class="error">${escapeHtml(message)}</p>`,
  );
}
