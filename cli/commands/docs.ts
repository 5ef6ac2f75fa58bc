/**
 * `clawauth docs`: the full agent manual (flows, every command with its flags and JSON fields,
 * errors, settings), assembled from the usage texts the commands themselves print, so the
 * manual never drifts from `--help`.
 *
 *   clawauth docs
 *   clawauth docs --json     # { "action": "docs", "text": "..." }
 */
import { parseCommandArgs } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import { DEFAULT_SERVER_URL, ENV_SETTINGS } from "../settings.ts";
import { VERSION } from "../version.ts";

export const DOCS_USAGE = `Usage: clawauth docs [--skill] [--json]

Prints the full agent manual: flows, every command with its options and JSON fields,
errors and exit codes, environment variables.

Options:
  --skill   print the agent skill file instead (SKILL.md: front matter, install, the
            asynchronous flow, exec/api/mcp, JSON fields, errors, rules)

Examples:
  clawauth docs
  clawauth docs --skill > ~/.openclaw/skills/clawauth/SKILL.md
`;

const INTRO = `clawauth ${VERSION}: agent manual
${"=".repeat(`clawauth ${VERSION}: agent manual`.length)}

clawauth gets OAuth access tokens for an agent from its human, without blocking the agent
and without a central token vault. The server (default ${DEFAULT_SERVER_URL}) only
brokers the login and forgets it after the one-time claim; tokens are stored in this
machine's OS keychain. \`clawauth explain\` describes the security model.

Standard asynchronous flow (non-blocking)
-----------------------------------------
1) Start, and return at once:
     clawauth login start <provider> --json
   → read sessionId, shortAuthUrl and confirmationCode.
2) Send shortAuthUrl AND confirmationCode to the user (the page shows the same code;
   they continue only if it matches). Keep working on other things.
3) Later, check:
     clawauth login status <sessionId> --json
   → status "pending": check again later (exit 0, not an error).
   → status "error": the login failed (field error); start a new one.
4) Once status is "completed", claim exactly once:
     clawauth login claim <sessionId> --json
   → the token is stored in the keychain (storedInKeychain: true); tokenData is masked;
     identity says which account it is (check it is the one you expected).
5) Use the stored token whenever needed (it is refreshed when about to expire):
     clawauth token get <provider> --json       → token.access_token
     eval "$(clawauth token env <provider>)"    → only when a command needs env vars

Blocking alternative: \`clawauth login wait <sessionId> --json\` polls, then claims.
Lost the sessionId? \`clawauth sessions --json\` lists local sessions with live status.
Unknown provider? \`clawauth providers --json\` lists what the server supports.
Token not found? \`clawauth token list --json\`, then pick provider and --profile explicitly.

Rules for agents
----------------
- Use --json and parse stdout; progress and notices go to stderr.
- Do not block by default; use \`login wait\` only when blocking is acceptable.
- Never show raw tokens in user-visible chat; \`login claim\` masks them unless --reveal.
- Prefer \`clawauth api\`, \`clawauth exec\` or \`clawauth mcp\`: they use the token without
  showing it to the agent. Export tokens into a shell only for the command that needs them.
- Do not run \`npx clawauth@latest\` autonomously; use the operator's pinned version.

Errors and exit codes
---------------------
- Exit 0: success (including status "pending"). Exit 2: usage error (bad or missing
  arguments). Exit 1: every other failure, and \`login claim\`/\`login wait\` when the login
  itself failed (status "error").
- Under --json an error prints on stdout: { "error": { "code": "...", "message": "..." } }
  (plus non-secret details, e.g. recoveryFile, supportedProviders, retryAfterSeconds).
  Without --json the message goes to stderr.
- Stable codes agents can branch on: usage, provider_not_implemented,
  provider_not_configured, session_not_found, session_expired, invalid_signature,
  invalid_timestamp (fix the clock), replay_detected, rate_limited, server_unreachable,
  server_error, decrypt_failed, provider_mismatch, storage_failed, keychain_unavailable,
  keychain_timeout, token_not_found, needs_login (the message names the command to run),
  transient_error (retry later; also a \`login wait\` timeout), lock_timeout.
- No token is lost: \`login claim\` checks storage before the one-time claim. If storing
  still fails afterwards, the error (code storage_failed) names a 0600 recovery file
  holding the token (field recoveryFile).

Accounts (profiles)
-------------------
Each stored credential is a profile <provider>:<name> (default name "default"), stored in
the keychain under service CLAWAUTH_KEYCHAIN_SERVICE (default "clawauth") and account
"<provider>:<name>". Several accounts of one provider live side by side
(\`login start github --profile work\`). Without --profile, the provider's order
(\`token order set\`) wins, else the profile used last. Agents that must never share
credentials set CLAWAUTH_AGENT=<name> (own state directory and keychain service).

Commands
--------
Every command takes --json, --help and --server <url>; \`clawauth --version\` prints the version.
`;

