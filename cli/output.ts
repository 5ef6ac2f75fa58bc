/**
 * Printing: one JSON document on stdout under `--json`, readable text otherwise; errors as
 * `{ "error": { "code", "message", "transient", "fix"?, ...details } }` on stdout under
 * `--json`, else a message (and the fix) on stderr. Exit codes: {@linkcode EXIT_CODES}.
 *
 * `transient` is true only when running the same command again later can succeed without
 * anything else changing; `fix` is the exact command or setting that resolves the error.
 */
import { ERROR_CODES, isClawauthError } from "../shared/errors.ts";
import type { CommandResult } from "./context.ts";

/** Exit code of a usage error. */
export const EXIT_USAGE = 2;
/** Exit code of every other error. */
export const EXIT_FAILURE = 1;
/** Exit code of `login wait` running out of time while the login is still pending. */
export const EXIT_WAIT_TIMEOUT = 3;

/** Every exit code of the CLI, for `docs` and the README. */
export const EXIT_CODES: readonly { code: number | string; meaning: string }[] = [
  { code: 0, meaning: "success (also `pending` from `login status`/`login claim`)" },
  {
    code: EXIT_FAILURE,
    meaning:
      "error: see error.code (`token status --check`: expired, missing, needs-login or keychain unavailable)",
  },
  {
    code: EXIT_USAGE,
    meaning: "usage error: bad command, flag or value (`token status --check`: expiring)",
  },
  {
    code: EXIT_WAIT_TIMEOUT,
    meaning:
      "`login wait` timed out while the login is still pending (wait_timeout; run error.fix to keep waiting)",
  },
  {
    code: "any",
    meaning: "`exec`: the exit code of the command it ran (128 + n when signal n ended it)",
  },
];

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
  let fix: string | undefined;
  if (isClawauthError(error)) {
    code = error.code;
    message = error.message;
    details = error.details ?? {};
  } else if (error instanceof Error) {
    message = `unexpected error: ${error.message}`;
  } else {
    message = `unexpected error: ${String(error)}`;
  }
  const exitCode = code === ERROR_CODES.USAGE
    ? EXIT_USAGE
    : code === ERROR_CODES.WAIT_TIMEOUT
    ? EXIT_WAIT_TIMEOUT
    : EXIT_FAILURE;
  if (typeof details.fix === "string" && details.fix !== "") fix = details.fix;
  else if (typeof details.fixCommand === "string" && details.fixCommand !== "") {
    fix = details.fixCommand;
  }
  const transient = details.transient === true;
  if (json) {
    const { code: _c, message: _m, transient: _t, fix: _f, envelope, ...extra } = details;
    // `envelope`: fields a command's contract keeps at the top level even when it fails
    // (seeds/000: a failed `login claim` still says `status: "error"`).
    const top = typeof envelope === "object" && envelope !== null ? envelope : {};
    const body = {
      ...top,
      error: { code, message, transient, ...(fix ? { fix } : {}), ...extra },
    };
    return { stream: "stdout", text: `${JSON.stringify(body, null, 2)}\n`, exitCode };
  }
  const fixLine = fix && !message.includes(fix) ? `clawauth: fix: ${fix}\n` : "";
  return { stream: "stderr", text: `clawauth: ${message} (${code})\n${fixLine}`, exitCode };
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
