/**
 * The README's provider table, generated from the registry so the two never drift:
 * `deno task providers:table` rewrites the block between the markers in README.md, and
 * tests/providers/readme_table_test.ts fails when the committed block differs.
 *
 * @see ./builtin.ts
 */

import type { ProviderSpec } from "./types.ts";

/** Marker lines around the generated block. */
export const TABLE_START = "<!-- providers:table:start (generated: deno task providers:table) -->";
/** @see TABLE_START */
export const TABLE_END = "<!-- providers:table:end -->";

/** Authorize parameters that ask for a refresh token (Dropbox, Reddit, Google-style). */
const OFFLINE_PARAMS = ["token_access_type", "duration", "access_type"];

function refreshCell(spec: ProviderSpec): string {
  if (!spec.refresh.supported) return "no";
  const parts = ["yes"];
  if (spec.refresh.rotates === true) parts.push("rotating");
  if (spec.refresh.rotates === false) parts.push("kept");
  const offline = Object.entries(spec.authorizeParams ?? {})
    .filter(([key]) => OFFLINE_PARAMS.includes(key))
    .map(([key, value]) => `\`${key}=${value}\``);
  if (spec.defaultScopes.includes("offline_access")) offline.push("`offline_access`");
  return offline.length > 0 ? `${parts.join(", ")} (${offline.join(", ")})` : parts.join(", ");
}

function identityCell(spec: ProviderSpec): string {
  const identity = spec.identity;
  if (identity === undefined) return "-";
  const where = identity.source === "token_response" ? "token response" : "userinfo";
  return `${where}: \`${identity.id}\``;
}

function revokeCell(spec: ProviderSpec): string {
  return spec.revoke === undefined ? "-" : spec.revoke.style;
}

function consentCell(spec: ProviderSpec): string {
  const params = Object.entries(spec.consentParams ?? {});
  return params.length === 0 ? "-" : params.map(([k, v]) => `\`${k}=${v}\``).join(" ");
}

/**
 * The markdown table (aligned as `deno fmt` aligns it) of `specs`.
 *
 * @see ./builtin.ts
 */
export function renderProvidersTable(specs: readonly ProviderSpec[]): string {
  const header = [
    "provider",
    "register the app at",
    "client auth",
    "PKCE",
    "refresh",
    "identity",
    "revoke",
    "consent",
    "documented at",
  ];
  const rows = specs.map((spec) => [
    spec.name,
    spec.registerUrl,
    spec.clientAuth,
    spec.pkce,
    refreshCell(spec),
    identityCell(spec),
    revokeCell(spec),
    consentCell(spec),
    spec.docs[0] ?? "-",
  ]);
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => row[column].length))
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(" | ")} |`;
  return [
    line(header),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.map(line),
  ].join("\n");
}

/**
 * `readme` with the block between {@linkcode TABLE_START} and {@linkcode TABLE_END} replaced by
 * the table of `specs`; throws when the markers are missing.
 *
 * @see ./builtin.ts
 */
export function updateReadme(readme: string, specs: readonly ProviderSpec[]): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md has no '${TABLE_START}' … '${TABLE_END}' block`);
  }
  return `${readme.slice(0, start)}${TABLE_START}\n\n${renderProvidersTable(specs)}\n\n${
    readme.slice(end)
  }`;
}

if (import.meta.main) {
  const { BUILTIN_PROVIDERS } = await import("./builtin.ts");
  const path = new URL("../README.md", import.meta.url);
  const before = await Deno.readTextFile(path);
  const after = updateReadme(before, BUILTIN_PROVIDERS);
  if (after !== before) await Deno.writeTextFile(path, after);
  console.log(after === before ? "README.md provider table is up to date" : "README.md updated");
}
