/**
 * `clawauth token import openclaw|codex`: takes over the credentials another tool already
 * stores, instead of a second login (a second login is what invalidates the other tool's
 * refresh token, seeds 001–003 "token sink"). Secrets go to the keychain through the credential
 * store, metadata beside; nothing is printed but what was imported, skipped and why.
 *
 *   clawauth token import openclaw                       # ~/.openclaw, agent main
 *   clawauth token import openclaw --agent work --state-dir /srv/openclaw
 *   clawauth token import codex                          # ~/.codex/auth.json
 */

import { ClawauthError, ERROR_CODES } from "../../shared/errors.ts";
import { parseCommandArgs, usageError } from "../args.ts";
import type { CliContext, CommandResult } from "../context.ts";
import { applyImport, type ImportReport } from "../flows/import_apply.ts";
import { codexHome, readCodex } from "../flows/import_codex.ts";
import {
  OPENCLAW_DEFAULT_AGENT,
  openclawStateDir,
  readOpenclaw,
} from "../flows/import_openclaw.ts";
import type { ImportSource } from "../flows/import_types.ts";

export const TOKEN_IMPORT_USAGE =
  `Usage: clawauth token import openclaw [--agent <id>] [--state-dir <dir>] [--prefix <text>] [--json]
       clawauth token import codex [--codex-home <dir>] [--profile <name>] [--json]

Imports credentials another tool already stores, so you do not log in a second time (a second
login can invalidate the other tool's refresh token). Secrets go to the keychain; the output
names what was imported, skipped and why, never a secret. Safe to run again: what is already
stored is left alone ("unchanged"), and a stored profile of another account is never replaced.

openclaw   <state>/agents/<agent>/agent/auth-profiles.json (current format with profiles,
           order and lastGood, or the legacy flat one), the agent's legacy auth.json, and
           <state>/credentials/oauth.json. <state> is --state-dir, else $OPENCLAW_STATE_DIR,
           else ~/.openclaw; <agent> is --agent, else main. Profile ids stay provider:name
           (characters clawauth does not allow become '-'); each provider's order becomes
           its \`clawauth token order\` when it has none yet.
codex      <codex home>/auth.json: the ChatGPT login becomes openai-codex:<profile> (refreshed
           at OpenAI with the Codex CLI's public client), OPENAI_API_KEY becomes
           openai:<profile>. <codex home> is --codex-home, else $CODEX_HOME, else ~/.codex.

--prefix   put this in front of every imported profile name (e.g. oc- → anthropic:oc-work),
           to import beside profiles of other accounts
--profile  (codex) profile name, default: default

After importing a refreshable login, let only one tool refresh it: providers that rotate
refresh tokens log the other one out.

JSON fields: action ("token_import"), source ("openclaw" | "codex"), files, changed,
imported, updated, unchanged, skipped (counts), profiles: [{ source, sourceKey, profile,
type, status (imported | updated | unchanged | skipped), reason, fix, account, refresh }],
orders: [{ provider, order, status (set | unchanged | skipped), reason, fix }].

Examples:
  clawauth token import openclaw
  clawauth token import openclaw --agent work --json
  CODEX_HOME=~/work/.codex clawauth token import codex --profile work
`;

/** Parsed `token import` arguments. */
export type TokenImportArgs =
  | { source: "openclaw"; agent: string; stateDir?: string; prefix: string }
  | { source: "codex"; codexHome?: string; profile: string };

const AGENT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const PREFIX_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,31}$/;
const NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

