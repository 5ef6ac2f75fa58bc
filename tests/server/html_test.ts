import assert from "node:assert/strict";
import { escapeHtml, renderPage } from "../../server/html.ts";

Deno.test("escapeHtml() escapes the five HTML-significant characters", () => {
  assert.equal(
    escapeHtml(`<a href="x" onclick='y'>&</a>`),
    "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
  );
});

Deno.test("renderPage() escapes every interpolated value", () => {
  const evil = "<script>alert(1)</script>";
  const html = renderPage({ title: evil, message: evil, detail: evil, code: `"${evil}` });
  assert.ok(!html.includes("<script>"), html);
  assert.equal(html.split("&lt;script&gt;alert(1)&lt;/script&gt;").length - 1, 6);
});
