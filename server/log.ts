/** Structured logging: one JSON object per line on stdout, or nothing (`CLAWAUTH_LOG=off`). */

import type { LogLine } from "./services.ts";

const ENCODER = new TextEncoder();
/** Lines held before a write at the latest (they are written at the end of the turn anyway). */
const MAX_BUFFERED_LINES = 256;

/** Writes all of `bytes` to stdout synchronously (a pipe may take a line in pieces). */
function writeAll(bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

export function createLogger(mode: "json" | "off"): (line: LogLine) => void {
  if (mode === "off") return function discard() {};
  if (typeof Deno.stdout?.writeSync !== "function") {
    return function consoleLine(line) {
      console.log(JSON.stringify(line));
    };
  }
  // The lines of one event-loop turn go out in one write: at thousands of requests a second,
  // `console.log` (formatting) and a write per line were a tenth of the server's CPU.
  let buffer: string[] = [];
  let scheduled = false;
  function flush(): void {
    scheduled = false;
    if (buffer.length === 0) return;
    const text = buffer.join("\n") + "\n";
    buffer = [];
    try {
      writeAll(ENCODER.encode(text));
    } catch {
      // A platform without a writable stdout (some hosted runtimes).
      console.log(text.slice(0, -1));
    }
  }
  globalThis.addEventListener("unload", flush);
  return function writeJsonLine(line) {
    buffer.push(JSON.stringify(line));
    if (buffer.length >= MAX_BUFFERED_LINES) flush();
    else if (!scheduled) {
      scheduled = true;
      setTimeout(flush, 0);
    }
  };
}
