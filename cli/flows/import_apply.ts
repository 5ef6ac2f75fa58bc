/**
 * Stores what `token import` found (cli/flows/import_openclaw.ts, import_codex.ts) in the
 * credential store, one profile at a time under its lock:
 *
 * - nothing stored yet → `imported`;
 * - the same secret already stored → `unchanged` (so a second run changes nothing);
 * - a stored profile of ANOTHER account (ids, else e-mails, differ) → `skipped`, never replaced;
 * - a stored profile whose account cannot be compared (API keys, tokens without identity)
 *   and another secret → `skipped` too: it may be another account;
 * - the same account with a token that expires later → `updated`; with an older or equally
 *   old one → `unchanged` (clawauth may have refreshed it since).
 *
 * OAuth tokens of a provider with a built-in public client (`openai-codex`) get that client
 * saved beside them so they refresh directly at the provider. Orders are carried over to
 * `token order` when the provider has none yet (or the same one).
 */

import { localClientEntry } from "../../providers/local_clients.ts";
import { resolveProviderSettings } from "../../providers/settings.ts";
import type { CliContext } from "../context.ts";
import { lockPathFor, withLock } from "../lock.ts";
import { CredentialStore } from "../store/credentials.ts";
import { getOrder, setOrder } from "../store/profiles.ts";
import type { CredentialRecord, ProfileMeta } from "../store/types.ts";
import type { ImportCandidate, ImportSource } from "./import_types.ts";
import { writeLocalClient } from "./local_client.ts";

/** One line of the import report (never a secret). */
export interface ImportRow {
  source: string;
  sourceKey: string;
  profile?: string;
  type?: string;
  status: "imported" | "updated" | "unchanged" | "skipped";
  reason?: string;
  fix?: string;
  account?: ProfileMeta["account"];
  /** How the profile renews itself once imported. */
  refresh?: string;
}

/** What happened to one provider's order. */
export interface ImportOrderRow {
  provider: string;
  order: string[];
  status: "set" | "unchanged" | "skipped";
  reason?: string;
  fix?: string;
}

/** The whole outcome of an import. */
export interface ImportReport {
  rows: ImportRow[];
  orders: ImportOrderRow[];
  /** True when anything was written. */
  changed: boolean;
}

/** Whether two accounts are the same: `undefined` when they cannot be compared. */
export function sameAccount(
  a: ProfileMeta["account"] | undefined,
  b: ProfileMeta["account"] | undefined,
): boolean | undefined {
  if (a?.id && b?.id) return a.id === b.id;
  if (a?.email && b?.email) return a.email.toLowerCase() === b.email.toLowerCase();
  return undefined;
}

function describeAccount(account: ProfileMeta["account"] | undefined): string {
  return account?.id ?? account?.email ?? "an unnamed account";
}

function sameSecret(stored: CredentialRecord, candidate: ImportCandidate): boolean {
  const s = stored.secret;
  const c = candidate.secret;
  return (s.access_token ?? null) === (c.access_token ?? null) &&
    (s.refresh_token ?? null) === (c.refresh_token ?? null) &&
    (s.key ?? null) === (c.key ?? null);
}

function profileFlag(name: string): string {
  return name === "default" ? "" : ` --profile ${name}`;
}

function refreshNote(candidate: ImportCandidate, hasClient: boolean): string {
  if (candidate.type !== "oauth") return "none (static secret)";
  if (!candidate.secret.refresh_token) return "none (no refresh token)";
  return hasClient
    ? "directly at the provider (built-in public client)"
    : `needs a public-client definition of ${candidate.provider} in CLAWAUTH_PROVIDERS; ` +
      "until then the access token works until it expires";
}

