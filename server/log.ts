/** Structured logging: one JSON object per line on stdout, or nothing (`CLAWAUTH_LOG=off`). */

import type { LogLine } from "./services.ts";

export function createLogger(mode: "json" | "off"): (line: LogLine) => void {
  if (mode === "off") return function discard() {};
  return function writeJsonLine(line) {
    console.log(JSON.stringify(line));
  };
}
