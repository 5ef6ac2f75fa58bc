/**
 * Chooses the keychain backend, in one place.
 *
 * `CLAWAUTH_KEYCHAIN=macos|linux|windows|file|memory` overrides; otherwise macOS → `security`,
 * Windows → Credential Manager, Linux (and other Unix) → `secret-tool`, probed with a
 * harmless lookup. When the probe fails the 0600 file backend is used and a notice goes to
 * stderr on every run: falling back is never silent. The file backend chosen explicitly is
 * announced too, so nobody forgets their secrets sit in a file.
 *
 * Test hooks: `CLAWAUTH_KEYCHAIN_COMMAND` replaces the platform tool (a stand-in executable),
 * `CLAWAUTH_KEYCHAIN_TIMEOUT_MS` the time limit of each call.
 */
import { join } from "../path.ts";
import { ClawauthError } from "../../shared/errors.ts";
import type { Keychain } from "./keychain.ts";
import { type CommandRunner, definedEnv, type ShellKeychainOptions } from "./run_command.ts";
import { FileKeychain } from "./file.ts";
import { LinuxKeychain } from "./linux.ts";

// Loaded only on their platform (or when asked for): every CLI start pays for what it imports.
const macos = async (options: ShellKeychainOptions) =>
  new (await import("./macos.ts")).MacosKeychain(options);
const windows = async (options: ShellKeychainOptions) =>
  new (await import("./windows.ts")).WindowsKeychain(options);

/** Options of {@linkcode selectKeychain}. */
export interface SelectKeychainOptions {
  env: Record<string, string | undefined>;
  os?: typeof Deno.build.os;
  stateDir: string;
  stderr: (text: string) => void;
  runner?: CommandRunner;
}

export const KEYCHAIN_BACKENDS = ["macos", "linux", "windows", "file", "memory"] as const;
const PROBE_TIMEOUT_MS = 5_000;

/** The file backend's path inside a state directory. */
export function credentialsFilePath(stateDir: string): string {
  return join(stateDir, "credentials.json");
}

/** Picks and constructs the keychain backend (see the module comment). */
export async function selectKeychain(options: SelectKeychainOptions): Promise<Keychain> {
  const { env, os = Deno.build.os, stateDir, stderr, runner } = options;
  const requested = env.CLAWAUTH_KEYCHAIN?.trim().toLowerCase() || undefined;
  const timeoutText = env.CLAWAUTH_KEYCHAIN_TIMEOUT_MS?.trim();
  let timeoutMs: number | undefined;
  if (timeoutText) {
    timeoutMs = Number(timeoutText);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new ClawauthError(
        "usage",
        `CLAWAUTH_KEYCHAIN_TIMEOUT_MS must be a positive integer: current value is '${timeoutText}'`,
      );
    }
  }
  const shellOptions: ShellKeychainOptions = {
    command: env.CLAWAUTH_KEYCHAIN_COMMAND?.trim() || undefined,
    env: definedEnv(env),
    timeoutMs,
    runner,
  };
  const filePath = credentialsFilePath(stateDir);

  switch (requested) {
    case "macos":
      return await macos(shellOptions);
    case "linux":
      return new LinuxKeychain(shellOptions);
    case "windows":
      return await windows(shellOptions);
    case "memory":
      return new (await import("./memory.ts")).MemoryKeychain();
    case "file":
      stderr(
        `clawauth: notice: secrets are stored in the file ${filePath} (mode 0600), ` +
          `not in an OS keychain, because CLAWAUTH_KEYCHAIN=file\n`,
      );
      return new FileKeychain({ path: filePath });
    case undefined:
      break;
    default:
      throw new ClawauthError(
        "usage",
        `CLAWAUTH_KEYCHAIN must be one of ${
          KEYCHAIN_BACKENDS.join(", ")
        }: current value is '${env.CLAWAUTH_KEYCHAIN}'`,
      );
  }

  if (os === "darwin") return await macos(shellOptions);
  if (os === "windows") return await windows(shellOptions);

  const linux = new LinuxKeychain({
    ...shellOptions,
    timeoutMs: Math.min(timeoutMs ?? PROBE_TIMEOUT_MS, PROBE_TIMEOUT_MS),
  });
  const problem = await linux.probe();
  if (problem === null) return new LinuxKeychain(shellOptions);
  stderr(
    `clawauth: WARNING: no usable OS keychain (Secret Service via secret-tool: ${problem}).\n` +
      `clawauth: WARNING: new secrets are stored in the file ${filePath} (mode 0600) instead; ` +
      `secrets already in the Secret Service stay there (keychain_unavailable until it is reachable).\n` +
      `clawauth: WARNING: install libsecret-tools and a Secret Service (e.g. gnome-keyring), ` +
      `or set CLAWAUTH_KEYCHAIN=file to choose the file on purpose.\n`,
  );
  return new FileKeychain({ path: filePath, fallbackFrom: { backend: "linux", reason: problem } });
}
