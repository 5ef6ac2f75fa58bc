/**
 * The public-client provider definition a `login local` profile refreshes with, saved beside
 * the profile's metadata at login time (`<stateDir>/local_clients/<provider>/<name>.json`,
 * 0600). Refresh uses this snapshot instead of re-reading CLAWAUTH_PROVIDERS, so an agent
 * process started without that variable can still refresh. Holds no secret: a public client
 * has none.
 */

import type { ProviderSettings, ProviderSpec } from "../../providers/types.ts";
import { readJsonFile, writeFileAtomic } from "../store/atomic_write.ts";

/** Saved definition of one local profile's client. */
export interface LocalClientConfig {
  version: 1;
  spec: ProviderSpec;
  /** Settings at login time; `clientSecret` is always empty (public client). */
  settings: ProviderSettings;
}

/** Path of a profile's saved client definition. */
export function localClientPath(stateDir: string, profileId: string): string {
  const [provider, name] = splitId(profileId);
  return `${stateDir}/local_clients/${provider}/${name}.json`;
}

function splitId(profileId: string): [string, string] {
  const at = profileId.indexOf(":");
  const provider = profileId.slice(0, at);
  const name = profileId.slice(at + 1);
  // Ids are validated by parseProfileId before they reach here; refuse anything path-like anyway.
  if (
    at <= 0 || !/^[a-z0-9_-]+$/.test(provider) || !/^[A-Za-z0-9._-]+$/.test(name) ||
    name.startsWith(".")
  ) {
    throw new TypeError(`not a profile id: ${JSON.stringify(profileId)}`);
  }
  return [provider, name];
}

/** Saves the client definition of a local profile. */
export async function writeLocalClient(
  stateDir: string,
  profileId: string,
  input: { spec: ProviderSpec; settings: ProviderSettings },
): Promise<void> {
  const config: LocalClientConfig = {
    version: 1,
    spec: input.spec,
    settings: { ...input.settings, clientSecret: "" },
  };
  await writeFileAtomic(localClientPath(stateDir, profileId), JSON.stringify(config, null, 2), {
    mode: 0o600,
  });
}

/** Reads a local profile's client definition, or `null` when none was saved or it is malformed. */
export async function readLocalClient(
  stateDir: string,
  profileId: string,
): Promise<LocalClientConfig | null> {
  const value = await readJsonFile(localClientPath(stateDir, profileId)) as
    | Partial<LocalClientConfig>
    | null;
  if (
    value === null || typeof value !== "object" || value.version !== 1 ||
    typeof value.spec?.tokenUrl !== "string" || typeof value.settings?.clientId !== "string" ||
    typeof value.settings?.tokenUrl !== "string"
  ) {
    return null;
  }
  return value as LocalClientConfig;
}

/** Removes a local profile's client definition (no error when there is none). */
export async function removeLocalClient(stateDir: string, profileId: string): Promise<void> {
  try {
    await Deno.remove(localClientPath(stateDir, profileId));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
