/**
 * Last resort when a claimed token could not be stored: the decrypted token response goes to
 * a 0600 file (directory 0700) so it is not lost, and the caller prints where it is.
 */
import { join } from "../path.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { checkStateTree } from "./trusted_path.ts";

/** What a recovery file holds. */
export interface RecoveryInput {
  provider: string;
  profile: string;
  tokenData: unknown;
  /** Epoch ms (default: now). */
  now?: number;
}

const SAFE = /[^A-Za-z0-9._-]/g;

/**
 * Writes `<stateDir>/recovery/<provider>-<profile>-<time>-<random>.json` (mode 0600) and
 * returns its path. When the state directory cannot be written either, the file goes to a
 * fresh 0700 temporary directory instead: the token must not be lost.
 */
export async function writeRecoveryFile(stateDir: string, input: RecoveryInput): Promise<string> {
  const now = input.now ?? Date.now();
  const stamp = new Date(now).toISOString().replace(/[:.]/g, "-");
  const random = Array.from(
    crypto.getRandomValues(new Uint8Array(4)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const name = `${input.provider.replace(SAFE, "_")}-${
    input.profile.replace(SAFE, "_")
  }-${stamp}-${random}.json`;
  const content = JSON.stringify(
    {
      note: "clawauth could not store this token in the keychain. Keep this file private; " +
        "store the token again (for example with 'clawauth token paste') and delete this file.",
      provider: input.provider,
      profile: input.profile,
      savedAt: new Date(now).toISOString(),
      tokenData: input.tokenData,
    },
    null,
    2,
  ) + "\n";
  const path = join(stateDir, "recovery", name);
  try {
    await checkStateTree(stateDir, path);
    await writeFileAtomic(path, content, { mode: 0o600 });
    return path;
  } catch (error) {
    let fallback: string;
    try {
      fallback = join(await Deno.makeTempDir({ prefix: "clawauth-recovery-" }), name);
      await writeFileAtomic(fallback, content, { mode: 0o600 });
    } catch {
      throw error;
    }
    return fallback;
  }
}
