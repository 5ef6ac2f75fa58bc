/**
 * What every command receives: parsed global settings plus injected streams, clock, `fetch`
 * and keychain, so tests can drive `runX(argv, ctx)` in process.
 */
import type { Keychain } from "./keychain/keychain.ts";

/** Injected dependencies and global settings of one CLI invocation. */
export interface CliContext {
  /** Environment (a snapshot; commands never read `Deno.env` directly). */
  env: Record<string, string | undefined>;
  /** `--json` was given: data goes to stdout as one JSON document. */
  json: boolean;
  /** Writes data (JSON or human output). */
  stdout: (text: string) => void;
  /** Writes progress, warnings and notices. */
  stderr: (text: string) => void;
  /** Standard input (secrets such as pasted tokens are read from here, never argv). */
  stdin: ReadableStream<Uint8Array>;
  /** True when stderr is a terminal (progress display). */
  isTerminal: boolean;
  /** True when stdout is a terminal (`api` pretty-prints JSON bodies). */
  stdoutIsTerminal?: boolean;
  /** Set when stdin is a terminal: switches its echo off for a hidden prompt (`token setup-token`). */
  stdinTerminal?: { setRaw(raw: boolean): void };
  /** Epoch milliseconds. */
  now: () => number;
  /** Waits `ms` (injected so tests can advance time). */
  sleep: (ms: number) => Promise<void>;
  fetch: typeof fetch;
  /** Server base URL (`--server` > CLAWAUTH_SERVER_URL > CLAWAUTH_WORKER_URL > default). */
  serverUrl: string;
  /** State directory (non-secret metadata, session index, locks). */
  stateDir: string;
  /** Keychain service of token records (`clawauth`, or per agent). */
  keychainService: string;
  /** Keychain service of login-session key material (`clawauth:sessions`, or per agent). */
  sessionKeychainService: string;
  /** Resolves the keychain lazily (choosing a backend may probe the platform). */
  keychain: () => Promise<Keychain>;
}

/** What a command returns; only `main.ts` prints and sets the exit code. */
export interface CommandResult {
  /** The JSON document printed under `--json`. */
  data: Record<string, unknown>;
  /** Human output printed without `--json` (defaults to a readable rendering of `data`). */
  human?: string;
  /** Exit code for a normal (non-error) outcome, e.g. `token status --check`. Default 0. */
  exitCode?: number;
  /** The command wrote its own output (exec's child, api's body): main prints nothing more. */
  printed?: boolean;
}

/** Signature of every command entry point. */
export type Command = (argv: string[], ctx: CliContext) => Promise<CommandResult>;
