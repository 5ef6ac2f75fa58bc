/**
 * Building MCP tool results: both `content` (text) and `structuredContent`; failures as results
 * with `isError: true`; and a last scrub that drops every field that can hold a token, so no
 * tool result carries an access or refresh token even if a command's data grows one.
 */
import { renderError } from "../output.ts";

/** What a tool handler returns (the SDK's CallToolResult shape, the parts we use). */
export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: "text"; text: string }>;
  structuredContent: Record<string, unknown>;
  isError?: boolean;
}

/** Field names never passed to a model. */
const SECRET_FIELD =
  /^(tokenData|access_token|refresh_token|id_token|accessToken|refreshToken|idToken|client_secret|clientSecret|key|secret|password|variables)$/;

/** Copies `value` without any field that can hold a secret (recursively). */
export function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (SECRET_FIELD.test(key) || item === undefined) continue;
      out[key] = scrub(item);
    }
    return out;
  }
  return value;
}

/** A successful result: `summary` first, then the data as JSON. */
export function ok(data: Record<string, unknown>, summary?: string): ToolResult {
  const clean = scrub(data) as Record<string, unknown>;
  const json = JSON.stringify(clean, null, 2);
  return {
    content: [{ type: "text", text: summary ? `${summary}\n\n${json}` : json }],
    structuredContent: clean,
  };
}

/**
 * A failed result (`isError: true`) with the CLI's one error shape `{ error: { code, message,
 * … } }`, rendered by the same function as `--json` errors (cli/output.ts).
 */
export function failed(error: unknown, extra: Record<string, unknown> = {}): ToolResult {
  const rendered = JSON.parse(renderError(error, true).text) as {
    error: { code: string; message: string };
  };
  const body = rendered.error;
  const data = scrub({ ...extra, error: body }) as Record<string, unknown>;
  return {
    content: [{ type: "text", text: `${body.code}: ${body.message}` }],
    structuredContent: data,
    isError: true,
  };
}
