/**
 * `token_not_found` for `token get|env|refresh`: suggests `login start <provider>` only for a
 * provider that exists (the server's list, else the built-in one, plus operator-defined
 * providers in CLAWAUTH_PROVIDERS); for any other name it points at `clawauth providers` and
 * the stored profiles instead of a login that cannot work.
 */
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import type { CliContext } from "../context.ts";
import { listProfileMeta } from "../store/profiles.ts";

function customProviderNames(env: Record<string, string | undefined>): string[] {
  try {
    const list = JSON.parse(env.CLAWAUTH_PROVIDERS ?? "[]");
    return Array.isArray(list)
      ? list.map((entry) => entry?.name).filter((name): name is string => typeof name === "string")
      : [];
  } catch {
    return [];
  }
}

/** The `token_not_found` error for a provider with nothing stored (see the module comment). */
export async function providerTokenNotFound(
  ctx: CliContext,
  provider: string,
): Promise<ClawauthError> {
  const { supportedProviderNames } = await import("../commands/providers.ts");
  const known = new Set([
    ...await supportedProviderNames(ctx),
    ...customProviderNames(ctx.env),
  ]);
  const stored = (await listProfileMeta(ctx.stateDir).catch(() => [])).map((meta) => meta.id);
  const storedText = stored.length > 0
    ? `stored profiles: ${stored.join(", ")}`
    : "nothing is stored on this machine";
  if (known.has(provider)) {
    const fix = `clawauth login start ${provider}`;
    return new ClawauthError(
      ERROR_CODES.TOKEN_NOT_FOUND,
      `no token stored for ${provider}; log in with: ${fix} (${storedText}; see: clawauth token list)`,
      { details: { provider, storedProfiles: stored, fix } },
    );
  }
  return new ClawauthError(
    ERROR_CODES.TOKEN_NOT_FOUND,
    `no token stored for ${
      JSON.stringify(provider)
    }, and it is not a provider the server at ${ctx.serverUrl} (or the built-in list) knows: check the name with \`clawauth providers\` (${storedText})`,
    { details: { provider, storedProfiles: stored, fix: "clawauth providers" } },
  );
}
