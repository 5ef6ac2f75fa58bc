/**
 * Durations on the command line (`--expires-in 30d`, `--within 12h`, `3600`) and their
 * human rendering (`2h 5m`).
 */

import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Longest duration accepted (10 years): anything longer is a typo. */
const MAX_DURATION_SECONDS = 10 * 365 * 86400;

/**
 * Parses `3600`, `90s`, `45m`, `12h`, `30d` or `2w` into whole seconds (> 0); throws a
 * `usage` error naming `flag` otherwise.
 */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d{1,12})\s*([smhdw]?)$/i.exec(value.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[(match[2] || "s").toLowerCase()] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0 || seconds > MAX_DURATION_SECONDS) {
    throw new ClawauthError(
      ERROR_CODES.USAGE,
      `${flag} must be a positive duration such as 3600 (seconds), 90s, 45m, 12h, 30d or 2w: got ${
        JSON.stringify(value.slice(0, 40))
      }`,
    );
  }
  return seconds;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Options of {@linkcode parseDurationMs}. */
export interface DurationOptions {
  /** Unit of a plain number: `ms` (`--timeout 90000`) or `s` (`--ttl 3600`). */
  plainUnit: "ms" | "s";
  /** Smallest and largest value accepted, in milliseconds (a usage error otherwise). */
  minMs?: number;
  maxMs?: number;
}

/**
 * Parses a duration with a unit (`500ms`, `90s`, `5m`, `2h`, `1d`, `2w`) or a plain number in
 * `plainUnit`, into milliseconds; throws a `usage` error naming `source` otherwise.
 */
export function parseDurationMs(value: string, source: string, options: DurationOptions): number {
  const match = /^(\d{1,12})\s*(ms|s|m|h|d|w)?$/i.exec(value.trim());
  const unit = (match?.[2] ?? options.plainUnit).toLowerCase();
  const ms = match ? Number(match[1]) * UNIT_MS[unit] : NaN;
  const min = options.minMs ?? 1;
  const max = options.maxMs ?? MAX_DURATION_SECONDS * 1000;
  if (!Number.isSafeInteger(ms) || ms < min || ms > max) {
    const plain = options.plainUnit === "ms" ? "milliseconds" : "seconds";
    throw new ClawauthError(
      ERROR_CODES.USAGE,
      `${source} must be a duration from ${formatDurationExact(min)} to ${
        formatDurationExact(max)
      }, such as 90s, 5m, 2h or 500ms (a plain number is ${plain}): got ${
        JSON.stringify(value.slice(0, 40))
      }`,
    );
  }
  return ms;
}

/** `250ms`, `90s`, `5m`, `2h`: the largest unit that divides `ms` exactly. */
export function formatDurationExact(ms: number): string {
  for (const unit of ["w", "d", "h", "m", "s"]) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** Renders a span of milliseconds as `3d 4h`, `2h 5m`, `4m 10s` or `12s` (two units at most). */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const units = [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const;
  const first = units.findIndex(([, size]) => seconds >= size);
  if (first === -1) return "0s";
  const [unit, size] = units[first];
  const parts = [`${Math.floor(seconds / size)}${unit}`];
  const next = units[first + 1];
  if (next !== undefined) {
    const count = Math.floor((seconds % size) / next[1]);
    if (count > 0) parts.push(`${count}${next[0]}`);
  }
  return parts.join(" ");
}