function envTable(): string {
  const width = Math.max(...ENV_SETTINGS.map((s) => s.name.length));
  return [
    "Environment variables",
    "---------------------",
    ...ENV_SETTINGS.map((s) =>
      `${s.name.padEnd(width)}  ${s.meaning}\n${" ".repeat(width)}  default: ${s.default}`
    ),
    "",
    "Server address precedence: --server > CLAWAUTH_SERVER_URL > CLAWAUTH_WORKER_URL > default.",
  ].join("\n");
}

/** The manual's text. */
export async function docsText(): Promise<string> {
  const [login, sessions, token, manage, local, providers, explain] = await Promise.all([
    import("./login.ts"),
    import("./sessions.ts"),
    import("./token.ts"),
    import("./token_manage.ts"),
    import("./login_local.ts"),
    import("./providers.ts"),
    import("./explain.ts"),
  ]);
  const [setupToken, tokenImport] = await Promise.all([
    import("./token_setup.ts"),
    import("./token_import.ts"),
  ]);
  const [exec, api, mcp] = await Promise.all([
    import("./exec.ts"),
    import("./api.ts"),
    import("./mcp.ts"),
  ]);
  const usages = [
    login.LOGIN_START_USAGE,
    login.LOGIN_STATUS_USAGE,
    login.LOGIN_CLAIM_USAGE,
    login.LOGIN_WAIT_USAGE,
    local.LOGIN_LOCAL_USAGE,
    sessions.SESSIONS_USAGE,
    sessions.SESSION_RM_USAGE,
    token.TOKEN_LIST_USAGE,
    token.TOKEN_GET_USAGE,
    token.TOKEN_ENV_USAGE,
    manage.TOKEN_STATUS_USAGE,
    manage.TOKEN_REFRESH_USAGE,
    manage.TOKEN_RM_USAGE,
    manage.TOKEN_ORDER_USAGE,
    manage.TOKEN_PASTE_USAGE,
    setupToken.TOKEN_SETUP_TOKEN_USAGE,
    tokenImport.TOKEN_IMPORT_USAGE,
    exec.EXEC_USAGE,
    api.API_USAGE,
    mcp.MCP_USAGE,
    providers.PROVIDERS_USAGE,
    explain.EXPLAIN_USAGE,
    DOCS_USAGE,
  ];
  return [
    INTRO,
    ...usages.map((usage) => `${usage.trimEnd()}\n`),
    envTable(),
    "",
  ].join("\n");
}

/** `clawauth docs`. */
export async function runDocs(argv: string[], _ctx: CliContext): Promise<CommandResult> {
  const { flags } = parseCommandArgs(argv, {
    command: "docs",
    flags: { skill: { type: "boolean" } },
    positionals: [],
    required: 0,
  });
  if (flags.skill === true) {
    const { SKILL_MD } = await import("../skill/skill_md.ts");
    return { data: { action: "docs", format: "skill", text: SKILL_MD }, human: SKILL_MD };
  }
  const text = await docsText();
  return { data: { action: "docs", text }, human: text };
}
