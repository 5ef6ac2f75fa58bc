/**
 * Refresh of `login local` tokens: directly at the provider with the public-client definition
 * `login local` saved (or, for older records, the user's CLAWAUTH_PROVIDERS).
 */
import { loadCustomProviders } from "../../providers/custom.ts";
import { createRegistry } from "../../providers/registry.ts";
import { resolveProviderSettings } from "../../providers/settings.ts";
import { tokenRequest } from "../../providers/token_request.ts";
import type { ProviderSettings, ProviderSpec } from "../../providers/types.ts";
import { ERROR_CODES } from "../../shared/errors.ts";
import type { CliContext } from "../context.ts";
import type { CredentialRecord, ProfileMeta } from "../store/types.ts";
import type { GrantOutcome } from "./delegated_refresh.ts";
import { readLocalClient } from "./local_client.ts";

/** Refreshes a `login local` token directly at the provider with its public client. */
export async function refreshAtProvider(
  ctx: CliContext,
  record: CredentialRecord,
): Promise<GrantOutcome> {
  const { meta, secret } = record;
  const refreshToken = secret.refresh_token!;
  {
    const client = await localClientFor(ctx, meta);
    if (client === null) {
      return {
        ok: false,
        kind: "failed",
        code: ERROR_CODES.PROVIDER_NOT_CONFIGURED,
        message:
          `the public-client definition of ${meta.provider} saved by login local is missing and CLAWAUTH_PROVIDERS does not define it`,
      };
    }
    const settings = {
      ...client.settings,
      tokenUrl: client.spec.refreshUrl ?? client.settings.tokenUrl,
    };
    const result = await tokenRequest(client.spec, settings, {
      type: "refresh_token",
      refreshToken,
    }, { fetch: ctx.fetch });
    if (result.ok) return validateTokenData(result.tokenData);
    return {
      ok: false,
      kind: result.error === "invalid_grant"
        ? "invalid_grant"
        : result.transient
        ? "transient"
        : "failed",
      code: result.error,
      message: `${result.error}: ${result.description}`,
    };
  }
}

function validateTokenData(tokenData: Record<string, unknown>): GrantOutcome {
  if (typeof tokenData.access_token !== "string" || tokenData.access_token === "") {
    return {
      ok: false,
      kind: "failed",
      code: ERROR_CODES.REFRESH_FAILED,
      message: "the refresh answer has no access_token",
    };
  }
  return { ok: true, tokenData };
}

async function localClientFor(
  ctx: CliContext,
  meta: ProfileMeta,
): Promise<{ spec: ProviderSpec; settings: ProviderSettings } | null> {
  const saved = await readLocalClient(ctx.stateDir, meta.id);
  if (saved !== null) return saved;
  // Older or hand-made records: fall back to the user's provider config.
  try {
    const loaded = await loadCustomProviders({ env: ctx.env, fetch: ctx.fetch });
    const spec = createRegistry(loaded.specs).get(meta.provider);
    if (spec === undefined) return null;
    const resolved = resolveProviderSettings(spec, {
      env: ctx.env,
      origin: "http://127.0.0.1",
      overrides: loaded.overrides[meta.provider],
    });
    return resolved.ok ? { spec, settings: resolved.settings } : null;
  } catch {
    return null;
  }
}
