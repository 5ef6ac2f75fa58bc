/**
 * `clawauth login local <provider>`: a PKCE login with a public client straight from this
 * machine (no clawauth server involved), for providers defined like the server's custom
 * providers (CLAWAUTH_PROVIDERS / CLAWAUTH_PROVIDERS_FILE) with `"clientAuth": "none"`,
 * a `clientId` and a loopback `redirectUri`. The token is stored as origin `local` and later
 * refreshes directly at the provider.
 *
 *   export CLAWAUTH_PROVIDERS='[{"name":"myidp","type":"oidc","issuer":"https://idp.example",
 *     "clientId":"cli","clientAuth":"none","pkce":"required",
 *     "redirectUri":"http://127.0.0.1:8765/callback","scopes":["openid","offline_access"]}]'
 *   clawauth login local myidp --profile work
 */

import { loadCustomProviders } from "../../providers/custom.ts";
import { createRegistry } from "../../providers/registry.ts";
import { LOCAL_CLIENTS, localClientEntry } from "../../providers/local_clients.ts";
import { envPrefix, resolveProviderSettings } from "../../providers/settings.ts";
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { parseCommandArgs, parseProfileName, parseProviderName, usageError } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import { writeLocalClient } from "../flows/local_client.ts";
import {
  LOCAL_LOGIN_TIMEOUT_MS,
  planLoopbackListener,
  runLocalLogin,
} from "../flows/local_login.ts";
import { lockPathFor, withLock } from "../lock.ts";
import { maskTokenData } from "../output.ts";
import {
  accountFromTokenData,
  CredentialStore,
  secretFromTokenData,
} from "../store/credentials.ts";
import { parseProfileId } from "../store/profiles.ts";
import { writeRecoveryFile } from "../store/recovery.ts";

export const LOGIN_LOCAL_USAGE =
  `Usage: clawauth login local <provider> [--profile <name>] [--scope <scope>] [--port <port>]
         [--no-browser] [--timeout <seconds>] [--json]

Logs in with PKCE (S256) and a public client directly from this machine: opens the
provider's authorize URL (printed on stderr), waits for the redirect on the loopback
address of the provider's redirect URI and, at the same time, accepts the redirect URL
pasted on stdin (for headless or remote machines: paste the whole URL the browser was sent
to, or code=...&state=...). A redirect whose state does not match is refused.

The provider must be defined in CLAWAUTH_PROVIDERS or CLAWAUTH_PROVIDERS_FILE (same format
as the server's custom providers) with "clientAuth": "none", a "clientId" (or
<PROVIDER>_CLIENT_ID) and a loopback "redirectUri": http://127.0.0.1:<port>/<path> uses that
port; http://127.0.0.1/<path> (no port) uses a free port, for providers that accept any
loopback port (RFC 8252 §7.3).

Built in (no configuration): openai-codex, the ChatGPT (Codex) login with the Codex CLI's
public client (redirect http://localhost:1455/auth/callback; the account id is read from the
token and kept as the profile's identity). When port 1455 is busy, paste the redirect URL.
Move its endpoints with OPENAI_CODEX_AUTH_URL, OPENAI_CODEX_TOKEN_URL, OPENAI_CODEX_REDIRECT_URI
or OPENAI_CODEX_REDIRECT_PORT (any provider: <PREFIX>_REDIRECT_PORT).

--profile     store as <provider>:<name> (default: default)
--scope       scopes to ask for (default: the provider's)
--port        listen on this port instead of the redirect URI's
--no-browser  only print the URL
--timeout     give up after this many seconds (default ${LOCAL_LOGIN_TIMEOUT_MS / 1000})

JSON fields: action ("login_local"), status ("completed"), provider, profile, via
("callback" | "paste"), tokenData (secrets masked), storedInKeychain, keychainService,
keychainAccount, expiresAt.

Examples:
  clawauth login local openai-codex
  clawauth login local myidp
  clawauth login local myidp --profile work --no-browser --json
`;

/** Parsed `login local` arguments. */
export interface LoginLocalArgs {
  provider: string;
  profile: string;
  scope?: string;
  port?: number;
  openBrowser: boolean;
  timeoutMs: number;
}

