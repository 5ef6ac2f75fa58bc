/**
 * Finds a provider and its settings for a request: unknown → 501 with the supported list
 * (the 0.4 body), not configured on this server → 503 naming the environment variables to set.
 */

import { resolveProviderSettings } from "../providers/settings.ts";
import type { ConfiguredProvider } from "../providers/types.ts";
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";
import type { AppServices } from "./services.ts";

/** Options of {@linkcode lookupProvider}. */
export interface LookupProviderOptions {
  /** Public origin (and path prefix) of the server, for the default redirect URI. */
  baseUrl: string;
}

export function lookupProvider(
  services: AppServices,
  name: string,
  options: LookupProviderOptions,
): ConfiguredProvider {
  const spec = services.registry.get(name);
  if (spec === undefined) {
    throw new ClawauthError(
      ERROR_CODES.UNKNOWN_PROVIDER,
      `provider '${name}' is not implemented on this server`,
      {
        status: 501,
        details: {
          status: "not_implemented",
          requestedProvider: name,
          supportedProviders: services.registry.names(),
        },
      },
    );
  }
  const resolved = resolveProviderSettings(spec, {
    env: services.config.env,
    origin: options.baseUrl,
    overrides: services.providerOverrides[name],
    defaultRedirectUri: `${options.baseUrl}/callback/${name}`,
  });
  if (!resolved.ok) {
    throw new ClawauthError(
      ERROR_CODES.PROVIDER_NOT_CONFIGURED,
      `provider '${name}' is not configured on this server: the operator must set ${
        resolved.missing.join(" and ")
      }`,
      { status: 503, details: { provider: name, missing: resolved.missing } },
    );
  }
  return { spec, settings: resolved.settings };
}

/** The base URL links and the redirect URI use: `PUBLIC_BASE_URL`, else the request origin. */
export function baseUrlOf(services: AppServices, requestUrl: string): string {
  return services.config.publicBaseUrl ?? new URL(requestUrl).origin;
}
