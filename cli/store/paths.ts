/**
 * Where the CLI keeps its state and which keychain services it uses, from the environment.
 *
 * Isolation between agents: `CLAWAUTH_AGENT=<name>` gives an agent its own state directory
 * (`<base>/agents/<name>`) and keychain services (`clawauth:agent:<name>` and
 * `clawauth:agent:<name>:sessions`), so agents that must never share credentials don't.
 * `CLAWAUTH_STATE_DIR` and `CLAWAUTH_KEYCHAIN_SERVICE` override each part explicitly.
 */
import { posix, win32 } from "../path.ts";
import { ClawauthError } from "../../shared/errors.ts";

/** Resolved locations. */
export interface StatePaths {
  stateDir: string;
  keychainService: string;
  sessionKeychainService: string;
  agent?: string;
}

/** 0.4 names. */
export const DEFAULT_KEYCHAIN_SERVICE = "clawauth";
const AGENT_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

/** Resolves state directory and keychain services (see the module comment for precedence). */
export function resolveStatePaths(
  env: Record<string, string | undefined>,
  os: typeof Deno.build.os = Deno.build.os,
): StatePaths {
  const path = os === "windows" ? win32 : posix;
  const agent = nonEmpty(env.CLAWAUTH_AGENT);
  if (agent !== undefined && !AGENT_PATTERN.test(agent)) {
    throw new ClawauthError(
      "usage",
      `CLAWAUTH_AGENT must be 1 to 64 characters of letters, digits, '.', '_' or '-' ` +
        `(not starting with '.'): current value is '${agent}'`,
    );
  }

  let stateDir = nonEmpty(env.CLAWAUTH_STATE_DIR);
  if (stateDir === undefined) {
    let base: string;
    if (os === "windows") {
      const local = nonEmpty(env.LOCALAPPDATA) ??
        (nonEmpty(env.USERPROFILE) ? path.join(env.USERPROFILE!, "AppData", "Local") : undefined);
      if (!local) throw noHome("LOCALAPPDATA");
      base = path.join(local, "clawauth");
    } else {
      const xdg = nonEmpty(env.XDG_STATE_HOME);
      if (xdg && path.isAbsolute(xdg)) {
        base = path.join(xdg, "clawauth");
      } else {
        const home = nonEmpty(env.HOME);
        if (!home) throw noHome("HOME");
        base = path.join(home, ".local", "state", "clawauth");
      }
    }
    stateDir = agent ? path.join(base, "agents", agent) : base;
  }
  if (!path.isAbsolute(stateDir)) stateDir = path.resolve(stateDir);

  const keychainService = nonEmpty(env.CLAWAUTH_KEYCHAIN_SERVICE) ??
    (agent ? `${DEFAULT_KEYCHAIN_SERVICE}:agent:${agent}` : DEFAULT_KEYCHAIN_SERVICE);
  const sessionKeychainService = nonEmpty(env.CLAWAUTH_SESSION_SERVICE) ??
    `${keychainService}:sessions`;
  return { stateDir, keychainService, sessionKeychainService, ...(agent ? { agent } : {}) };
}

function noHome(variable: string): ClawauthError {
  return new ClawauthError(
    "storage_failed",
    `cannot locate the state directory: ${variable} is not set; set CLAWAUTH_STATE_DIR`,
  );
}
