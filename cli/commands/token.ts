/**
 * `clawauth token list|get|env`: reading stored credentials. `get` and `env` return a valid
 * token, refreshing it first when it is about to expire (cli/flows/refresh.ts). The other
 * `token` subcommands live in token_manage.ts.
 *
 *   clawauth token list --json                  # metadata only, never a secret
 *   clawauth token get github --json            # token.access_token, token.refresh_token, ...
 *   eval "$(clawauth token env github)"         # CLAWAUTH_ACCESS_TOKEN, GITHUB_ACCESS_TOKEN, ...
 */
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { parseCommandArgs, parseProfileName, parseProviderName, usageError } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import { parseProfileId } from "../store/profiles.ts";
import type { CredentialRecord, ProfileMeta } from "../store/types.ts";

export const TOKEN_USAGE = `Usage: clawauth token <command> [options] [--json]

  list                  stored profiles (metadata only, never a secret)
  get [provider]        a valid access token (refreshed first when about to expire)
  env [provider]        the token as shell \`export\` lines, safe to eval
  status [provider]     ok | expiring | expired | static | missing | needs-login (--check for exit codes)
  refresh [provider]    refresh now
  rm <provider>         remove a stored profile
  order get|set|clear   selection order of a provider's profiles
  paste <provider>      store a token or API key read from stdin
  setup-token anthropic store a Claude Code setup-token (hidden prompt on a terminal)
  import openclaw|codex import credentials from OpenClaw or the Codex CLI

Profiles: \`--profile <name>\` (or provider:name) picks an account; without it, the
provider's order (\`token order\`), else the profile used last.

Examples:
  clawauth token list --json
  clawauth token get github --json
  eval "$(clawauth token env github)"
`;

export const TOKEN_LIST_USAGE = `Usage: clawauth token list [provider] [--json]

Lists stored credentials: metadata only, never a secret.

JSON fields: action ("list"), tokens: [{ account (keychain account, e.g. "github:default"),
provider, profile (id), type (oauth | token | api_key), origin (delegated | local | pasted),
expires_at, has_refresh_token, scope, identity, keychainBackend (the keychain holding the
secret: linux | macos | windows | file | memory), keychainService, token_saved_at,
last_used_at, refresh_state }].

Examples:
  clawauth token list --json
  clawauth token list github
`;

export const TOKEN_GET_USAGE =
  `Usage: clawauth token get [provider] [--profile <name>] [--raw | --json]

Prints a valid access token for the provider (or the profile used last when no provider is
given), refreshing it first when it expires within about 5 minutes. Do not show the
token to users.

--raw   print only the access token and a newline (like \`gh auth token\`), for
        TOKEN="$(clawauth token get github --raw)"; errors still go to stderr, exit 1

JSON fields: action ("get"), account (keychain account, e.g. "github:default"), profile (id),
token { provider, access_token, refresh_token, token_type, expires_at, scope, type },
token_saved_at, expires_at.

Errors: token_not_found, needs_login (the message names the command to run),
transient_error (refresh failed for now; retry later), keychain_unavailable (the keychain
holding it cannot be reached: the token is not missing; see error.fix).

Examples:
  clawauth token get notion --json
  curl -H "Authorization: Bearer $(clawauth token get github --raw)" https://api.github.com/user
  clawauth token get github --profile work --json
`;

export const TOKEN_ENV_USAGE = `Usage: clawauth token env [provider] [--profile <name>] [--json]

Prints shell \`export\` lines for the token, single-quoted so they are safe to eval
whatever characters the token holds:
  CLAWAUTH_PROVIDER, CLAWAUTH_ACCESS_TOKEN, CLAWAUTH_REFRESH_TOKEN (when there is one),
  CLAWAUTH_TOKEN_TYPE, <PROVIDER>_ACCESS_TOKEN
Use it only when a command needs the token in its environment, in that command's shell:
  ( eval "$(clawauth token env github)"; gh api user )

JSON fields: action ("env"), account, profile (id), variables { NAME: value }.

Examples:
  eval "$(clawauth token env github)"
  clawauth token env github --json
`;

function providerArg(value: string): string {
  return value.includes(":") ? parseProfileId(value).id : parseProviderName(value);
}

function profileArg(value: string): string {
  return value.includes(":") ? parseProfileId(value).id : parseProfileName(value);
}

