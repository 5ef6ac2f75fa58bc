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
import { EXIT_CODES } from "../output.ts";

/** The exit-code table of the manual. */
export function exitCodeTable(): string {
  return EXIT_CODES.map(({ code, meaning }) => `- Exit ${code}: ${meaning}.`).join("\n");
}

const EXIT_TABLE = exitCodeTable();

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
   → also returns shortAuthUrl (to send again), expiresAt and expiresIn (seconds left).
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
${EXIT_TABLE}
- Under --json every error prints on stdout, in one shape:
    { "error": { "code": "keychain_unavailable", "message": "...", "transient": false,
                 "fix": "<the exact command or setting that resolves it>", ...details } }
  "transient" is true only when running the same command again later can succeed
  (server_unreachable, rate_limited, transient_error, wait_timeout); false means something
  must change first: read "fix". Details are non-secret (backend, recoveryFile,
  supportedProviders, retryAfterSeconds, profile, sessionId). Without --json the message
  (and "fix: ...") goes to stderr.
- Stable codes agents can branch on: usage, provider_not_implemented,
  provider_not_configured (the operator must set the missing settings: not transient),
  session_not_found, session_expired, session_failed (the login failed: error.reason),
  already_claimed (this machine claimed it before: error.profile says where it went),
  invalid_signature, invalid_timestamp (fix the clock), replay_detected, rate_limited,
  server_unreachable (error.serverUrl and error.setting: which of --server,
  CLAWAUTH_SERVER_URL, the default or the session chose it), server_error, decrypt_failed,
  provider_mismatch, storage_failed, keychain_unavailable (the keychain holding the
  secret cannot be reached: error.backend, error.reason, error.fix; the credential is NOT
  missing: never log in again or remove it because of this), keychain_timeout,
  token_not_found, needs_login (error.fix is the command to run), transient_error (retry
  later), wait_timeout (\`login wait\` ran out of time, the login is still pending: exit 3,
  error.fix keeps waiting), lock_timeout.
- Durations: --ttl, --timeout, --interval and their variables take a unit (500ms, 90s,
  5m, 2h, 1d); a plain number keeps the documented unit (--ttl seconds; --timeout and
  --interval milliseconds). A value the CLI adjusts (e.g. --ttl clamped to 60..86400) is
  announced on stderr and the effective value is in the JSON.
- \`clawauth token get <provider> --raw\` prints only the access token and a newline, for
  TOKEN="$(clawauth token get github --raw)".
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
