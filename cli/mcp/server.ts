/**
 * The clawauth MCP server: six tools over the same code paths as the CLI commands
 * (`runLoginStart`, `runLoginStatus` + `runLoginClaim`, `runTokenList`, `apiRequest`,
 * `runTokenRm`, `runProviders`). No tool result contains an access or refresh token: results
 * are built from chosen fields, scrubbed again (./results.ts), and `call_api` bodies have the
 * profile's tokens redacted.
 *
 * @see https://github.com/modelcontextprotocol/typescript-sdk (branch v1.x, docs/server.md)
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { ClawauthError, ERROR_CODES, isClawauthError } from "../../shared/errors.ts";
import type { CliContext } from "../context.ts";
import { VERSION } from "../version.ts";
import { failed, ok, type ToolResult } from "./results.ts";

/** Largest response body `call_api` returns to the model (bytes; the rest is cut off). */
export const MCP_MAX_BODY_BYTES = 100_000;

/** What the server tells the model about the whole flow. */
export const MCP_INSTRUCTIONS =
  `clawauth lets you act with a person's account at an OAuth provider (GitHub, Notion, ...) without ever seeing the token.
Flow (asynchronous, never wait for the human):
1. request_access {provider}: returns a link (and a confirmation code). Send the link to the human with the tellTheHuman text, then KEEP WORKING on other things.
2. Later, check_access {sessionId}: "pending" means not yet (check again later); "completed" means the account is stored (the claim happens by itself).
3. call_api {provider, path}: makes the authenticated request and returns the response. The token is sent only to that provider's API hosts.
list_accounts shows stored accounts; revoke_access removes one; list_providers lists providers.
Never ask the human to paste a token into the chat.`;

const PROVIDER = z.string().min(1).max(64).describe(
  "Provider name as list_providers spells it, e.g. github",
);
const PROFILE = z.string().min(1).max(64).optional().describe(
  'Account name when several accounts of one provider are stored (default: "default")',
);
const ERROR_SHAPE = z.object({ code: z.string(), message: z.string() }).passthrough().optional();

function toolCtx(ctx: CliContext): CliContext {
  // The MCP channel is stdout: nothing a command writes may land there.
  return {
    ...ctx,
    json: true,
    stdout: ctx.stderr,
    stdin: new ReadableStream({ start: (controller) => controller.close() }),
    isTerminal: false,
    stdoutIsTerminal: false,
  };
}

async function guarded(run: () => Promise<ToolResult>): Promise<ToolResult> {
  try {
    return await run();
  } catch (error) {
    return failed(error);
  }
}

function profileArgs(profile: string | undefined): string[] {
  return profile === undefined ? [] : ["--profile", profile];
}

function tellTheHuman(data: Record<string, unknown>): string {
  const minutes = typeof data.expiresIn === "number" ? Math.round(data.expiresIn / 60) : undefined;
  return [
    `To let me use your ${data.provider} account, open this link and approve: ${data.shortAuthUrl}`,
    typeof data.confirmationCode === "string"
      ? `The page shows the code ${data.confirmationCode}; approve only if it matches.`
      : "",
    minutes !== undefined ? `The link expires in about ${minutes} minutes.` : "",
    "If you did not expect this request, ignore the link.",
  ].filter((line) => line !== "").join(" ");
}

// The SDK's zod-compat types resolve to `any` under Deno, so handler arguments are typed here.
interface CallApiArgs {
  provider: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  profile?: string;
}

