/**
 * Secrets are read from the backend that holds them. Every profile and login session records
 * its keychain backend (`keychainBackend`, non-secret metadata). When this run's keychain is
 * another one, the recorded backend is opened if it can be (the 0600 file always can), else
 * the answer is `keychain_unavailable` naming the backend, the reason and the fix. A secret
 * that sits in an unreachable keychain is never reported missing, and nothing advises a new
 * login or a removal because of it.
 */
import { join } from "../path.ts";
import { ClawauthError, ERROR_CODES, isClawauthError } from "../../shared/errors.ts";
import type { Keychain } from "./keychain.ts";

const DESCRIPTIONS: Record<string, string> = {
  linux: "the Secret Service (secret-tool over D-Bus)",
  macos: "the macOS login keychain (security)",
  windows: "the Windows Credential Manager",
  file: "the 0600 credentials file",
  memory: "in memory, for one process only",
};

/** The exact step that makes a backend reachable again. */
export function keychainFix(backend: string): string {
  switch (backend) {
    case "linux":
      return "run clawauth inside the desktop/login session that owns the keyring (DBUS_SESSION_BUS_ADDRESS set, Secret Service running) and unlock the keyring; or set CLAWAUTH_KEYCHAIN=linux where it is reachable";
    case "macos":
      return "security unlock-keychain login.keychain-db";
    case "windows":
      return "run clawauth as the Windows user that owns the Credential Manager entries";
    case "file":
      return "make the state directory's credentials.json readable by this user (mode 0600), or set CLAWAUTH_STATE_DIR to where it lives";
    default:
      return "unset CLAWAUTH_KEYCHAIN so a persistent keychain is used";
  }
}

/** Options of {@linkcode keychainUnavailable}. */
export interface KeychainUnavailableOptions {
  /** Backend that holds the secret. */
  backend: string;
  /** Why it cannot be reached (a tool's message, a probe result). */
  reason: string;
  /** Profile id or login session concerned. */
  subject?: string;
  /** Default: {@linkcode keychainFix}. */
  fix?: string;
  /** What failed, e.g. `read github:default`: the message then starts "could not …". */
  action?: string;
  cause?: unknown;
}

/** The `keychain_unavailable` error: which backend, why, the fix; never "missing". */
export function keychainUnavailable(options: KeychainUnavailableOptions): ClawauthError {
  const { backend, reason, subject } = options;
  const fix = options.fix ?? keychainFix(backend);
  const what = DESCRIPTIONS[backend] ?? backend;
  const head = options.action
    ? `could not ${options.action} in the ${backend} keychain (${what}): ${reason}. `
    : `${subject ? `${subject} is stored in` : "cannot use"} the ${backend} keychain (${what}), ` +
      `which cannot be reached: ${reason}. `;
  return new ClawauthError(
    ERROR_CODES.KEYCHAIN_UNAVAILABLE,
    head +
      (subject ? "Nothing was changed and the secret is still there. " : "") +
      `Make the keychain reachable, then run the same command again. Fix: ${fix}`,
    {
      cause: options.cause,
      details: {
        backend,
        reason,
        ...(subject ? { subject } : {}),
        fix,
        transient: false,
      },
    },
  );
}

/**
 * Wraps a backend failure (a tool error, a locked keychain) into {@linkcode keychainUnavailable};
 * a `keychain_timeout` keeps its code and gains the backend and fix.
 */
export function keychainFailure(
  error: unknown,
  keychain: Keychain,
  options: { action?: string; subject?: string } = {},
): ClawauthError {
  const reason = (error as Error)?.message ?? String(error);
  if (isClawauthError(error) && error.code === ERROR_CODES.KEYCHAIN_TIMEOUT) {
    return new ClawauthError(error.code, error.message, {
      cause: error,
      details: {
        ...error.details,
        backend: keychain.name,
        fix: keychainFix(keychain.name),
        transient: true,
      },
    });
  }
  if (isClawauthError(error) && error.code === ERROR_CODES.KEYCHAIN_UNAVAILABLE) {
    if (typeof error.details.backend === "string") return error;
  }
  return keychainUnavailable({ backend: keychain.name, reason, ...options, cause: error });
}

/**
 * The keychain that holds a secret recorded in `recorded` (undefined: recorded before backends
 * were recorded, so this run's keychain). Throws `keychain_unavailable` when it cannot be
 * reached from this run.
 */
export async function recordedKeychain(
  current: Keychain,
  recorded: string | undefined,
  options: { stateDir: string; subject?: string; env?: Record<string, string | undefined> },
): Promise<Keychain> {
  if (recorded === undefined || recorded === current.name) return current;
  if (recorded === "file") {
    const { FileKeychain } = await import("./file.ts");
    return new FileKeychain({ path: join(options.stateDir, "credentials.json") });
  }
  if (current.fallbackFrom?.backend === recorded) {
    throw keychainUnavailable({
      backend: recorded,
      reason: current.fallbackFrom.reason,
      subject: options.subject,
    });
  }
  const chosen = options.env?.CLAWAUTH_KEYCHAIN?.trim();
  throw keychainUnavailable({
    backend: recorded,
    reason: `this run uses the ${current.name} keychain${
      chosen ? ` (CLAWAUTH_KEYCHAIN=${chosen})` : ""
    }, not the ${recorded} one`,
    subject: options.subject,
    fix: recorded === "memory"
      ? keychainFix("memory")
      : `${chosen ? "unset CLAWAUTH_KEYCHAIN or " : ""}set CLAWAUTH_KEYCHAIN=${recorded}`,
  });
}
