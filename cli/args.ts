/**
 * Flag parsing: global flags (`--json`, `--server`, `--help`, `--version`) are taken out of
 * argv anywhere before `--`; each command then parses its own flags and positionals strictly,
 * and every mistake becomes a `usage` error (exit 2) that names the flag and the fix.
 */
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";

/** Flags every command accepts, wherever they appear. */
export interface GlobalFlags {
  json: boolean;
  help: boolean;
  version: boolean;
  server?: string;
  /** `--insecure-http`: allow a plain-http server URL that is not loopback. */
  insecureHttp?: boolean;
  /** argv without the global flags. */
  rest: string[];
}

/** Takes `--json`, `--help`/`-h`, `--version`/`-V` and `--server <url>` out of `argv`. */
export function extractGlobalFlags(argv: readonly string[]): GlobalFlags {
  const flags: GlobalFlags = { json: false, help: false, version: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      flags.rest.push(...argv.slice(i));
      break;
    }
    if (arg === "--json") flags.json = true;
    else if (arg === "--help" || arg === "-h") flags.help = true;
    else if (arg === "--version" || arg === "-V") flags.version = true;
    else if (arg === "--insecure-http") flags.insecureHttp = true;
    else if (arg.startsWith("--server=")) flags.server = arg.slice("--server=".length);
    else if (arg === "--server") {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("-")) {
        throw usageError("--server needs a URL, e.g. --server https://auth.clawauth.app");
      }
      flags.server = value;
      i++;
    } else flags.rest.push(arg);
  }
  return flags;
}

/** One command flag. */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  /** Placeholder shown in messages, e.g. `seconds`. */
  value?: string;
}

/** What a command accepts. */
export interface CommandSpec {
  /** Command words, e.g. `login start` (for messages). */
  command: string;
  flags: Record<string, FlagSpec>;
  /** Names of positionals in order, e.g. `["provider"]`. */
  positionals: string[];
  /** How many positionals are required (the first `required` of `positionals`). */
  required: number;
}

/** Result of {@linkcode parseCommandArgs}. */
export interface ParsedArgs {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Creates a `usage` error (exit code 2). */
export function usageError(message: string): ClawauthError {
  return new ClawauthError(ERROR_CODES.USAGE, message);
}

function flagList(spec: CommandSpec): string {
  const names = Object.entries(spec.flags).map(([name, flag]) =>
    flag.type === "string" ? `--${name} <${flag.value ?? "value"}>` : `--${name}`
  );
  return [...names, "--json"].join(", ");
}

function synopsis(spec: CommandSpec): string {
  const positionals = spec.positionals.map((name, i) =>
    i < spec.required ? `<${name}>` : `[${name}]`
  );
  return ["clawauth", spec.command, ...positionals].join(" ");
}

/**
 * Parses a command's argv strictly: unknown flags, missing values, values given to boolean
 * flags, missing or extra positionals are usage errors.
 */
export function parseCommandArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const flags: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, flag] of Object.entries(spec.flags)) {
    if (flag.short) byShort.set(flag.short, name);
  }
  const hint = `run \`clawauth ${spec.command} --help\``;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else if (arg.length === 2) {
      name = byShort.get(arg.slice(1));
    }
    const flag = name === undefined ? undefined : spec.flags[name];
    if (name === undefined || flag === undefined) {
      throw usageError(
        `unknown option ${JSON.stringify(arg.split("=")[0])} for \`clawauth ${spec.command}\`` +
          ` (accepted: ${flagList(spec)}); ${hint}`,
      );
    }
    if (flag.type === "boolean") {
      if (inline !== undefined) {
        throw usageError(`--${name} takes no value: got ${JSON.stringify(arg)}; ${hint}`);
      }
      flags[name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && next.length > 1)) {
        throw usageError(`--${name} needs a value: --${name} <${flag.value ?? "value"}>; ${hint}`);
      }
      value = next;
      i++;
    }
    flags[name] = value;
  }

  if (positionals.length < spec.required) {
    const missing = spec.positionals[positionals.length];
    throw usageError(`missing <${missing}>: usage: ${synopsis(spec)}; ${hint}`);
  }
  if (positionals.length > spec.positionals.length) {
    const extra = positionals.slice(spec.positionals.length).map((p) => JSON.stringify(p));
    throw usageError(
      `unexpected argument${extra.length > 1 ? "s" : ""} ${extra.join(" ")}: usage: ${
        synopsis(spec)
      }; ${hint}`,
    );
  }
  return { flags, positionals };
}

/** Login session ids are UUIDs; anything path-like is refused before it reaches a file name. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;

/** Checks a session id given on the command line. */
export function parseSessionId(value: string): string {
  if (!SESSION_ID_PATTERN.test(value)) {
    throw usageError(
      `<sessionId> must be 8 to 128 characters of [A-Za-z0-9_-] (the sessionId printed by \`clawauth login start\`): got ${
        JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
      }`,
    );
  }
  return value;
}

/** Provider names as the registry spells them. */
export const PROVIDER_PATTERN = /^[a-z0-9_-]{1,64}$/;

/** Checks (and lower-cases) a provider name given on the command line. */
export function parseProviderName(value: string): string {
  const name = value.trim().toLowerCase();
  if (!PROVIDER_PATTERN.test(name)) {
    throw usageError(
      `<provider> must be 1 to 64 characters of [a-z0-9_-] (see \`clawauth providers\`): got ${
        JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
      }`,
    );
  }
  return name;
}

/** Profile names as cli/store/profiles.ts accepts them. */
export const PROFILE_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

/** Checks a `--profile` value. */
export function parseProfileName(value: string): string {
  if (!PROFILE_PATTERN.test(value)) {
    throw usageError(
      `--profile must be 1 to 64 characters of [A-Za-z0-9._-], not starting with '.': got ${
        JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
      }`,
    );
  }
  return value;
}
