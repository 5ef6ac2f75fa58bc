/**
 * `clawauth providers`: the providers the server supports (`GET /providers`, plus details from
 * `GET /v1/providers` when the server has that route). When the server cannot be reached, the
 * CLI's built-in list with a notice: the server's answer is the truth, the list is a hint.
 *
 *   clawauth providers
 *   clawauth providers --json      # { action, source, serverUrl, providers: [names], details: [...] }
 *   clawauth providers --server http://127.0.0.1:8787 --json
 */
import { ERROR_CODES, isClawauthError } from "../../shared/errors.ts";
import { parseCommandArgs } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import { createServerClient, insecureHttpAllowed, type ProviderDetail } from "../server_client.ts";

export const PROVIDERS_USAGE = `Usage: clawauth providers [--server <url>] [--json]

Lists the providers the clawauth server supports. Always prefer the server's answer;
when the server cannot be reached, the CLI's built-in list is shown with a notice
(JSON: "source": "builtin" and a "notice").

JSON fields: action ("providers"), source ("server" | "builtin"), serverUrl,
providers (names), details (per provider: name, displayName, configured, pkce,
refresh, defaultScopes, as far as the server reports them), notice (only when builtin).

Examples:
  clawauth providers
  clawauth providers --json
`;

/** Time limit for the provider list (an agent asks it to recover from a mistake: answer fast). */
const PROVIDERS_TIMEOUT_MS = 10_000;

/** The built-in provider list, for when the server cannot be reached. */
export async function builtinProviderDetails(): Promise<ProviderDetail[]> {
  const { BUILTIN_PROVIDERS } = await import("../../providers/builtin.ts");
  return BUILTIN_PROVIDERS.map((spec) => ({
    name: spec.name,
    displayName: spec.displayName,
    pkce: spec.pkce,
    refresh: spec.refresh.supported,
    defaultScopes: [...spec.defaultScopes],
  }));
}

/**
 * Provider names for a hint in an error message: the server's list, else the built-in one.
 * Never throws.
 */
export async function supportedProviderNames(ctx: CliContext): Promise<string[]> {
  const client = createServerClient({
    serverUrl: ctx.serverUrl,
    fetch: ctx.fetch,
    now: ctx.now,
    timeoutMs: 5_000,
    allowInsecureHttp: insecureHttpAllowed(ctx.env),
  });
  try {
    return await client.providers();
  } catch {
    return (await builtinProviderDetails()).map((detail) => detail.name);
  }
}

function describe(detail: ProviderDetail): string {
  const parts: string[] = [];
  if (typeof detail.displayName === "string") parts.push(detail.displayName);
  if (detail.configured === false) parts.push("not configured on this server");
  if (typeof detail.pkce === "string" && detail.pkce !== "none") parts.push(`pkce ${detail.pkce}`);
  const refresh = typeof detail.refresh === "object" && detail.refresh !== null
    ? (detail.refresh as { supported?: unknown }).supported
    : detail.refresh;
  if (refresh === true) parts.push("refresh");
  return parts.length ? `  (${parts.join(", ")})` : "";
}

/** `clawauth providers`. */
export async function runProviders(argv: string[], ctx: CliContext): Promise<CommandResult> {
  parseCommandArgs(argv, { command: "providers", flags: {}, positionals: [], required: 0 });
  const client = createServerClient({
    serverUrl: ctx.serverUrl,
    fetch: ctx.fetch,
    now: ctx.now,
    timeoutMs: PROVIDERS_TIMEOUT_MS,
    allowInsecureHttp: insecureHttpAllowed(ctx.env),
  });

  let providers: string[];
  let details: ProviderDetail[] = [];
  let source: "server" | "builtin" = "server";
  let notice: string | undefined;
  const [names, more] = await Promise.allSettled([client.providers(), client.providerDetails()]);
  if (names.status === "fulfilled") {
    providers = names.value;
    if (more.status === "fulfilled") {
      const byName = new Map(more.value.map((detail) => [detail.name, detail]));
      details = providers.map((name) => byName.get(name) ?? { name });
    } else {
      details = providers.map((name) => ({ name }));
    }
  } else {
    const reason = names.reason;
    const unreachable = isClawauthError(reason) &&
      (reason.code === ERROR_CODES.SERVER_UNREACHABLE || reason.status >= 500 ||
        reason.status === 404);
    if (!unreachable) throw reason;
    source = "builtin";
    details = await builtinProviderDetails();
    providers = details.map((detail) => detail.name);
    notice = `could not get the provider list from ${ctx.serverUrl} (${
      isClawauthError(reason) ? reason.message : String(reason)
    }); showing the CLI's built-in list, which may differ from what the server supports`;
    ctx.stderr(`clawauth: notice: ${notice}\n`);
  }

  const data: Record<string, unknown> = {
    action: "providers",
    source,
    serverUrl: ctx.serverUrl,
    providers,
    details,
  };
  if (notice) data.notice = notice;
  const human = [
    source === "server"
      ? `Providers supported by ${ctx.serverUrl}:`
      : "Built-in provider list (server unreachable):",
    ...details.map((detail) => `- ${detail.name}${describe(detail)}`),
    "",
    "Start a login with: clawauth login start <provider>",
  ].join("\n");
  return { data, human };
}
