/**
 * `clawauth sessions` and `clawauth session-rm`: the login sessions this machine started and
 * has not claimed yet (recovers an agent's lost context), and their removal.
 *
 *   clawauth sessions --json              # every local session with its live status
 *   clawauth session-rm <sessionId>       # forget one (its keys leave the keychain)
 */
import { decodeBase64 } from "../../shared/base64.ts";
import { isClawauthError } from "../../shared/errors.ts";
import { createServerClient } from "../server_client.ts";
import { ERROR_CODES } from "../../shared/errors.ts";
import { parseCommandArgs, parseSessionId } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import { clientFor, type LoadedSession, loadLoginSession } from "../flows/claim.ts";
import {
  listSessions,
  loadSession,
  removeSession,
  type SessionIndexEntry,
  type SessionStoreContext,
} from "../store/sessions_index.ts";

export const SESSIONS_USAGE = `Usage: clawauth sessions [--json]

Lists every login session started on this machine and not yet claimed or removed, with its
live status from the server. Use it to recover a sessionId after losing context.

Status values: pending | completed | error (from the server); expired (past its lifetime,
or the server no longer knows it); unknown (the server could not be asked: see error);
keychain_unavailable (the keychain holding the session's keys cannot be reached: see error;
the session is not lost); local_corrupt (the key material in the keychain is missing or
unreadable: remove it).

JSON fields: action ("sessions"), sessions: [{ sessionId, provider, profile, server,
shortAuthUrl (the link to send to the human again), confirmationCode (when the server gave
one), createdAt, expiresAt, expiresIn (seconds left, 0 once expired), lifetimeSeconds, status,
error, statusCommand, claimCommand }].

Examples:
  clawauth sessions --json
`;

export const SESSION_RM_USAGE = `Usage: clawauth session-rm <sessionId> [--json]

Removes a login session: first on the server (a signed DELETE /session/<id> with the
session's key, so nobody can finish or claim it there), then on this machine (its keys leave
the keychain and its index entry the state directory). When the server cannot be reached,
the local copy is still removed and the server copy expires on its own; without the keys
nobody can claim it (serverRemoved: false, serverNote says why).

JSON fields: action ("session-rm"), sessionId, removed (false when nothing was stored
locally), serverRemoved, serverNote.

Examples:
  clawauth session-rm 0b9c3f3e-1c1a-4c1e-9f0e-6a1f3f1f2f3a --json
`;

/** Whole seconds from `now` until `expiresAt` (0 once passed); null when unknown. */
export function secondsLeft(expiresAt: number | undefined, now: number): number | null {
  return expiresAt === undefined ? null : Math.max(0, Math.floor((expiresAt - now) / 1000));
}

/** The link fields of a local session: shortAuthUrl, confirmationCode, expiresAt, expiresIn (left). */
export function sessionLink(session: LoadedSession, now: number): {
  shortAuthUrl: string | null;
  confirmationCode?: string;
  expiresAt: string | null;
  expiresIn: number | null;
} {
  const { material } = session;
  const created = typeof material.createdAt === "number"
    ? material.createdAt
    : Date.parse(material.createdAt);
  const expiresAt = Number.isFinite(created) && created > 0
    ? created + material.expiresIn * 1000
    : undefined;
  return {
    shortAuthUrl: material.shortAuthUrl ?? null,
    ...(material.confirmationCode !== undefined
      ? { confirmationCode: material.confirmationCode }
      : {}),
    expiresAt: expiresAt !== undefined ? new Date(expiresAt).toISOString() : null,
    expiresIn: secondsLeft(expiresAt, now),
  };
}