/** Parses `login local <provider> [--profile] [--scope] [--port] [--no-browser] [--timeout]`. */
export function parseLoginLocalArgs(argv: string[]): LoginLocalArgs {
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "login local",
    flags: {
      profile: { type: "string", value: "name" },
      scope: { type: "string", value: "scope" },
      port: { type: "string", value: "port" },
      "no-browser": { type: "boolean" },
      timeout: { type: "string", value: "seconds" },
    },
    positionals: ["provider"],
    required: 1,
  });
  let provider = positionals[0];
  let profile = flags.profile === undefined ? undefined : String(flags.profile);
  if (provider.includes(":")) {
    const id = parseProfileId(provider);
    if (profile !== undefined && profile !== id.name) {
      throw usageError(`two different profiles named: ${id.id} and --profile ${profile}`);
    }
    provider = id.provider;
    profile = id.name;
  }
  let port: number | undefined;
  if (flags.port !== undefined) {
    port = Number(flags.port);
    if (!/^\d{1,5}$/.test(String(flags.port)) || port < 1 || port > 65535) {
      throw usageError(
        `--port must be a port number 1 to 65535: got ${
          JSON.stringify(String(flags.port).slice(0, 20))
        }`,
      );
    }
  }
  let timeoutMs = LOCAL_LOGIN_TIMEOUT_MS;
  if (flags.timeout !== undefined) {
    const seconds = Number(flags.timeout);
    if (!/^\d{1,6}$/.test(String(flags.timeout)) || seconds < 1) {
      throw usageError(
        `--timeout must be a whole number of seconds ≥ 1: got ${
          JSON.stringify(String(flags.timeout).slice(0, 20))
        }`,
      );
    }
    timeoutMs = seconds * 1000;
  }
  const scope = flags.scope === undefined ? undefined : String(flags.scope);
  return {
    provider: parseProviderName(provider),
    profile: profile === undefined ? "default" : parseProfileName(profile),
    scope,
    port,
    openBrowser: flags["no-browser"] !== true,
    timeoutMs,
  };
}

/** `<PREFIX>_REDIRECT_PORT` (e.g. OPENAI_CODEX_REDIRECT_PORT): listen on another port. */
export function redirectPortFromEnv(
  env: Record<string, string | undefined>,
  provider: string,
): number | undefined {
  const name = `${envPrefix(provider)}_REDIRECT_PORT`;
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port < 1 || port > 65535) {
    throw usageError(
      `${name} must be a port number 1 to 65535: got ${JSON.stringify(value.slice(0, 20))}`,
    );
  }
  return port;
}

/**
 * When the redirect URI's fixed port is taken (another login, e.g. the Codex CLI's own, may be
 * listening), says how the paste fallback works before the login starts; `undefined` when the
 * port is free or any port will do.
 */
export function busyPortHint(redirectUri: string, portOverride?: number): string | undefined {
  const plan = planLoopbackListener(redirectUri, portOverride);
  if (plan.port === 0) return undefined;
  try {
    Deno.listen({ hostname: plan.bindHost, port: plan.port }).close();
    return undefined;
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) return undefined;
  }
  const redirect = plan.redirectUriFor(plan.port);
  return `Port ${plan.port} is in use, so this login cannot receive the redirect itself. After ` +
    `approving, your browser goes to ${redirect}?code=... and shows an error page there: copy ` +
    `that whole address from the address bar and paste it here.\n`;
}

