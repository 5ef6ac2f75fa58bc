/**
 * The `clawauth` command: entrypoint of `deno compile` and of `deno task cli`.
 *
 * Takes the global flags out of argv, builds the CliContext from the process (environment,
 * streams, clock, fetch, a lazily chosen keychain), dispatches to one command, and is the only
 * place that prints and sets the exit code. Command modules are imported on demand so that
 * `clawauth token get` loads only what it needs.
 *
 *   clawauth login start github --json
 *   clawauth token get github --json
 *   clawauth --help
 */
import { extractGlobalFlags, usageError } from "./args.ts";
import type { CliContext, Command, CommandResult } from "./context.ts";
import type { Keychain } from "./keychain/keychain.ts";
import { renderError, renderResult } from "./output.ts";
import { resolveServerUrl } from "./settings.ts";
import { serverUrlSource, withServerHint } from "./server_hint.ts";
import { resolveStatePaths } from "./store/paths.ts";
import { VERSION } from "./version.ts";

export const MAIN_USAGE =
  `clawauth ${VERSION}: delegated OAuth for agents, tokens in the OS keychain

Usage: clawauth <command> [options] [--json] [--server <url>]

Login (asynchronous; never blocks):
  login start <provider>     start a login, print a short link for the user
  login status <sessionId>   pending | completed | error
  login claim <sessionId>    claim once when completed; store in the keychain
  login wait <sessionId>     block: poll, then claim
  login local <provider>     PKCE login with a public client on this machine

Sessions:
  sessions                   local login sessions with live status
  session-rm <sessionId>     remove a local login session

Tokens:
  token list                 stored profiles (no secrets)
  token get [provider]       a valid access token (refreshed when about to expire)
  token env [provider]       export lines, safe to eval
  token status|refresh|rm|order|paste   manage stored credentials
  token setup-token anthropic   store a Claude setup-token (hidden prompt)
  token import openclaw|codex   import OpenClaw / Codex CLI credentials

Agent access (the token never reaches the agent):
  exec <provider> -- <cmd>   run one command with the token in its environment only
  api <provider> <path>      authenticated API request; prints the response body
  mcp                        MCP server over stdio (tools for the whole flow)

Information:
  providers                  providers the server supports
  explain                    what clawauth does; the security model
  docs                       the full agent manual (commands, JSON fields, settings)

Global options: --json (JSON on stdout), --server <url>, --help/-h, --version/-V,
  --insecure-http (allow a plain-http server that is not loopback; CLAWAUTH_INSECURE_HTTP=1)

Quick start:
  clawauth login start notion --json        # send shortAuthUrl to the user
  clawauth login status <sessionId> --json  # later
  clawauth login claim <sessionId> --json   # when completed
  clawauth token get notion --json
`;

interface Route {
  run: () => Promise<Command>;
  usage: () => Promise<string>;
}

const login = () => import("./commands/login.ts");
const sessions = () => import("./commands/sessions.ts");
const token = () => import("./commands/token.ts");
const manage = () => import("./commands/token_manage.ts");
const local = () => import("./commands/login_local.ts");
const providers = () => import("./commands/providers.ts");
const explain = () => import("./commands/explain.ts");
const docs = () => import("./commands/docs.ts");
const exec = () => import("./commands/exec.ts");
const api = () => import("./commands/api.ts");
const mcp = () => import("./commands/mcp.ts");
const setupToken = () => import("./commands/token_setup.ts");
const tokenImport = () => import("./commands/token_import.ts");

