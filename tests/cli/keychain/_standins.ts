/** Helpers for the stand-in executables of tests/fixtures/standins/. */
import { fileURLToPath } from "node:url";

export const STANDINS_DIR = fileURLToPath(new URL("../../fixtures/standins/", import.meta.url));

export interface StandinCall {
  tool: string;
  argv: string[];
  stdin: string;
}

export interface Standin {
  /** Directory the stand-in records into (pass as STANDIN_DIR). */
  dir: string;
  env: Record<string, string>;
  calls(): StandinCall[];
  items(): Record<string, string>;
  cleanup(): Promise<void>;
}

export async function makeStandin(extraEnv: Record<string, string> = {}): Promise<Standin> {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-standin-" });
  return {
    dir,
    env: { STANDIN_DIR: dir, ...extraEnv },
    calls() {
      let text = "";
      try {
        text = Deno.readTextFileSync(`${dir}/calls.jsonl`);
      } catch {
        return [];
      }
      return text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
    },
    items() {
      try {
        return JSON.parse(Deno.readTextFileSync(`${dir}/store.json`));
      } catch {
        return {};
      }
    },
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}

/** A secret with every character class that could break quoting or a shell. */
export const NASTY_SECRET = JSON.stringify({
  access_token: `tok-MARKER-1234 "quoted" 'single' $(id) \`uname\` \\ back\nnew line\ttab ünï ✓`,
  refresh_token: "r-MARKER-5678",
}) + "\n";
