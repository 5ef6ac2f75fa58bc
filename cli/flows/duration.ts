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