const pick = (data: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(names.filter((name) => data[name] !== undefined).map((n) => [n, data[n]]));

/** Builds the MCP server over `ctx` (the CLI context of `clawauth mcp`). */
export function createMcpServer(cliCtx: CliContext): McpServer {
  const ctx = toolCtx(cliCtx);
  const server = new McpServer(
    { name: "clawauth", version: VERSION },
    { instructions: MCP_INSTRUCTIONS },
  );

  server.registerTool("list_providers", {
    title: "List providers",
    description:
      "Lists the OAuth providers the clawauth server supports (names to use in request_access and call_api).",
    inputSchema: {},
    outputSchema: z.looseObject({
      providers: z.array(z.string()).optional(),
      source: z.string().optional(),
      error: ERROR_SHAPE,
    }),
  }, () =>
    guarded(async () => {
      const { runProviders } = await import("../commands/providers.ts");
      const { data } = await runProviders([], ctx);
      return ok(pick(data, ["providers", "source", "details", "notice"]));
    }));

  server.registerTool(
    "request_access",
    {
      title: "Request access to an account",
      description:
        "Starts a login: returns a short link for the human (and a confirmation code when the server gives one) and the exact text to send them. It does NOT wait: hand the link to the human, keep working on other tasks, and call check_access with the sessionId later. Never returns a token.",
      inputSchema: {
        provider: PROVIDER,
        scope: z.string().min(1).max(1024).optional().describe(
          "OAuth scope in the provider's syntax",
        ),
        profile: PROFILE,
      },
      outputSchema: z.looseObject({
        provider: z.string().optional(),
        sessionId: z.string().optional(),
        shortAuthUrl: z.string().optional(),
        confirmationCode: z.string().optional(),
        tellTheHuman: z.string().optional(),
        next: z.string().optional(),
        error: ERROR_SHAPE,
      }),
    },
    ({ provider, scope, profile }: { provider: string; scope?: string; profile?: string }) =>
      guarded(async () => {
        const { runLoginStart } = await import("../commands/login.ts");
        const argv = [provider, ...(scope ? ["--scope", scope] : []), ...profileArgs(profile)];
        const { data } = await runLoginStart(argv, ctx);
        const result = {
          ...pick(data, [
            "provider",
            "sessionId",
            "shortAuthUrl",
            "confirmationCode",
            "expiresIn",
            "expiresAt",
            "profile",
          ]),
          tellTheHuman: tellTheHuman(data),
          next:
            `Send tellTheHuman to the human, keep working, then call check_access with sessionId ${data.sessionId} later.`,
        };
        return ok(result, result.tellTheHuman);
      }),
  );

  server.registerTool("check_access", {
    title: "Check a login",
    description:
      'Checks a login started by request_access. "pending": the human has not approved yet; do something else and check again later. "completed": the account is now stored (claimed automatically) and call_api can use it; the account identity is returned when the provider gives one. "error": the login failed; start a new one. Never returns a token.',
    inputSchema: {
      sessionId: z.string().min(8).max(128).describe("sessionId from request_access"),
    },
    outputSchema: z.looseObject({
      status: z.string().optional(),
      provider: z.string().optional(),
      profile: z.string().optional(),
      next: z.string().optional(),
      error: z.unknown().optional(),
    }),
  }, ({ sessionId }: { sessionId: string }) =>
    guarded(async () => {
      const { runLoginStatus, runLoginClaim } = await import("../commands/login.ts");
      const status = (await runLoginStatus([sessionId], ctx)).data;
      if (status.status === "pending") {
        return ok({
          ...pick(status, ["sessionId", "status", "provider"]),
          next: "The human has not approved yet. Keep working and call check_access again later.",
        });
      }
      // completed: claim now; error: the claim reports it (session_failed) and drops the
      // session's local keys.
      let claim: Record<string, unknown>;
      try {
        claim = (await runLoginClaim([sessionId], ctx)).data;
      } catch (error) {
        if (!isClawauthError(error) || error.code !== ERROR_CODES.SESSION_FAILED) throw error;
        return failed(error, {
          sessionId,
          status: "error",
          provider: error.details.provider,
          next: "Start a new login with request_access.",
        });
      }
      const result = pick(claim, [
        "sessionId",
        "status",
        "provider",
        "profile",
        "account",
        "identity",
        "storedInKeychain",
      ]);
      if (claim.status === "completed") {
        return ok({
          ...result,
          next: `Access granted. Use call_api with provider ${claim.provider}.`,
        });
      }
      if (claim.status === "pending") {
        return ok({ ...result, next: "Not claimable yet; call check_access again later." });
      }
      return failed(
        new ClawauthError(
          ERROR_CODES.SESSION_FAILED,
          String(claim.error ?? status.error ?? "login failed"),
        ),
        { ...result, next: "Start a new login with request_access." },
      );
    }));

  server.registerTool("list_accounts", {
    title: "List stored accounts",
    description:
      "Lists the accounts stored on this machine (provider, profile, identity, expiry, whether a refresh token exists). Never returns a token.",
    inputSchema: { provider: PROVIDER.optional() },
    outputSchema: z.looseObject({ accounts: z.array(z.unknown()).optional(), error: ERROR_SHAPE }),
  }, ({ provider }: { provider?: string }) =>
    guarded(async () => {
      const { runTokenList } = await import("../commands/token.ts");
      const { data } = await runTokenList(provider ? [provider] : [], ctx);
      const rows = (data.tokens as Array<Record<string, unknown>>).map((row) =>
        pick(row, [
          "provider",
          "profile",
          "identity",
          "type",
          "origin",
          "expires_at",
          "has_refresh_token",
          "scope",
          "refresh_state",
          "last_used_at",
        ])
      );
      return ok({ accounts: rows });
    }));

  server.registerTool("call_api", {
    title: "Call the provider's API",
    description:
      `Makes an authenticated HTTP request to the provider's API with the stored account (refreshed when needed) and returns status, headers and body (JSON parsed; at most ${MCP_MAX_BODY_BYTES} bytes, then truncated: true). path is a path like /user (resolved against the provider's API base) or a URL on the provider's API hosts; other hosts are refused. HTTP >= 400 is returned with isError: true. The token is never returned.`,
    inputSchema: {
      provider: PROVIDER,
      path: z.string().min(1).max(4096).describe(
        "API path (/user) or URL on the provider's API host",
      ),
      method: z.string().regex(/^[A-Za-z]{1,20}$/).optional().describe("HTTP method, default GET"),
      headers: z.record(z.string(), z.string()).optional().describe("Extra request headers"),
      body: z.string().max(1_000_000).optional().describe("Request body (JSON text for JSON APIs)"),
      profile: PROFILE,
    },
    outputSchema: z.looseObject({
      status: z.number().optional(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
      truncated: z.boolean().optional(),
      error: ERROR_SHAPE,
    }),
  }, ({ provider, path, method, headers, body, profile }: CallApiArgs) =>
    guarded(async () => {
      const [{ apiRequest }, { decodeBody, httpErrorMessage }] = await Promise.all([
        import("../flows/api_request.ts"),
        import("../commands/api.ts"),
      ]);
      const requestHeaders = Object.entries(headers ?? {});
      if (body !== undefined && !requestHeaders.some(([n]) => n.toLowerCase() === "content-type")) {
        try {
          JSON.parse(body);
          requestHeaders.push(["content-type", "application/json"]);
        } catch {
          // not JSON: no content type of ours
        }
      }
      const response = await apiRequest(ctx, {
        provider,
        ...(profile !== undefined ? { profile } : {}),
        target: path,
        method: (method ?? (body !== undefined ? "POST" : "GET")).toUpperCase(),
        headers: requestHeaders,
        ...(body !== undefined ? { body: new TextEncoder().encode(body) } : {}),
        maxBodyBytes: MCP_MAX_BODY_BYTES,
        redact: true,
      });
      const { "set-cookie": _cookie, ...shownHeaders } = response.headers;
      const result = {
        status: response.status,
        headers: shownHeaders,
        body: response.truncated ? new TextDecoder().decode(response.body) : decodeBody(response),
        truncated: response.truncated,
        url: response.url,
      };
      if (response.status >= 400) {
        return failed(
          new ClawauthError(ERROR_CODES.HTTP_ERROR, httpErrorMessage(response)),
          result,
        );
      }
      return ok(result);
    }));

  server.registerTool("revoke_access", {
    title: "Remove a stored account",
    description:
      "Removes a stored account from this machine (and revokes it at the provider where clawauth supports that), like `clawauth token rm`. Ask the human before using it.",
    inputSchema: { provider: PROVIDER, profile: PROFILE },
    outputSchema: z.looseObject({ removed: z.boolean().optional(), error: ERROR_SHAPE }),
  }, ({ provider, profile }: { provider: string; profile?: string }) =>
    guarded(async () => {
      const { runTokenRm } = await import("../commands/token_manage.ts");
      const { data } = await runTokenRm([provider, ...profileArgs(profile)], ctx);
      return ok(data);
    }));

  return server;
}
