/**
 * The layout of every page a person sees (confirmation, outcomes, errors): one look, built
 * with Hono's `html` template, which escapes every interpolated value (only `raw()` passes
 * unescaped, and only constants go through it). The pages load nothing and run no script;
 * the CSP allows only inline styles.
 */

import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

/** A piece of page content (the result of an `html` template). */
export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Escapes text for use in HTML content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

const STYLE = [
  ":root{color-scheme:light;--ink:#1b1f24;--muted:#5b6470;--line:#d9dee4;--accent:#1f5fbf;",
  "--warn:#8a4b00;--warnbg:#fff4e0;--bad:#9b1c1c;--badbg:#fdecec;--ok:#146c2e;--okbg:#e8f6ec}",
  "*{box-sizing:border-box}",
  "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--ink);",
  "background:#f3f5f7}",
  "main{max-width:34rem;margin:2rem auto;padding:1.5rem 1.25rem;background:#fff;",
  "border:1px solid var(--line);border-radius:12px}",
  "@media (max-width:30rem){main{margin:0;border:0;border-radius:0;min-height:100vh}}",
  ".brand{margin:0 0 .75rem;font-size:.8rem;letter-spacing:.08em;text-transform:uppercase;",
  "color:var(--muted)}",
  "h1{font-size:1.35rem;line-height:1.3;margin:0 0 .75rem}",
  "p{margin:.6rem 0}",
  "dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem .9rem;margin:1rem 0}",
  "dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}",
  ".code{display:block;margin:1rem 0;padding:.75rem;text-align:center;font:700 1.9rem/1.2 ",
  "ui-monospace,'SFMono-Regular',Menlo,monospace;letter-spacing:.12em;border:2px dashed ",
  "var(--line);border-radius:8px}",
  ".note{padding:.6rem .8rem;border-radius:8px;background:var(--warnbg);color:var(--warn)}",
  ".bad{background:var(--badbg);color:var(--bad)}.ok{background:var(--okbg);color:var(--ok)}",
  "button{display:block;width:100%;margin:1.25rem 0 .5rem;padding:.85rem 1rem;font:inherit;",
  "font-weight:600;color:#fff;background:var(--accent);border:0;border-radius:8px;cursor:pointer}",
  "button:focus-visible{outline:3px solid #9cc0f5;outline-offset:2px}",
  ".detail{background:#f4f4f4;padding:.5rem .75rem;border-radius:6px;overflow-wrap:anywhere}",
  "code{font-family:ui-monospace,Menlo,monospace;background:#f0f2f4;padding:.1rem .3rem;",
  "border-radius:4px;overflow-wrap:anywhere}",
  ".small{color:var(--muted);font-size:.85rem}",
].join("");

/** Wraps `body` in the shared layout; `kind` marks the page for tests and styles. */
export function layout(options: { title: string; kind: string; body: Markup }): Markup {
  return html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width,initial-scale=1">
        <meta name="robots" content="noindex">
        <title>${options.title} · clawauth</title>
        <style>${raw(STYLE)}</style>
      </head>
      <body data-page="${options.kind}">
        <main><p class="brand">clawauth</p><h1>${options.title}</h1>${options.body}</main>
      </body>
    </html>
  `;
}

/** Content of one message page (outcomes and errors). */
export interface Page {
  title: string;
  message: string;
  /** Extra detail, e.g. the provider's error description (shown escaped). */
  detail?: string;
  /** Stable error code, shown small for support. */
  code?: string;
  /** `data-page` marker; default `error` when `code` is set, else `message`. */
  kind?: string;
  /** Tone of the message box: none, a warning, or bad news. */
  tone?: "warn" | "bad" | "ok";
  /** Extra paragraphs after the message. */
  extra?: string[];
}

/** Renders a complete, self-contained message page. */
export function renderPage(page: Page): string {
  const toneClass = page.tone === undefined
    ? ""
    : page.tone === "warn"
    ? "note"
    : `note ${page.tone}`;
  const body = html`<p class="${toneClass}">${page.message}</p>${
    (page.extra ?? []).map((text) => html`<p>${text}</p>`)
  }${page.detail === undefined ? "" : html`<p class="detail">${page.detail}</p>`}${
    page.code === undefined
      ? ""
      : html`<p class="small">Error code: <span data-code="${page.code}">${page.code}</span></p>`
  }`;
  return String(
    layout({
      title: page.title,
      kind: page.kind ?? (page.code === undefined ? "message" : "error"),
      body,
    }),
  );
}