/** Parses `token import openclaw|codex [flags]`. */
export function parseTokenImportArgs(argv: string[]): TokenImportArgs {
  const { flags, positionals } = parseCommandArgs(argv, {
    command: "token import",
    flags: {
      agent: { type: "string", value: "id" },
      "state-dir": { type: "string", value: "dir" },
      prefix: { type: "string", value: "text" },
      "codex-home": { type: "string", value: "dir" },
      profile: { type: "string", value: "name" },
    },
    positionals: ["source"],
    required: 1,
  });
  const source = positionals[0].toLowerCase();
  const only = (allowed: string[]) => {
    for (const name of Object.keys(flags)) {
      if (!allowed.includes(name)) {
        throw usageError(`--${name} does not apply to \`token import ${source}\``);
      }
    }
  };
  const check = (value: string | undefined, pattern: RegExp, flag: string) => {
    if (value !== undefined && !pattern.test(value)) {
      throw usageError(
        `${flag} must match ${pattern.source}: got ${JSON.stringify(value.slice(0, 40))}`,
      );
    }
    return value;
  };
  if (source === "openclaw") {
    only(["agent", "state-dir", "prefix"]);
    return {
      source,
      agent: check(flags.agent as string | undefined, AGENT_PATTERN, "--agent") ??
        OPENCLAW_DEFAULT_AGENT,
      ...(flags["state-dir"] ? { stateDir: String(flags["state-dir"]) } : {}),
      prefix: check(flags.prefix as string | undefined, PREFIX_PATTERN, "--prefix") ?? "",
    };
  }
  if (source === "codex") {
    only(["codex-home", "profile"]);
    return {
      source,
      ...(flags["codex-home"] ? { codexHome: String(flags["codex-home"]) } : {}),
      profile: check(flags.profile as string | undefined, NAME_PATTERN, "--profile") ?? "default",
    };
  }
  throw usageError(
    `token import reads openclaw or codex: got ${
      JSON.stringify(positionals[0].slice(0, 40))
    }; usage: clawauth token import openclaw|codex`,
  );
}

function render(source: string, report: ImportReport, files: string[]): string {
  const lines = [`Read ${files.join(", ")}`];
  for (const row of report.rows) {
    const file = row.source.slice(row.source.lastIndexOf("/") + 1);
    const what = row.profile
      ? `${row.profile} (${row.type})`
      : `${row.sourceKey ? `${row.sourceKey} in ` : ""}${file}`;
    const from = row.profile && row.sourceKey !== row.profile
      ? ` from ${row.sourceKey} in ${file}`
      : "";
    lines.push(
      `- ${row.status.padEnd(9)} ${what}${from}` +
        (row.reason ? `: ${row.reason}` : "") +
        (row.fix ? `\n    fix: ${row.fix}` : "") +
        (row.refresh && row.status !== "unchanged" ? `\n    refresh: ${row.refresh}` : ""),
    );
  }
  for (const order of report.orders) {
    lines.push(
      `- order ${order.status} ${order.provider}: ${order.order.join(", ")}` +
        (order.reason ? ` (${order.reason})` : "") +
        (order.fix ? `\n    fix: ${order.fix}` : ""),
    );
  }
  lines.push(
    report.changed
      ? `Done. See them with: clawauth token list`
      : `Nothing changed: everything in ${source}'s files is already stored (or skipped as shown).`,
  );
  return lines.join("\n");
}

/** `clawauth token import`. */
export async function runTokenImport(argv: string[], ctx: CliContext): Promise<CommandResult> {
  const args = parseTokenImportArgs(argv);
  let found: ImportSource;
  if (args.source === "openclaw") {
    found = await readOpenclaw({
      stateDir: openclawStateDir(ctx.env, args.stateDir),
      agent: args.agent,
      env: ctx.env,
      prefix: args.prefix,
    });
  } else {
    found = await readCodex({ codexHome: codexHome(ctx.env, args.codexHome), name: args.profile });
  }
  if (found.files.length === 0 && found.problems.length === 0) {
    throw new ClawauthError(
      ERROR_CODES.NOT_FOUND,
      `no ${args.source} credentials found: looked for ${found.missing.join(", ")}` +
        (args.source === "openclaw"
          ? "; name the state directory with --state-dir (or OPENCLAW_STATE_DIR) and the agent with --agent"
          : "; name the Codex home with --codex-home (or CODEX_HOME); a Codex CLI that keeps its login in the OS keyring has no auth.json"),
      { details: { looked: found.missing } },
    );
  }
  const report = await applyImport(ctx, found);
  const count = (status: string) => report.rows.filter((row) => row.status === status).length;
  return {
    data: {
      action: "token_import",
      source: args.source,
      files: found.files,
      changed: report.changed,
      imported: count("imported"),
      updated: count("updated"),
      unchanged: count("unchanged"),
      skipped: count("skipped"),
      profiles: report.rows,
      orders: report.orders,
    },
    human: render(args.source, report, found.files),
  };
}
