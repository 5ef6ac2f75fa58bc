/**
 * `clawauth explain`: what clawauth does and why it is safe, in plain words.
 *
 *   clawauth explain            # read it
 *   clawauth explain --json     # { "action": "explain", "text": "..." }
 */
import type { CliContext, CommandResult } from "../context.ts";
import { parseCommandArgs } from "../args.ts";

export const EXPLAIN_USAGE = `Usage: clawauth explain [--json]

What clawauth does, and its security model, in plain words.

Examples:
  clawauth explain
  clawauth docs          # the full agent manual: every command, JSON field and setting
`;

export const EXPLAIN_TEXT = `clawauth: delegated OAuth for agents, without a central token vault
====================================================================

What it does
------------
An agent needs to call a provider's API (GitHub, Notion, Slack, ...) as its
human. clawauth gets the human's approval without blocking the agent:

1. The agent runs \`clawauth login start <provider>\`. The CLI makes two fresh
   key pairs for this one login (one to sign its requests, one to receive the
   token) and registers the public halves with the clawauth server. The secret
   halves stay in this machine's keychain.
2. The agent sends the short link and its confirmation code to its human and
   keeps working.
3. The human opens the link: a page on the clawauth server says who asks, for
   what, and shows the code; one button continues to the provider, where the
   human approves. The provider
   sends the result to the clawauth server, which exchanges it for a token
   (the server holds the OAuth app's client secret), encrypts the token to this
   login's public key, and keeps only that ciphertext.
4. Later the agent runs \`clawauth login status <sessionId>\`, and once it says
   \`completed\`, \`clawauth login claim <sessionId>\`: the server hands the
   ciphertext over exactly once and forgets the session. Only this machine can
   decrypt it. The CLI stores the token in the OS keychain.
5. From then on \`clawauth token get <provider>\` returns a valid access token,
   refreshing it first (through the server) when it is about to expire.

Security model
--------------
- The server never stores a readable token. It holds a login session only
  until it is claimed or expires (default 1 hour), then deletes it.
- The token travels end-to-end encrypted (nacl.box: X25519 + XSalsa20-Poly1305)
  from the server to the CLI session that asked for it.
- Status and claim requests are signed with the session's Ed25519 key, carry a
  timestamp and a one-time nonce, and are rate limited: a stolen session id
  alone cannot claim the token, and a recorded request cannot be replayed.
- Opening the link never signs anyone in: only the page's own button does
  (same-origin, CSRF-checked), and only one browser per login: a second
  browser stops the login instead of finishing it. The OAuth \`state\` is
  opaque and single use, each provider has its own callback address, and PKCE
  is used wherever the provider supports it.
- The agent learns which account it received (\`identity\` in \`login claim\`),
  and a claim never replaces the account a profile already holds.
- On this machine tokens live in the OS keychain (macOS Keychain, Secret
  Service on Linux, Windows Credential Manager). Secrets are passed to those
  tools on stdin, never on a command line. A 0600 file is used only when you
  choose it (CLAWAUTH_KEYCHAIN=file) or when no keychain works, and then the
  CLI says so on stderr every time.
- No token is lost: the CLI checks that it can store before it claims, and if
  storing still fails after the claim, it writes the token to a 0600 recovery
  file and tells you where.
- One record per account on the machine, shared by every agent process;
  refreshes happen under a cross-process lock, so concurrent agents never
  invalidate each other's tokens.
- The CLI never prints a raw token unless that is the command's purpose
  (\`token get\`, \`token env\`, \`login claim --reveal\`). Agents must not show
  raw tokens to users.

Run \`clawauth docs\` for every command, JSON field and setting.
`;

/** `clawauth explain`. */
export function runExplain(argv: string[], _ctx: CliContext): Promise<CommandResult> {
  parseCommandArgs(argv, { command: "explain", flags: {}, positionals: [], required: 0 });
  return Promise.resolve({ data: { action: "explain", text: EXPLAIN_TEXT }, human: EXPLAIN_TEXT });
}
