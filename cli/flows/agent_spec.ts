/**
 * What `exec`, `api` and the MCP server need to know about a provider: the environment names
 * its own tools read (`toolEnv`) and its API (`baseUrl` and the only hosts a token may go to).
 *
 * Trust: these come only from sources on the agent's machine, never from the clawauth server
 * (the threat model allows a compromised server; it must not be able to widen where tokens go):
 *   1. the builtin registry compiled into the CLI (`providers/builtin.ts`);
 *   2. the operator's provider config on this machine (`CLAWAUTH_PROVIDERS` /
 *      `CLAWAUTH_PROVIDERS_FILE`, fields `api` and `toolEnv`), which replaces a builtin entry;
 *   3. `CLAWAUTH_API_BASE_<PREFIX>` (replaces the base URL; its host is allowed) and
 *      `CLAWAUTH_API_HOSTS_<PREFIX>` (comma-separated hosts added to the list).
 * Whoever can set this process's environment can already read the keychain (`token get`), so
 * these settings give nothing new to a local attacker; a model talking to the MCP server cannot
 * set them at all (the MCP client fixes the server's environment at launch).
 */
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import type { ApiSpec } from "../../providers/types.ts";
import type { CliContext } from "../context.ts";

/** The parts of a provider spec that `exec` / `api` use. */
export interface AgentSpec {
  provider: string;
  /** Where the spec came from (for messages). */
  source: "builtin" | "custom" | "none";
  toolEnv: string[];
  api?: ApiSpec;
}

/** `GITHUB` from `github`; a name that would start with a digit gets a leading `_`. */
export function envPrefix(provider: string): string {
  const upper = provider.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
  return /^[0-9]/.test(upper) ? `_${upper}` : upper;
}

/** Env var that replaces a provider's API base URL. */
export function apiBaseEnvName(provider: string): string {
  return `CLAWAUTH_API_BASE_${envPrefix(provider)}`;
}

/** Env var that adds hosts to a provider's API host list. */
export function apiHostsEnvName(provider: string): string {
  return `CLAWAUTH_API_HOSTS_${envPrefix(provider)}`;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** True for an `https:` URL, or `http:` on a loopback host; no credentials in the URL. */
export function isTokenSafeUrl(url: URL): boolean {
  if (url.username !== "" || url.password !== "") return false;
  return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
}

const HOST_PATTERN = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/;

function envApi(ctx: CliContext, provider: string, api: ApiSpec | undefined): ApiSpec | undefined {
  const baseName = apiBaseEnvName(provider);
  const hostsName = apiHostsEnvName(provider);
  const base = ctx.env[baseName]?.trim();
  const hostsText = ctx.env[hostsName]?.trim();
  let result = api ? { ...api, hosts: [...api.hosts] } : undefined;
  if (base) {
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw new ClawauthError(
        ERROR_CODES.API_NOT_CONFIGURED,
        `${baseName} must be an absolute URL: got ${JSON.stringify(base.slice(0, 80))}`,
      );
    }
    if (!isTokenSafeUrl(url)) {
      throw new ClawauthError(
        ERROR_CODES.API_NOT_CONFIGURED,
        `${baseName} must be an https URL (http only on loopback), without credentials: got ${
          JSON.stringify(`${url.protocol}//${url.host}`)
        }`,
      );
    }
    const hosts = result?.hosts.filter((host) => host !== url.host) ?? [];
    result = { ...result, baseUrl: url.href, hosts: [url.host, ...hosts] };
  }
  if (hostsText) {
    if (!result) {
      throw new ClawauthError(
        ERROR_CODES.API_NOT_CONFIGURED,
        `${hostsName} is set but ${provider} has no API base URL: set ${baseName} too`,
      );
    }
    for (const raw of hostsText.split(",")) {
      const host = raw.trim().toLowerCase();
      if (host === "") continue;
      if (!HOST_PATTERN.test(host)) {
        throw new ClawauthError(
          ERROR_CODES.API_NOT_CONFIGURED,
          `${hostsName} must be a comma-separated list of host names (host or host:port): got ${
            JSON.stringify(raw.trim().slice(0, 80))
          }`,
        );
      }
      if (!result.hosts.includes(host)) result.hosts.push(host);
    }
  }
  return result;
}

/**
 * Resolves a provider's `toolEnv` and `api` from the builtin registry, the local provider
 * config and the local `CLAWAUTH_API_*_<PREFIX>` settings (never from the server).
 */
export async function resolveAgentSpec(ctx: CliContext, provider: string): Promise<AgentSpec> {
  const [{ BUILTIN_PROVIDERS }, { loadCustomProviders }] = await Promise.all([
    import("../../providers/builtin.ts"),
    import("../../providers/custom.ts"),
  ]);
  let spec = BUILTIN_PROVIDERS.find((entry) => entry.name === provider);
  let source: AgentSpec["source"] = spec ? "builtin" : "none";
  if (ctx.env.CLAWAUTH_PROVIDERS?.trim() || ctx.env.CLAWAUTH_PROVIDERS_FILE?.trim()) {
    const loaded = await loadCustomProviders({ env: ctx.env, fetch: ctx.fetch });
    const custom = loaded.specs.filter((entry) => entry.name === provider).at(-1);
    if (custom) {
      spec = custom;
      source = "custom";
    }
  }
  const api = envApi(ctx, provider, spec?.api);
  return {
    provider,
    source,
    toolEnv: [...(spec?.toolEnv ?? [])],
    ...(api ? { api } : {}),
  };
}
