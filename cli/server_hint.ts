/**
 * Says where the server URL came from, so `server_unreachable` can name the URL, the setting
 * that chose it and the fix, and a stored session on another server can be announced.
 */
import { ClawauthError, ERROR_CODES, isClawauthError } from "../shared/errors.ts";

/** Which setting chose the server URL. */
export type ServerUrlSource =
  | "--server"
  | "CLAWAUTH_SERVER_URL"
  | "CLAWAUTH_WORKER_URL"
  | "default";

/** The setting that `resolveServerUrl` took the URL from (same precedence). */
export function serverUrlSource(
  env: Record<string, string | undefined>,
  serverFlag?: string,
): ServerUrlSource {
  if (serverFlag !== undefined) return "--server";
  if ((env.CLAWAUTH_SERVER_URL ?? "").trim() !== "") return "CLAWAUTH_SERVER_URL";
  if ((env.CLAWAUTH_WORKER_URL ?? "").trim() !== "") return "CLAWAUTH_WORKER_URL";
  return "default";
}

function describeSource(source: ServerUrlSource): string {
  switch (source) {
    case "--server":
      return "chosen by --server";
    case "default":
      return "the built-in default; neither --server nor CLAWAUTH_SERVER_URL is set";
    default:
      return `chosen by the environment variable ${source}`;
  }
}

/**
 * Adds to a `server_unreachable` error which setting chose the URL (`details.setting`) and the
 * fix; other errors are returned unchanged.
 */
export function withServerHint(
  error: unknown,
  configured: { url: string; source: ServerUrlSource },
): unknown {
  if (!isClawauthError(error) || error.code !== ERROR_CODES.SERVER_UNREACHABLE) return error;
  if (typeof error.details.setting === "string") return error;
  const url = typeof error.details.serverUrl === "string" ? error.details.serverUrl : undefined;
  let setting: string;
  let why: string;
  let fix: string;
  if (url === undefined || url === configured.url) {
    setting = configured.source;
    why = `the URL ${configured.url} is ${describeSource(configured.source)}`;
    fix = configured.source === "default"
      ? "set CLAWAUTH_SERVER_URL (or pass --server) to your clawauth server, e.g. CLAWAUTH_SERVER_URL=http://127.0.0.1:8787"
      : `start the clawauth server at ${configured.url}, or point ${
        configured.source === "--server" ? "--server" : configured.source
      } at a running one`;
  } else {
    setting = "session";
    why =
      `${url} is the server this login session was started on (stored with the session); the configured server is ${configured.url} (${
        describeSource(configured.source)
      })`;
    fix = `start the clawauth server at ${url} again; a session cannot move to another server`;
  }
  return new ClawauthError(
    error.code,
    `${error.message}. Is the server running? ${why}`,
    {
      status: error.status,
      cause: error,
      details: { ...error.details, serverUrl: url ?? configured.url, setting, fix },
    },
  );
}
