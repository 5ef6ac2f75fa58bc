/**
 * `clawauth mcp`: the MCP server over stdio (tools: list_providers, request_access,
 * check_access, list_accounts, call_api, revoke_access). Runs until the client closes stdin.
 *
 *   clawauth mcp          # started by an MCP client, e.g. { "command": "clawauth", "args": ["mcp"] }
 */
import { parseCommandArgs } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";

export const MCP_USAGE = `Usage: clawauth mcp [--server <url>]

Runs an MCP server over stdio for agents that speak the Model Context Protocol. Tools:
  list_providers    providers the clawauth server supports
  request_access    start a login: a link (and confirmation code) for the human; never a token
  check_access      pending | completed (claims by itself) | error; the account identity
  list_accounts     stored accounts (no secrets)
  call_api          authenticated request to the provider's API (same host allow-list as
                    \`clawauth api\`; bodies cut at 100000 bytes); never returns the token
  revoke_access     remove a stored account (as \`clawauth token rm\`)
No tool result ever contains an access or refresh token. Logs go to stderr.

MCP client configuration (e.g. Claude Desktop, Cursor, VS Code):
  { "mcpServers": { "clawauth": { "command": "clawauth", "args": ["mcp"] } } }

Examples:
  clawauth mcp
  clawauth mcp --server http://127.0.0.1:8787
`;

/** `clawauth mcp`: serves until stdin closes. */
export async function runMcp(argv: string[], ctx: CliContext): Promise<CommandResult> {
  parseCommandArgs(argv, { command: "mcp", flags: {}, positionals: [], required: 0 });
  const [{ createMcpServer }, { StdioServerTransport }, process] = await Promise.all([
    import("../mcp/server.ts"),
    import("@modelcontextprotocol/sdk/server/stdio.js"),
    import("node:process"),
  ]);
  const server = createMcpServer(ctx);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    process.default.stdin.once("end", () => resolve());
    process.default.stdin.once("close", () => resolve());
    server.server.onclose = () => resolve();
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => {});
  return { data: { action: "mcp" }, human: "", printed: true };
}
