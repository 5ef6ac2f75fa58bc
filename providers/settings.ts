/**
 * Resolves one provider's per-deployment settings (client id and secret, redirect URI,
 * endpoint overrides) from the environment and the operator's provider config.
 *
 * Precedence, per field: environment > `overrides` (custom provider JSON) > spec defaults.
 * The environment wins so an operator can keep a secret out of the JSON file and can
 * repoint one field of a deployment without editing shared config. An empty environment
 * value counts as unset.
 *
 * Environment names (the clawauth 0.4 worker's): `<PREFIX>_CLIENT_ID`,
 * `<PREFIX>_CLIENT_SECRET`, `<PREFIX>_REDIRECT_URI` (default `${origin}/callback`),
 * `<PREFIX>_AUTH_URL`, `<PREFIX>_TOKEN_URL`, where PREFIX is the provider name upper-cased
 * with every character outside `[A-Z0-9]` replaced by `_`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2 (client registration)
 */

import type { ProviderSettings, ProviderSpec } from "./types.ts";

/**
 * Inputs of {@linkcode resolveProviderSettings}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 */
export interface ResolveSettingsOptions {
  env: Record<string, string | undefined>;
  /** The server's public origin (`https://auth.example.com`), for the default redirect URI. */
  origin: string;
  /** Settings from the operator's provider JSON; the environment overrides them. */
  overrides?: Partial<ProviderSettings>;
  /**
   * Redirect URI when neither the environment nor `overrides` set one; default
   * `${origin}/callback`. The server passes `${origin}/callback/<provider>` (one redirect
   * URI per provider, RFC 9700 §4.4.2).
   */
  defaultRedirectUri?: string;
}

/**
 * Result of {@linkcode resolveProviderSettings}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 */
export type ResolveSettingsResult =
  | { ok: true; settings: ProviderSettings }
  | {
    ok: false;
    /** Environment names that must be set (`GITHUB_CLIENT_ID`). */
    missing: string[];
  };

/**
 * The environment-name prefix of a provider: `my-idp` → `MY_IDP`.
 *
 * @see ./settings.ts module doc
 */
export function envPrefix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/**
 * Names of the environment variables a provider reads, in a stable order.
 *
 * @see ./settings.ts module doc
 */
export function providerEnvNames(name: string): {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  authorizeUrl: string;
  tokenUrl: string;
  refreshUrl: string;
  revokeUrl: string;
  userinfoUrl: string;
} {
  const prefix = envPrefix(name);
  return {
    clientId: `${prefix}_CLIENT_ID`,
    clientSecret: `${prefix}_CLIENT_SECRET`,
    redirectUri: `${prefix}_REDIRECT_URI`,
    authorizeUrl: `${prefix}_AUTH_URL`,
    tokenUrl: `${prefix}_TOKEN_URL`,
    refreshUrl: `${prefix}_REFRESH_URL`,
    revokeUrl: `${prefix}_REVOKE_URL`,
    userinfoUrl: `${prefix}_USERINFO_URL`,
  };
}

/**
 * Resolves the settings of `spec` (env > overrides > spec defaults). Fails with the list of
 * missing environment names when the client id (or, unless `spec.clientAuth` is `none`, the
 * client secret) is set nowhere.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function resolveProviderSettings(
  spec: ProviderSpec,
  options: ResolveSettingsOptions,
): ResolveSettingsResult {
  const { env, origin, overrides = {}, defaultRedirectUri } = options;
  const names = providerEnvNames(spec.name);
  const pick = (envName: string, override: string | undefined): string | undefined => {
    const fromEnv = env[envName];
    if (typeof fromEnv === "string" && fromEnv !== "") return fromEnv;
    if (typeof override === "string" && override !== "") return override;
    return undefined;
  };

  const clientId = pick(names.clientId, overrides.clientId);
  const clientSecret = pick(names.clientSecret, overrides.clientSecret);
  const missing: string[] = [];
  if (clientId === undefined) missing.push(names.clientId);
  if (clientSecret === undefined && spec.clientAuth !== "none") missing.push(names.clientSecret);
  if (missing.length > 0) return { ok: false, missing };

  const settings: ProviderSettings = {
    clientId: clientId!,
    clientSecret: clientSecret ?? "",
    redirectUri: pick(names.redirectUri, overrides.redirectUri) ?? defaultRedirectUri ??
      `${origin.replace(/\/+$/, "")}/callback`,
    authorizeUrl: pick(names.authorizeUrl, overrides.authorizeUrl) ?? spec.authorizeUrl,
    tokenUrl: pick(names.tokenUrl, overrides.tokenUrl) ?? spec.tokenUrl,
  };
  // Only an explicit setting: token_request falls back to spec.refreshUrl unless tokenUrl moved.
  const refreshUrl = pick(names.refreshUrl, overrides.refreshUrl);
  const revokeUrl = pick(names.revokeUrl, overrides.revokeUrl) ?? spec.revoke?.url;
  const userinfoUrl = pick(names.userinfoUrl, overrides.userinfoUrl) ?? spec.userinfoUrl;
  if (refreshUrl !== undefined) settings.refreshUrl = refreshUrl;
  if (revokeUrl !== undefined) settings.revokeUrl = revokeUrl;
  if (userinfoUrl !== undefined) settings.userinfoUrl = userinfoUrl;
  return { ok: true, settings };
}
