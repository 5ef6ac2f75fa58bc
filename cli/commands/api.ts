/**
 * `clawauth api <provider> <path-or-url>`: an authenticated request against the provider's API
 * (the `gh api` pattern); the agent gets the response, never the token.
 *
 *   clawauth api github /user
 *   clawauth api github /user/repos -X POST -d '{"name":"demo"}'
 *   clawauth api github /user --json      # { status, headers, body }
 */
import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { parseCommandArgs, parseProfileName, parseProviderName, usageError } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import type { ApiResponse } from "../flows/api_request.ts";
import { parseProfileId } from "../store/profiles.ts";

export const API_USAGE =
  `Usage: clawauth api <provider> <path-or-url> [-X <method>] [-H 'Name: value']... [-d <data> | --input <file|->] [--profile <name>] [--json]

Sends one HTTP request to the provider's API with the stored token (refreshed first when
about to expire, and once more after a 401) and prints the response body: pretty JSON on a
terminal, as received otherwise. The token itself is never printed.

A path (/user) is resolved against the provider's API base URL. An absolute URL must be on
one of the provider's API hosts (https; http only on loopback); any other host is refused
(api_host_refused), so the token cannot be sent anywhere else. Redirects are followed
without the token when they leave those hosts. Your own -H 'Authorization: ...' wins over
the stored token.

Options:
  -X, --method <method>   HTTP method (default GET, or POST with -d/--input)
  -H, --header <header>   'Name: value', repeatable
  -d, --data <data>       request body (Content-Type application/json when it is JSON)
  --input <file|->        request body from a file, or - for stdin
  --profile <name>        which account of the provider

JSON fields (--json): status, headers (lower-case names), body (parsed JSON, else text),
truncated, url, profile; on HTTP >= 400 also error { code: "http_error", message }.

Exit codes: 0 for HTTP < 400; 1 for HTTP >= 400 (the body still goes to stdout, one line
to stderr) and other failures; 2 for usage errors.
Errors: api_host_refused, api_not_configured (set CLAWAUTH_API_BASE_<PROVIDER>), http_error,
token_not_found, needs_login, transient_error.

API hosts come from the registry compiled into the CLI, this machine's provider config
(CLAWAUTH_PROVIDERS, field api) and CLAWAUTH_API_BASE_<PROVIDER> /
CLAWAUTH_API_HOSTS_<PROVIDER> (comma-separated) set on this machine; never from the server.

Examples:
  clawauth api github /user
  clawauth api github /repos/OWNER/REPO/issues -X POST -d '{"title":"Found a bug"}'
  clawauth api github https://api.github.com/rate_limit --json
`;

