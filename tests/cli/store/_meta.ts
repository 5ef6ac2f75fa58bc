import type { ProfileMeta } from "../../../cli/store/types.ts";

/** A valid ProfileMeta for `provider:name` with the given times. */
export function makeMeta(
  id: string,
  times: { createdAt?: number; updatedAt?: number; lastUsedAt?: number } = {},
): ProfileMeta {
  const [provider, name] = id.split(":");
  return {
    id,
    provider,
    name,
    type: "oauth",
    origin: "delegated",
    hasRefreshToken: true,
    keychainService: "clawauth",
    keychainAccount: id,
    createdAt: times.createdAt ?? 1,
    updatedAt: times.updatedAt ?? 1,
    ...(times.lastUsedAt !== undefined ? { lastUsedAt: times.lastUsedAt } : {}),
    refresh: { state: "idle" },
  };
}

export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-store-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