function createdMs(value: string | number): number | undefined {
  const ms = typeof value === "number" ? value : Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

async function liveStatus(
  ctx: CliContext,
  entry: SessionIndexEntry,
  store: SessionStoreContext,
): Promise<Record<string, unknown>> {
  const created = createdMs(entry.createdAt);
  const expiresAt = created !== undefined ? created + entry.expiresIn * 1000 : undefined;
  const row: Record<string, unknown> = {
    sessionId: entry.sessionId,
    provider: entry.provider,
    profile: `${entry.provider}:${entry.profile}`,
    server: entry.server ?? ctx.serverUrl,
    shortAuthUrl: entry.shortAuthUrl ?? null,
    ...(entry.confirmationCode !== undefined ? { confirmationCode: entry.confirmationCode } : {}),
    createdAt: created !== undefined ? new Date(created).toISOString() : null,
    expiresAt: expiresAt !== undefined ? new Date(expiresAt).toISOString() : null,
    expiresIn: secondsLeft(expiresAt, ctx.now()),
    lifetimeSeconds: entry.expiresIn,
    status: "unknown",
    error: null,
    statusCommand: `clawauth login status ${entry.sessionId}`,
    claimCommand: `clawauth login claim ${entry.sessionId}`,
  };
  let material;
  try {
    material = await loadSession(store, entry.sessionId);
  } catch (error) {
    if (isClawauthError(error) && error.code === ERROR_CODES.STORAGE_FAILED) material = null;
    else {
      if (isClawauthError(error) && error.code === ERROR_CODES.KEYCHAIN_UNAVAILABLE) {
        row.status = "keychain_unavailable";
        row.fix = error.details.fix;
      }
      row.error = isClawauthError(error) ? error.message : String(error);
      return row;
    }
  }
  if (material === null) {
    row.status = "local_corrupt";
    row.error =
      `the session's keys are missing or unreadable in the keychain; remove it: clawauth session-rm ${entry.sessionId}`;
    return row;
  }
  if (expiresAt !== undefined && expiresAt <= ctx.now()) {
    row.status = "expired";
    row.error = `expired at ${row.expiresAt}; remove it: clawauth session-rm ${entry.sessionId}`;
    return row;
  }
  try {
    const session = await loadLoginSession(ctx, entry.sessionId, store.keychain, true);
    const answer = await clientFor(ctx, session).status(entry.sessionId, session.signSecretKey);
    row.status = answer.status;
    row.error = answer.error ?? null;
  } catch (error) {
    if (
      isClawauthError(error) &&
      (error.code === ERROR_CODES.SESSION_NOT_FOUND || error.code === ERROR_CODES.SESSION_EXPIRED)
    ) {
      row.status = "expired";
      row.error =
        `the server no longer knows this session (expired or already claimed); remove it: clawauth session-rm ${entry.sessionId}`;
    } else if (isClawauthError(error) && error.code === ERROR_CODES.STORAGE_FAILED) {
      row.status = "local_corrupt";
      row.error = error.message;
    } else {
      row.error = isClawauthError(error) ? `${error.message} (${error.code})` : String(error);
    }
  }
  return row;
}

/** `clawauth sessions`. */
export async function runSessions(argv: string[], ctx: CliContext): Promise<CommandResult> {
  parseCommandArgs(argv, { command: "sessions", flags: {}, positionals: [], required: 0 });
  const entries = await listSessions({ stateDir: ctx.stateDir });
  const rows: Record<string, unknown>[] = [];
  if (entries.length > 0) {
    const store: SessionStoreContext = {
      keychain: await ctx.keychain(),
      sessionKeychainService: ctx.sessionKeychainService,
      stateDir: ctx.stateDir,
    };
    rows.push(...await Promise.all(entries.map((entry) => liveStatus(ctx, entry, store))));
  }
  rows.sort((a, b) =>
    String(a.provider).localeCompare(String(b.provider)) ||
    String(a.createdAt ?? "").localeCompare(String(b.createdAt ?? "")) ||
    String(a.sessionId).localeCompare(String(b.sessionId))
  );
  const lines: string[] = [];
  if (rows.length === 0) lines.push("No local sessions found.");
  else {
    lines.push(`Local sessions: ${rows.length}`);
    let provider = "";
    for (const row of rows) {
      if (row.provider !== provider) {
        provider = String(row.provider);
        lines.push("", `[${provider}]`);
      }
      lines.push(
        `- ${row.sessionId}  status=${row.status}  profile=${row.profile}  expiresAt=${
          row.expiresAt ?? "unknown"
        }${row.expiresIn !== null ? ` (${row.expiresIn}s left)` : ""}${
          row.shortAuthUrl ? `\n    link: ${row.shortAuthUrl}` : ""
        }${row.confirmationCode ? `  code: ${row.confirmationCode}` : ""}${
          row.error ? `\n    ${row.error}` : ""
        }`,
      );
    }
  }
  return { data: { action: "sessions", sessions: rows }, human: lines.join("\n") };
}

/** `clawauth session-rm`. */
export async function runSessionRm(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const { positionals } = parseCommandArgs(argv, {
    command: "session-rm",
    flags: {},
    positionals: ["sessionId"],
    required: 1,
  });
  const sessionId = parseSessionId(positionals[0]);
  const store: SessionStoreContext = {
    keychain: await ctx.keychain(),
    sessionKeychainService: ctx.sessionKeychainService,
    stateDir: ctx.stateDir,
  };
  let existed: boolean;
  let material: Awaited<ReturnType<typeof loadSession>> = null;
  try {
    material = await loadSession(store, sessionId);
    existed = material !== null;
  } catch (error) {
    if (!isClawauthError(error) || error.code !== ERROR_CODES.STORAGE_FAILED) throw error;
    existed = true; // corrupt keys: still ours to remove
  }
  if (!existed) {
    existed = (await listSessions({ stateDir: ctx.stateDir })).some((entry) =>
      entry.sessionId === sessionId
    );
  }
  // Remove on the server first: the signing key is needed for that and goes with the local copy.
  let serverRemoved = false;
  let serverNote: string;
  if (material === null) {
    serverNote = "no signing key on this machine, so the server copy was left to expire on its own";
  } else {
    try {
      const client = createServerClient({
        serverUrl: material.server ?? ctx.serverUrl,
        fetch: ctx.fetch,
        now: ctx.now,
      });
      serverRemoved = await client.removeSession(sessionId, decodeBase64(material.signSecretKey));
      serverNote = serverRemoved
        ? "removed on the server"
        : "the server no longer had it (expired, claimed or removed before)";
    } catch (error) {
      serverNote = `could not remove it on the server (${
        isClawauthError(error) ? error.message : String(error)
      }); it expires there on its own and nobody can claim it, because the keys are gone`;
    }
  }
  await removeSession(store, sessionId);
  const data = {
    action: "session-rm",
    sessionId,
    removed: existed,
    serverRemoved,
    serverNote,
  };
  const human = existed
    ? `Removed local session ${sessionId} (its keys are gone from the keychain).\nServer: ${serverNote}.`
    : `No local session ${sessionId} was found; nothing to remove.`;
  return { data, human };
}
