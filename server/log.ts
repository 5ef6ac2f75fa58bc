/** Structured logging: one JSON object per line on stdout, or nothing (`CLAWAUTH_LOG=off`). */

import type { LogLine } from "./services.ts";

const ENCODER = new TextEncoder();

/** Writes all of `bytes` to stdout synchronously (a pipe may take a line in pieces). */
function writeAll(bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

export function createLogger(mode: "json" | "off"): (line: LogLine) => void {
  if (mode === "off") return function discard() {};
  // One encoded write per line, before the response leaves (tests and operators may rely on
  // the line being there once the answer arrived): `console.log` formats its arguments and
  // cost several times more per request line.
  let direct = typeof Deno.stdout?.writeSync === "function";
  return function writeJsonLine(line) {
    const text = JSON.stringify(line);
    if (direct) {
      try {
        writeAll(ENCODER.encode(text + "\n"));
        return;
      } catch {
        // A platform without a writable stdout (some hosted runtimes): console from now on.
        direct = false;
      }
    }
    console.log(text);
  };
}
