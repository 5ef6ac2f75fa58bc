/**
 * The few HTML pages a person sees (short link and callback outcomes). Every interpolated
 * value goes through {@linkcode escapeHtml}; the pages load nothing and run no script
 * (the CSP allows only inline styles).
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for use in HTML content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/** Content of one page. */
export interface Page {
  title: string;
  message: string;
  /** Extra detail, e.g. the provider's error description. */
  detail?: string;
  /** Stable error code, shown small for support. */
  code?: string;
}

const STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;" +
  "padding:0 1rem;color:#1b1b1b}h1{font-size:1.4rem}.detail{background:#f4f4f4;" +
  "padding:.5rem .75rem;border-radius:4px;overflow-wrap:anywhere}.code{color:#666;font-size:.85rem}";

/** Renders a complete, self-contained page. */
export function renderPage(page: Page): string {
  const detail = page.detail === undefined
    ? ""
    : `<p class="detail">${escapeHtml(page.detail)}</p>`;
  const code = page.code === undefined
    ? ""
    : `<p class="code">Error code: <span data-code="${escapeHtml(page.code)}">${
      escapeHtml(page.code)
    }</span></p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(page.title)} · clawauth</title><style>${STYLE}</style></head>` +
    `<body><h1>${escapeHtml(page.title)}</h1><p>${
      escapeHtml(page.message)
    }</p>${detail}${code}</body></html>`;
}