/** `clawauth login local`. */
export async function runLoginLocal(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const args = parseLoginLocalArgs(argv);
  const id = parseProfileId(`${args.provider}:${args.profile}`).id;

  const loaded = await loadCustomProviders({ env: ctx.env, fetch: ctx.fetch });
  const registry = createRegistry(loaded.specs);
  // A built-in public client (providers/local_clients.ts) unless the operator defines the name.
  const builtinClient = loaded.specs.some((s) => s.name === args.provider)
    ? undefined
    : localClientEntry(args.provider);
  const spec = builtinClient?.spec ?? registry.get(args.provider);
  const publicClients = [
    ...Object.keys(LOCAL_CLIENTS),
    ...registry.list().filter((s) => s.clientAuth === "none").map((s) => s.name),
  ];
  const defineHint =
    `define it in CLAWAUTH_PROVIDERS or CLAWAUTH_PROVIDERS_FILE with "clientAuth": "none", a "clientId" and a loopback "redirectUri" (see clawauth login local --help)`;
  if (spec === undefined) {
    throw usageError(
      `unknown provider ${args.provider} for login local; ${defineHint}` +
        (publicClients.length
          ? `; public-client providers configured: ${publicClients.join(", ")}`
          : ""),
    );
  }
  if (spec.clientAuth !== "none") {
    throw usageError(
      `${args.provider} is configured as a confidential client (clientAuth ${spec.clientAuth}): ` +
        `log in through the server with \`clawauth login start ${args.provider}\`, or ${defineHint}`,
    );
  }
  const resolved = resolveProviderSettings(spec, {
    env: ctx.env,
    // No redirectUri configured: a loopback URI on any free port.
    origin: "http://127.0.0.1",
    overrides: builtinClient?.defaults ?? loaded.overrides[args.provider],
  });
  if (!resolved.ok) {
    throw usageError(
      `${args.provider} has no client id: set "clientId" in its provider config or ${
        resolved.missing.join(", ")
      }`,
    );
  }
  const settings = resolved.settings;
  const port = args.port ?? redirectPortFromEnv(ctx.env, spec.name);

  const store = new CredentialStore({
    keychain: await ctx.keychain(),
    stateDir: ctx.stateDir,
    keychainService: ctx.keychainService,
    now: ctx.now,
  });
  // An authorization code is single-use: make sure the token can be stored before spending it.
  await store.checkWritable();

  const hint = busyPortHint(settings.redirectUri, port);
  if (hint) ctx.stderr(hint);
  const login = await runLocalLogin({
    spec,
    settings,
    scope: args.scope,
    port,
    openBrowser: args.openBrowser,
    stdin: ctx.stdin,
    stderr: ctx.stderr,
    fetch: ctx.fetch,
    env: ctx.env,
    timeoutMs: args.timeoutMs,
  });

  const now = ctx.now();
  const secret = secretFromTokenData(args.provider, login.tokenData, now);
  let saved;
  try {
    saved = await withLock(lockPathFor(ctx.stateDir, id), async () => {
      const record = await store.save({
        id,
        type: "oauth",
        origin: "local",
        account: accountFromTokenData(login.tokenData),
        refresh: { state: "idle" },
        secret,
      });
      await writeLocalClient(ctx.stateDir, id, {
        spec,
        settings: { ...settings, redirectUri: login.redirectUri },
      });
      return record;
    });
  } catch (error) {
    const path = await writeRecoveryFile(ctx.stateDir, {
      provider: args.provider,
      profile: args.profile,
      tokenData: login.tokenData,
    });
    throw new ClawauthError(
      ERROR_CODES.STORAGE_FAILED,
      `logged in to ${args.provider} but could not store the token (${
        error instanceof Error ? error.message : String(error)
      }); it was written to ${path} (mode 0600)`,
      { details: { recoveryFile: path }, cause: error },
    );
  }

  const data = {
    action: "login_local",
    status: "completed",
    provider: args.provider,
    profile: id,
    via: login.via,
    tokenData: maskTokenData(login.tokenData),
    storedInKeychain: true,
    keychainService: saved.meta.keychainService,
    keychainAccount: saved.meta.keychainAccount,
    expiresAt: secret.expires_at === undefined
      ? undefined
      : new Date(secret.expires_at).toISOString(),
    account: saved.meta.account,
  };
  return {
    data,
    human: `Logged in to ${spec.displayName} as ${id} (${
      secret.refresh_token ? "with a refresh token" : "no refresh token"
    }). Use it with: clawauth token get ${args.provider}${
      args.profile === "default" ? "" : ` --profile ${args.profile}`
    }`,
  };
}