/** Every command, by its words. */
export const ROUTES: Record<string, Route> = {
  "login start": {
    run: async () => (await login()).runLoginStart,
    usage: async () => (await login()).LOGIN_START_USAGE,
  },
  "login status": {
    run: async () => (await login()).runLoginStatus,
    usage: async () => (await login()).LOGIN_STATUS_USAGE,
  },
  "login claim": {
    run: async () => (await login()).runLoginClaim,
    usage: async () => (await login()).LOGIN_CLAIM_USAGE,
  },
  "login wait": {
    run: async () => (await login()).runLoginWait,
    usage: async () => (await login()).LOGIN_WAIT_USAGE,
  },
  "login local": {
    run: async () => (await local()).runLoginLocal,
    usage: async () => (await local()).LOGIN_LOCAL_USAGE,
  },
  "sessions": {
    run: async () => (await sessions()).runSessions,
    usage: async () => (await sessions()).SESSIONS_USAGE,
  },
  "session-rm": {
    run: async () => (await sessions()).runSessionRm,
    usage: async () => (await sessions()).SESSION_RM_USAGE,
  },
  "token list": {
    run: async () => (await token()).runTokenList,
    usage: async () => (await token()).TOKEN_LIST_USAGE,
  },
  "token get": {
    run: async () => (await token()).runTokenGet,
    usage: async () => (await token()).TOKEN_GET_USAGE,
  },
  "token env": {
    run: async () => (await token()).runTokenEnv,
    usage: async () => (await token()).TOKEN_ENV_USAGE,
  },
  "token refresh": {
    run: async () => (await manage()).runTokenRefresh,
    usage: async () => (await manage()).TOKEN_REFRESH_USAGE,
  },
  "token rm": {
    run: async () => (await manage()).runTokenRm,
    usage: async () => (await manage()).TOKEN_RM_USAGE,
  },
  "token status": {
    run: async () => (await manage()).runTokenStatus,
    usage: async () => (await manage()).TOKEN_STATUS_USAGE,
  },
  "token order": {
    run: async () => (await manage()).runTokenOrder,
    usage: async () => (await manage()).TOKEN_ORDER_USAGE,
  },
  "token paste": {
    run: async () => (await manage()).runTokenPaste,
    usage: async () => (await manage()).TOKEN_PASTE_USAGE,
  },
  "token setup-token": {
    run: async () => (await setupToken()).runTokenSetupToken,
    usage: async () => (await setupToken()).TOKEN_SETUP_TOKEN_USAGE,
  },
  "token import": {
    run: async () => (await tokenImport()).runTokenImport,
    usage: async () => (await tokenImport()).TOKEN_IMPORT_USAGE,
  },
  "providers": {
    run: async () => (await providers()).runProviders,
    usage: async () => (await providers()).PROVIDERS_USAGE,
  },
  "explain": {
    run: async () => (await explain()).runExplain,
    usage: async () => (await explain()).EXPLAIN_USAGE,
  },
  "docs": {
    run: async () => (await docs()).runDocs,
    usage: async () => (await docs()).DOCS_USAGE,
  },
  "exec": {
    run: async () => (await exec()).runExec,
    usage: async () => (await exec()).EXEC_USAGE,
  },
  "api": {
    run: async () => (await api()).runApi,
    usage: async () => (await api()).API_USAGE,
  },
  "mcp": {
    run: async () => (await mcp()).runMcp,
    usage: async () => (await mcp()).MCP_USAGE,
  },
};

/** Command groups: the words that need a subcommand, and their usage. */
const GROUPS: Record<string, () => Promise<string>> = {
  login: async () => (await login()).LOGIN_USAGE,
  token: async () => (await token()).TOKEN_USAGE,
};

/** What `main` needs from the process; tests inject their own. */
export interface MainDeps {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: ReadableStream<Uint8Array>;
  isTerminal: boolean;
  /** stdout is a terminal (default false). */
  stdoutIsTerminal?: boolean;
  /** Present when stdin is a terminal (hidden prompts). */
  stdinTerminal?: { setRaw(raw: boolean): void };
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  fetch: typeof fetch;
  /** Overrides the keychain choice (tests); default: selectKeychain from the environment. */
  keychain?: () => Promise<Keychain>;
}

/** Finds the route of `words` (first one or two words), or throws a usage error. */
function findRoute(words: string[]): { key: string; route?: Route; rest: string[] } {
  const [first, second] = words;
  if (first === undefined) return { key: "", rest: [] };
  if (first in GROUPS) {
    if (second === undefined || second.startsWith("-")) {
      return { key: first, rest: words.slice(1) };
    }
    const key = `${first} ${second}`;
    const route = ROUTES[key];
    if (!route) {
      const subcommands = Object.keys(ROUTES)
        .filter((k) => k.startsWith(`${first} `))
        .map((k) => k.slice(first.length + 1));
      throw usageError(
        `unknown command \`clawauth ${first} ${second}\`; choose one of: ${
          subcommands.join(", ")
        } (run \`clawauth ${first} --help\`)`,
      );
    }
    return { key, route, rest: words.slice(2) };
  }
  const route = ROUTES[first];
  if (!route) {
    throw usageError(
      first.startsWith("-")
        ? `unknown option ${JSON.stringify(first)}; run \`clawauth --help\``
        : `unknown command ${
          JSON.stringify(first)
        }; commands: login, sessions, session-rm, token, exec, api, mcp, providers, explain, docs (run \`clawauth --help\`)`,
    );
  }
  return { key: first, route, rest: words.slice(1) };
}

