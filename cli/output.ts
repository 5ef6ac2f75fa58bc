/**
 * Printing: one JSON document on stdout under `--json`, readable text otherwise; errors as
 * `{ "error": { "code", "message", ...details } }` on stdout under `--json`, else a message on
 * stderr. Exit codes: usage errors 2, other errors 1.
 */
import { ERROR_CODES, isClawauthError } from "../shared/errors.ts";
import type { CommandResult } from "./context.ts";

/** Exit code of a usage error. */
export const EXIT_USAGE = 2;
/** Exit code of every other error. */
export const EXIT_FAILURE = 1;

/** Text printed for a successful command. */
export function renderResult(result: CommandResult, json: boolean): string {
  if (json) return `${JSON.stringify(result.data, null, 2)}\n`;
  const text = result.human ?? renderHuman(result.data);
  return text.endsWith("\n") || text === "" ? text : `${text}\n`;
}

/** A plain `key: value` rendering for commands without their own human text. */
export function renderHuman(data: Record<string, unknown>, indent = ""): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (value !== null && typeof value === "object") {
      if (Array.isArray(value) && value.every((v) => typeof v !== "object" || v === null)) {
        lines.push(`${indent}${key}: ${value.join(", ")}`);
      } else {
        lines.push(`${indent}${key}:`);
        lines.push(renderHuman(value as Record<string, unknown>, `${indent}  `));
      }
    } else {
      lines.push(`${indent}${key}: ${value === null ? "-" : String(value)}`);
    }
  }
  return lines.filter((line) => line !== "").join("\n");
}

/** A command error ready to print. */
export interface RenderedError {
  /** Where it goes: stdout under `--json`, stderr otherwise. */
  stream: "stdout" | "stderr";
  text: string;
  exitCode: number;
}

/** Turns any thrown value into the printed error and exit code. */
export function renderError(error: unknown, json: boolean): RenderedError {
  let code: string = ERROR_CODES.INTERNAL;
  let message = "unexpected error";
  let details: Record<string, unknown> = {};
  if (isClawauthError(error)) {
    code = error.code;
    message = error.message;
    details = error.details ?? {};
  } else if (error instanceof Error) {
    message = `unexpected error: ${error.message}`;
  } else {
    message = `unexpected error: ${String(error)}`;
  }
  const exitCode = code === ERROR_CODES.USAGE ? EXIT_USAGE : EXIT_FAILURE;
  if (json) {
    const { code: _c, message: _m, ...extra } = details;
    const body = { error: { code, message, ...extra } };
    return { stream: "stdout", text: `${JSON.stringify(body, null, 2)}\n`, exitCode };
  }
  return { stream: "stderr", text: `clawauth: ${message} (${code})\n`, exitCode };
}

/** Shows a secret's first characters and its length, e.g. `abcd…(40 chars)`. */
export function maskSecret(value: string): string {
  const shown = value.length >= 16 ? value.slice(0, 4) : "";
  return `${shown}…(${value.length} chars)`;
}

const SECRET_KEY_PATTERN = /(^|_)(token|secret|password|code|key)$/i;
const NOT_SECRET_KEYS = new Set(["token_type"]);

/**
 * Copies a provider token response with every secret value masked (access, refresh and id
 * tokens, and any other `*_token` / `*secret*` field, nested ones included).
 */
export function maskTokenData(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => maskTokenData(item, key));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskTokenData(v, k);
    return out;
  }
  if (typeof value === "string" && !NOT_SECRET_KEYS.has(key) && SECRET_KEY_PATTERN.test(key)) {
    return maskSecret(value);
  }
  return value;
}