async function applyOne(
  ctx: CliContext,
  store: CredentialStore,
  candidate: ImportCandidate,
): Promise<ImportRow> {
  const id = `${candidate.provider}:${candidate.name}`;
  const base = {
    source: candidate.source,
    sourceKey: candidate.sourceKey,
    profile: id,
    type: candidate.type,
    ...(candidate.account ? { account: candidate.account } : {}),
  };
  const entry = candidate.type === "oauth" ? localClientEntry(candidate.provider) : undefined;
  return await withLock(lockPathFor(ctx.stateDir, id), async (): Promise<ImportRow> => {
    const stored = await store.load(id);
    let status: "imported" | "updated" = "imported";
    if (stored !== null) {
      if (sameSecret(stored, candidate)) return { ...base, status: "unchanged" };
      const same = sameAccount(stored.meta.account, candidate.account);
      const rm = `clawauth token rm ${candidate.provider}${profileFlag(candidate.name)}`;
      if (same === false) {
        return {
          ...base,
          status: "skipped",
          reason: `${id} already holds ${describeAccount(stored.meta.account)}, ` +
            `the source's credential is ${describeAccount(candidate.account)}: not replaced`,
          fix:
            `import it under other names with --prefix <text>, or remove the stored one first: ${rm}`,
        };
      }
      if (same === undefined) {
        return {
          ...base,
          status: "skipped",
          reason: `${id} already holds another ${stored.meta.type} credential and neither names ` +
            "its account, so it may be another account: not replaced",
          fix:
            `import it under other names with --prefix <text>, or remove the stored one first: ${rm}`,
        };
      }
      const newer = candidate.secret.expires_at !== undefined &&
        (stored.secret.expires_at === undefined ||
          candidate.secret.expires_at > stored.secret.expires_at);
      if (!newer) {
        return {
          ...base,
          status: "unchanged",
          reason: "the stored credential of this account is as new or newer",
        };
      }
      status = "updated";
    }
    await store.save({
      id,
      type: candidate.type,
      origin: candidate.origin,
      ...(candidate.account ? { account: candidate.account } : {}),
      refresh: { state: "idle" },
      secret: { ...candidate.secret },
    });
    let hasClient = false;
    if (entry) {
      const resolved = resolveProviderSettings(entry.spec, {
        env: ctx.env,
        origin: "http://127.0.0.1",
        overrides: entry.defaults,
      });
      if (resolved.ok) {
        await writeLocalClient(ctx.stateDir, id, { spec: entry.spec, settings: resolved.settings });
        hasClient = true;
      }
    }
    return { ...base, status, refresh: refreshNote(candidate, hasClient) };
  });
}

/** Stores every candidate, then carries the orders over; returns the report. */
export async function applyImport(ctx: CliContext, source: ImportSource): Promise<ImportReport> {
  const store = new CredentialStore({
    keychain: await ctx.keychain(),
    stateDir: ctx.stateDir,
    keychainService: ctx.keychainService,
    now: ctx.now,
  });
  const rows: ImportRow[] = source.problems.map((problem) => ({
    source: problem.source,
    sourceKey: problem.sourceKey,
    status: "skipped",
    reason: problem.reason,
    ...(problem.fix ? { fix: problem.fix } : {}),
  }));
  for (const candidate of source.candidates) rows.push(await applyOne(ctx, store, candidate));

  const orders: ImportOrderRow[] = [];
  for (const wanted of source.orders) {
    const present: string[] = [];
    for (const id of wanted.ids) {
      if ((await store.load(id).catch(() => null)) !== null) present.push(id);
    }
    if (present.length === 0) continue;
    const current = await getOrder(ctx.stateDir, wanted.provider);
    if (current.join("\n") === present.join("\n")) {
      orders.push({ provider: wanted.provider, order: present, status: "unchanged" });
    } else if (current.length === 0) {
      await setOrder(ctx.stateDir, wanted.provider, present);
      orders.push({ provider: wanted.provider, order: present, status: "set" });
    } else {
      orders.push({
        provider: wanted.provider,
        order: present,
        status: "skipped",
        reason: `${wanted.provider} already has another order: ${current.join(", ")}`,
        fix: `clawauth token order set ${wanted.provider} ${present.join(" ")}`,
      });
    }
  }
  const changed = rows.some((row) => row.status === "imported" || row.status === "updated") ||
    orders.some((order) => order.status === "set");
  return { rows, orders, changed };
}
