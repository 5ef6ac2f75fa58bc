// SHA256SUMS in the format `sha256sum -c` (and `shasum -a 256 -c`) checks.

import { basename } from "node:path";

/** Hex SHA-256 of a file's bytes. */
export async function sha256File(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Writes `<hex>  <file name>` lines for `paths` to `out`, sorted by name; returns the text. */
export async function writeSha256Sums(paths: readonly string[], out: string): Promise<string> {
  const lines: string[] = [];
  for (const path of [...paths].sort((a, b) => basename(a).localeCompare(basename(b)))) {
    lines.push(`${await sha256File(path)}  ${basename(path)}`);
  }
  const text = lines.join("\n") + "\n";
  await Deno.writeTextFile(out, text);
  return text;
}