function helpResult(command: string, usage: string): CommandResult {
  return { data: { action: "help", command, usage }, human: usage };
}

/** Runs one CLI invocation and returns its exit code; prints through `deps`. */
export async function main(argv: string[], deps: MainDeps): Promise<number> {
  let json = argv.includes("--json");
  let serverFlag: string | undefined;
  try {
    const flags = extractGlobalFlags(argv);
    serverFlag = flags.server;
    json = flags.json;
    let result: CommandResult;
    if (flags.version) {
      result = { data: { action: "version", version: VERSION }, human: `clawauth ${VERSION}` };
    } else {
      const { key, route, rest } = findRoute(flags.rest);
      if (key === "") {
        result = helpResult("", MAIN_USAGE);
      } else if (route === undefined) {
        const usage = await GROUPS[key]();
        if (!flags.help) {
          throw usageError(
            `missing command: \`clawauth ${key} <command>\`\n\n${usage.trimEnd()}`,
          );
        }
        result = helpResult(key, usage);
      } else if (flags.help) {
        result = helpResult(key, await route.usage());
      } else {
        const ctx = buildContext(deps, json, flags.server);
        if (flags.insecureHttp) ctx.env = { ...ctx.env, CLAWAUTH_INSECURE_HTTP: "1" };
        const run = await route.run();
        result = await run(rest, ctx);
      }
    }
    if (!result.printed) deps.stdout(renderResult(result, json));
    return result.exitCode ?? 0;
  } catch (caught) {
    let error = caught;
    try {
      const url = resolveServerUrl(deps.env, serverFlag);
      error = withServerHint(caught, { url, source: serverUrlSource(deps.env, serverFlag) });
    } catch {
      // the server URL itself is invalid: that error is already the one being printed
    }
    const rendered = renderError(error, json);
    (rendered.stream === "stdout" ? deps.stdout : deps.stderr)(rendered.text);
    return rendered.exitCode;
  }
}

/** The CliContext of one invocation. */
export function buildContext(deps: MainDeps, json: boolean, serverFlag?: string): CliContext {
  const env = deps.env;
  const serverUrl = resolveServerUrl(env, serverFlag);
  const paths = resolveStatePaths(env);
  let keychain: Promise<Keychain> | undefined;
  const chooseKeychain = deps.keychain ?? (async () => {
    const { selectKeychain } = await import("./keychain/select.ts");
    return await selectKeychain({ env, stateDir: paths.stateDir, stderr: deps.stderr });
  });
  return {
    env,
    json,
    stdout: deps.stdout,
    stderr: deps.stderr,
    // A getter: Deno's stdin stream costs ~20 ms to set up, and few commands read it.
    get stdin() {
      return deps.stdin;
    },
    isTerminal: deps.isTerminal,
    stdoutIsTerminal: deps.stdoutIsTerminal ?? false,
    stdinTerminal: deps.stdinTerminal,
    now: deps.now,
    sleep: deps.sleep,
    fetch: deps.fetch,
    serverUrl,
    stateDir: paths.stateDir,
    keychainService: paths.keychainService,
    sessionKeychainService: paths.sessionKeychainService,
    keychain: () => keychain ??= chooseKeychain(),
  };
}

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  try {
    while (offset < bytes.length) offset += stream.writeSync(bytes.subarray(offset));
  } catch (error) {
    // A closed pipe (e.g. `| head`) is not our failure; anything else is.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

/** The real process as MainDeps. */
export function processDeps(): MainDeps {
  return {
    env: Deno.env.toObject(),
    stdout: (text) => writeAll(Deno.stdout, text),
    stderr: (text) => writeAll(Deno.stderr, text),
    get stdin() {
      return Deno.stdin.readable;
    },
    isTerminal: Deno.stderr.isTerminal(),
    stdoutIsTerminal: Deno.stdout.isTerminal(),
    stdinTerminal: Deno.stdin.isTerminal()
      ? { setRaw: (raw: boolean) => Deno.stdin.setRaw(raw) }
      : undefined,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    fetch: globalThis.fetch,
  };
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, processDeps()));
}
