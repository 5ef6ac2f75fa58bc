/**
 * Reads one line from a terminal without echoing it (a pasted secret must not stay on the
 * screen or in the terminal's scrollback): the terminal is put in raw mode, bytes are read up
 * to Enter, Backspace and Ctrl-U edit, Ctrl-C and Ctrl-D cancel. Raw mode is always restored.
 */

import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";

/** Longest line accepted. */
export const MAX_HIDDEN_LINE_BYTES = 65_536;

/** A terminal on stdin whose echo can be switched off. */
export interface RawTerminal {
  /** Raw mode on (no echo, no line editing) or off. */
  setRaw(raw: boolean): void;
}

/** Options of {@linkcode readHiddenLine}. */
export interface HiddenLineOptions {
  stdin: ReadableStream<Uint8Array>;
  terminal: RawTerminal;
  /** Where the prompt and the final newline go (never the secret). */
  stderr: (text: string) => void;
  prompt: string;
}

/** Prints `prompt`, reads a line without echo, prints a newline; returns the line. */
export async function readHiddenLine(options: HiddenLineOptions): Promise<string> {
  const { terminal, stderr } = options;
  // Echo off before the prompt shows: a paste that follows the prompt at once must not echo.
  terminal.setRaw(true);
  stderr(options.prompt);
  const reader = options.stdin.getReader();
  const bytes: number[] = [];
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const byte of value) {
        if (byte === 0x0d || byte === 0x0a) return finish(bytes);
        if (byte === 0x03 || (byte === 0x04 && bytes.length === 0)) {
          throw new ClawauthError(ERROR_CODES.USAGE, "cancelled: nothing was stored");
        }
        if (byte === 0x7f || byte === 0x08) bytes.pop();
        else if (byte === 0x15) bytes.length = 0;
        else if (byte >= 0x20 || byte === 0x09) bytes.push(byte);
        if (bytes.length > MAX_HIDDEN_LINE_BYTES) {
          throw new ClawauthError(
            ERROR_CODES.USAGE,
            `the pasted line is longer than ${MAX_HIDDEN_LINE_BYTES} bytes`,
          );
        }
      }
    }
    return finish(bytes);
  } finally {
    terminal.setRaw(false);
    stderr("\n");
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function finish(bytes: number[]): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    throw new ClawauthError(ERROR_CODES.USAGE, "the pasted line is not valid UTF-8 text");
  }
}