function iso(ms: number | undefined): string | null {
  return typeof ms === "number" && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** Parsed `token get` / `token env` arguments. */
export interface TokenSelectArgs {
  provider?: string;
  profile?: string;
}

/** Parses `token get|env [provider] [--profile <name>]` (and `--raw` for `token get`). */
export function parseTokenSelectArgs(
  argv: string[],
  command: string,
): TokenSelectArgs & { raw?: boolean } {
  const { flags, positionals } = parseCommandArgs(argv, {
    command,
    flags: {
      profile: { type: "string", value: "name" },
      ...(command === "token get" ? { raw: { type: "boolean" as const } } : {}),
    },
    positionals: ["provider"],
    required: 0,
  });
  return {
    ...(positionals[0] !== undefined ? { provider: providerArg(positionals[0]) } : {}),
    ...(typeof flags.profile === "string" ? { profile: profileArg(flags.profile) } : {}),
    ...(flags.raw === true ? { raw: true } : {}),
  };
}

async function validToken(ctx: CliContext, args: TokenSelectArgs): Promise<CredentialRecord> {
  const { getValidToken } = await import("../flows/refresh.ts");
  return await getValidToken(ctx, args);
}

function listRow(meta: ProfileMeta): Record<string, unknown> {
  return {
    account: meta.keychainAccount,
    provider: meta.provider,
    profile: meta.id,
    type: meta.type,
    origin: meta.origin,
    expires_at: iso(meta.expiresAt),
    has_refresh_token: meta.hasRefreshToken,
    scope: meta.scope ?? null,
    identity: meta.identity ?? meta.account ?? null,
    keychainBackend: meta.keychainBackend ?? null,
    keychainService: meta.keychainService,
    token_saved_at: iso(meta.updatedAt),
    last_used_at: iso(meta.lastUsedAt),
    refresh_state: meta.refresh.state,
  };
}

function identityLabel(identity: unknown): string {
  if (typeof identity !== "object" || identity === null) return "";
  const { login, email, name, id } = identity as Record<string, string | undefined>;
  const label = login ?? email ?? name ?? id;
  return label === undefined ? "" : `  identity=${label}`;
}

/** `clawauth token list`. */
export async function runTokenList(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const { positionals } = parseCommandArgs(argv, {
    command: "token list",
    flags: {},
    positionals: ["provider"],
    required: 0,
  });
  const provider = positionals[0] === undefined ? undefined : parseProviderName(positionals[0]);
  const { listProfileMeta } = await import("../store/profiles.ts");
  const metas = await listProfileMeta(ctx.stateDir, provider);
  const tokens = metas
    .map(listRow)
    .sort((a, b) => String(a.account).localeCompare(String(b.account)));
  const human = tokens.length === 0
    ? `No stored tokens${
      provider ? ` for ${provider}` : ""
    }. Log in with: clawauth login start <provider>`
    : [
      `Stored tokens: ${tokens.length}`,
      ...tokens.map((t) =>
        `- ${t.account}${
          identityLabel(t.identity)
        }  type=${t.type}  origin=${t.origin}  expires_at=${
          t.expires_at ?? "none"
        }  refresh_token=${t.has_refresh_token ? "yes" : "no"}${
          t.refresh_state === "needs_login" ? "  NEEDS LOGIN" : ""
        }`
      ),
    ].join("\n");
  return { data: { action: "list", tokens }, human };
}

/** `clawauth token get`. */
export async function runTokenGet(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const { raw, ...args } = parseTokenSelectArgs(argv, "token get");
  if (raw && ctx.json) throw usageError("--raw prints only the token: drop --json (or --raw)");
  const { meta, secret } = await validToken(ctx, args);
  if (raw) {
    const value = secret.access_token ?? secret.key;
    if (!value) {
      throw new ClawauthError(ERROR_CODES.TOKEN_NOT_FOUND, `${meta.id} holds no access token`, {
        details: { profile: meta.id },
      });
    }
    return { data: { action: "get" }, human: `${value}\n` };
  }
  const accessToken = secret.access_token ?? secret.key ?? null;
  const expiresAt = iso(secret.expires_at);
  const token: Record<string, unknown> = {
    provider: meta.provider,
    access_token: accessToken,
    refresh_token: secret.refresh_token ?? null,
    token_type: secret.token_type ?? null,
    expires_at: expiresAt,
    scope: secret.scope ?? null,
    type: secret.type,
  };
  const data = {
    action: "get",
    account: meta.keychainAccount,
    profile: meta.id,
    token,
    token_saved_at: secret.saved_at,
    expires_at: expiresAt,
  };
  const human = [
    `provider: ${meta.provider}`,
    `account: ${meta.keychainAccount}`,
    `token_type: ${token.token_type ?? "-"}`,
    `access_token: ${accessToken ?? "-"}`,
    `refresh_token: ${secret.refresh_token ?? "-"}`,
    `expires_at: ${expiresAt ?? "-"}`,
    `saved_at: ${secret.saved_at}`,
  ].join("\n");
  return { data, human };
}

/** Quotes a value for POSIX shells: `'…'`, with each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `GITHUB` from `github`; a name that would start with a digit gets a leading `_`. */
export function providerEnvPrefix(provider: string): string {
  const upper = provider.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
  return /^[0-9]/.test(upper) ? `_${upper}` : upper;
}

/** `clawauth token env`. */
export async function runTokenEnv(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const args = parseTokenSelectArgs(argv, "token env");
  const { meta, secret } = await validToken(ctx, args);
  const variables: Record<string, string> = {
    CLAWAUTH_PROVIDER: meta.provider,
    CLAWAUTH_ACCESS_TOKEN: secret.access_token ?? secret.key ?? "",
  };
  if (secret.refresh_token) variables.CLAWAUTH_REFRESH_TOKEN = secret.refresh_token;
  variables.CLAWAUTH_TOKEN_TYPE = secret.token_type ?? "";
  variables[`${providerEnvPrefix(meta.provider)}_ACCESS_TOKEN`] = variables.CLAWAUTH_ACCESS_TOKEN;
  const human = Object.entries(variables)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join("\n");
  return {
    data: { action: "env", account: meta.keychainAccount, profile: meta.id, variables },
    human,
  };
}