/** Parsed `api` arguments. */
export interface ApiArgs {
  provider: string;
  profile?: string;
  target: string;
  method: string;
  headers: Array<[string, string]>;
  data?: string;
  input?: string;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses `api` argv (repeated -H allowed). */
export function parseApiArgs(argv: string[]): ApiArgs {
  const headers: Array<[string, string]> = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let value: string | undefined;
    if (arg === "-H" || arg === "--header") value = argv[++i] ?? "";
    else if (arg.startsWith("--header=")) value = arg.slice("--header=".length);
    else {
      rest.push(arg);
      continue;
    }
    const colon = value.indexOf(":");
    const name = colon === -1 ? "" : value.slice(0, colon).trim();
    if (!HEADER_NAME.test(name)) {
      throw usageError(
        `-H needs 'Name: value': got ${
          JSON.stringify(value.slice(0, 60))
        }; run \`clawauth api --help\``,
      );
    }
    headers.push([name, value.slice(colon + 1).trim()]);
  }
  const { flags, positionals } = parseCommandArgs(rest, {
    command: "api",
    flags: {
      method: { type: "string", short: "X", value: "method" },
      data: { type: "string", short: "d", value: "data" },
      input: { type: "string", value: "file|-" },
      profile: { type: "string", value: "name" },
    },
    positionals: ["provider", "path-or-url"],
    required: 2,
  });
  if (typeof flags.data === "string" && typeof flags.input === "string") {
    throw usageError("give either -d <data> or --input <file|->, not both");
  }
  const method = typeof flags.method === "string"
    ? flags.method.toUpperCase()
    : flags.data !== undefined || flags.input !== undefined
    ? "POST"
    : "GET";
  if (!/^[A-Z]{1,20}$/.test(method)) {
    throw usageError(
      `-X must be an HTTP method such as GET or POST: got ${JSON.stringify(method)}`,
    );
  }
  return {
    provider: positionals[0].includes(":")
      ? parseProfileId(positionals[0]).id
      : parseProviderName(positionals[0]),
    ...(typeof flags.profile === "string" ? { profile: parseProfileName(flags.profile) } : {}),
    target: positionals[1],
    method,
    headers,
    ...(typeof flags.data === "string" ? { data: flags.data } : {}),
    ...(typeof flags.input === "string" ? { input: flags.input } : {}),
  };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return /^\s*[[{]/.test(text);
  } catch {
    return false;
  }
}

async function requestBody(
  args: ApiArgs,
  ctx: CliContext,
): Promise<{ body?: Uint8Array<ArrayBuffer>; contentType?: string }> {
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  if (args.data !== undefined) bytes = new TextEncoder().encode(args.data);
  else if (args.input === "-") bytes = await readAll(ctx.stdin);
  else if (args.input !== undefined) {
    try {
      bytes = await Deno.readFile(args.input);
    } catch (error) {
      throw usageError(
        `--input: cannot read ${JSON.stringify(args.input)}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  }
  if (bytes === undefined) return {};
  const json = looksLikeJson(new TextDecoder().decode(bytes));
  return { body: bytes, ...(json ? { contentType: "application/json" } : {}) };
}

/** The body as parsed JSON when it is JSON, else as text. */
export function decodeBody(response: Pick<ApiResponse, "body" | "headers">): unknown {
  const text = new TextDecoder().decode(response.body);
  const type = response.headers["content-type"] ?? "";
  if (/\bjson\b/i.test(type) || looksLikeJson(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** One line naming the HTTP failure (no query string: it may hold anything). */
export function httpErrorMessage(response: ApiResponse): string {
  return `HTTP ${response.status} from ${response.method} ${response.url}`;
}

/** `clawauth api`. */
export async function runApi(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const args = parseApiArgs(argv);
  const { body, contentType } = await requestBody(args, ctx);
  const headers = [...args.headers];
  if (contentType && !headers.some(([name]) => name.toLowerCase() === "content-type")) {
    headers.push(["content-type", contentType]);
  }
  const { apiRequest } = await import("../flows/api_request.ts");
  const response = await apiRequest(ctx, {
    provider: args.provider,
    ...(args.profile !== undefined ? { profile: args.profile } : {}),
    target: args.target,
    method: args.method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const failed = response.status >= 400;
  if (ctx.json) {
    const data: Record<string, unknown> = {
      status: response.status,
      headers: response.headers,
      body: decodeBody(response),
      truncated: response.truncated,
      url: response.url,
      profile: response.profile,
    };
    if (failed) {
      data.error = { code: ERROR_CODES.HTTP_ERROR, message: httpErrorMessage(response) };
      ctx.stderr(`clawauth: ${httpErrorMessage(response)} (${ERROR_CODES.HTTP_ERROR})\n`);
    }
    return { data, ...(failed ? { exitCode: 1 } : {}) };
  }
  const text = new TextDecoder().decode(response.body);
  if (ctx.stdoutIsTerminal) {
    const parsed = decodeBody(response);
    ctx.stdout(
      typeof parsed === "string" ? text : `${JSON.stringify(parsed, null, 2)}\n`,
    );
  } else {
    ctx.stdout(text);
  }
  if (failed) {
    throw new ClawauthError(ERROR_CODES.HTTP_ERROR, httpErrorMessage(response), {
      details: { status: response.status },
    });
  }
  return { data: { status: response.status }, human: "", printed: true };
}
