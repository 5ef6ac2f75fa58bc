/**
 * `clawauth token setup-token anthropic`: stores the long-lived token `claude setup-token`
 * prints (Claude Pro/Max subscription auth) as a `token` profile without refresh, the flow the
 * credential-store documents name "setup-token" (seeds 001–003). On a terminal the token is
 * read from a hidden prompt (no echo); otherwise from stdin. `token paste` stays the general
 * form for any provider and any token.
 *
 * The shape check follows OpenClaw, which stores the same tokens: `openclaw/openclaw`
 * `src/commands/auth-token.ts` (later `src/plugins/provider-auth-token.ts`):
 * `ANTHROPIC_SETUP_TOKEN_PREFIX = "sk-ant-oat01-"`, `ANTHROPIC_SETUP_TOKEN_MIN_LENGTH = 80`,
 * `validateAnthropicSetupToken` ("Expected token starting with sk-ant-oat01-").
 *
 *   claude setup-token                      # on any machine; copy the token
 *   clawauth token setup-token anthropic    # paste it at the hidden prompt
 *   printf '%s' "$TOKEN" | clawauth token setup-token anthropic --profile work --json
 */

import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { parseCommandArgs, parseProfileName, usageError } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import { readHiddenLine } from "../flows/hidden_prompt.ts";
import { CredentialStore } from "../store/credentials.ts";
import { readPastedSecret, storePastedCredential } from "./token_manage.ts";

export const TOKEN_SETUP_TOKEN_USAGE =
  `Usage: clawauth token setup-token anthropic [--profile <name>] [--json]

Stores a Claude subscription (Pro/Max) setup-token: run \`claude setup-token\` on any machine,
then paste the token here. On a terminal the prompt does not echo what you paste; otherwise
the token is read from stdin (never from the command line). The token must look like one:
it starts with ${"sk-ant-oat01-"} and is at least 80 characters long. It is stored as a
\`token\` profile (no refresh token: when it expires, make a new one the same way).

For another kind of token or another provider use \`clawauth token paste\`.

JSON fields: action ("token_setup_token"), stored, profile, provider, type ("token"),
storedInKeychain, keychainService, keychainAccount.

Examples:
  clawauth token setup-token anthropic
  clawauth token setup-token anthropic --profile work --json < token.txt
`;

/** Setup-tokens start with this (OpenClaw `ANTHROPIC_SETUP_TOKEN_PREFIX`). */
export const ANTHROPIC_SETUP_TOKEN_PREFIX = "sk-ant-oat01-";
/** And are at least this long (OpenClaw `ANTHROPIC_SETUP_TOKEN_MIN_LENGTH`). */
export const ANTHROPIC_SETUP_TOKEN_MIN_LENGTH = 80;

/** Providers with a setup-token flow. */
const SETUP_TOKEN_PROVIDERS = ["anthropic"];

/** Parsed `token setup-token` arguments. */
export interface TokenSetupTokenArgs {
  provider: string;
  profile: string;
}

/** Parses `token setup-token <provider> [--profile <name>]`; refuses a token on argv. */
export function parseTokenSetupTokenArgs(argv: string[]): TokenSetupTokenArgs {
  // Room for extra positionals so a token given as one is refused without being echoed.
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "token setup-token",
    flags: { profile: { type: "string", value: "name" } },
    positionals: ["provider", ...argv.map((_, i) => `extra${i}`)],
    required: 1,
  });
  if (positionals.length > 1 || argv.some((arg) => arg.includes(ANTHROPIC_SETUP_TOKEN_PREFIX))) {
    throw usageError(
      "token setup-token reads the token from a prompt or stdin, never from the command line " +
        "(other processes can read a command line): run `clawauth token setup-token anthropic` and paste it",
    );
  }
  let provider = positionals[0].trim().toLowerCase();
  let profile = flags.profile === undefined ? undefined : String(flags.profile);
  if (provider.includes(":")) {
    const at = provider.indexOf(":");
    if (profile !== undefined && profile !== provider.slice(at + 1)) {
      throw usageError(`two different profiles named: ${provider} and --profile ${profile}`);
    }
    profile = provider.slice(at + 1);
    provider = provider.slice(0, at);
  }
  if (!SETUP_TOKEN_PROVIDERS.includes(provider)) {
    throw usageError(
      `setup-token is Anthropic's flow (\`claude setup-token\`): use \`clawauth token setup-token anthropic\`; ` +
        `for another provider's token use \`clawauth token paste ${
          /^[a-z0-9_-]{1,64}$/.test(provider) ? provider : "<provider>"
        }\``,
    );
  }
  return { provider, profile: profile === undefined ? "default" : parseProfileName(profile) };
}

/**
 * Checks a setup-token's shape: `sk-ant-oat01-` prefix, at least 80 characters, no
 * whitespace. The message never contains the token.
 */
export function checkSetupToken(raw: string): string {
  const token = raw.trim();
  if (token === "") throw usageError("no token given: paste the output of `claude setup-token`");
  const shape = (rule: string) =>
    new ClawauthError(
      ERROR_CODES.INVALID_REQUEST,
      `this does not look like a Claude setup-token: ${rule} (got ${token.length} characters); ` +
        "run `claude setup-token` and paste the token it prints, or store another kind of " +
        "token with `clawauth token paste anthropic`",
    );
  if (!token.startsWith(ANTHROPIC_SETUP_TOKEN_PREFIX)) {
    throw shape(`it must start with ${ANTHROPIC_SETUP_TOKEN_PREFIX}`);
  }
  if (token.length < ANTHROPIC_SETUP_TOKEN_MIN_LENGTH) {
    throw shape(`it must be at least ${ANTHROPIC_SETUP_TOKEN_MIN_LENGTH} characters long`);
  }
  if (/\s/.test(token)) throw shape("it must not contain spaces or line breaks");
  return token;
}

/** `clawauth token setup-token`. */
export async function runTokenSetupToken(
  argv: string[],
  ctx: CliContext,
): Promise<CommandResult> {
  const args = parseTokenSetupTokenArgs(argv);
  const id = `${args.provider}:${args.profile}`;
  const raw = ctx.stdinTerminal
    ? await readHiddenLine({
      stdin: ctx.stdin,
      terminal: ctx.stdinTerminal,
      stderr: ctx.stderr,
      prompt: `Paste the token printed by \`claude setup-token\` for ${id} (input is hidden): `,
    })
    : await readPastedSecret(ctx.stdin);
  const token = checkSetupToken(raw);

  const store = new CredentialStore({
    keychain: await ctx.keychain(),
    stateDir: ctx.stateDir,
    keychainService: ctx.keychainService,
    now: ctx.now,
  });
  const record = await storePastedCredential(ctx, store, {
    id,
    provider: args.provider,
    type: "token",
    value: token,
  });

  return {
    data: {
      action: "token_setup_token",
      stored: true,
      profile: id,
      provider: args.provider,
      type: "token",
      storedInKeychain: true,
      keychainService: record.meta.keychainService,
      keychainAccount: record.meta.keychainAccount,
    },
    human: `Stored the Claude setup-token for ${id} (no refresh: when it stops working, run ` +
      `\`claude setup-token\` again). Use it with: clawauth token get ${args.provider}${
        args.profile === "default" ? "" : ` --profile ${args.profile}`
      }`,
  };
}
