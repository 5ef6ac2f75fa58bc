// The shipped skill cannot drift from the CLI: every `clawauth …` invocation it shows names a
// real command (its --help answers), every flag it uses appears in that command's usage text,
// every JSON field it lists appears in the command's "JSON fields", every error code exists,
// and the MCP tools it names are exactly the server's. `clawauth docs --skill` prints it.
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { main, MAIN_USAGE } from "../../cli/main.ts";
import { createMcpServer } from "../../cli/mcp/server.ts";
import { SKILL_MD } from "../../cli/skill/skill_md.ts";
import { ERROR_CODES } from "../../shared/errors.ts";
import { REPO_ROOT } from "../fixtures/run_cli.ts";
import { skillModule } from "./_write_skill.ts";
import { createHarness } from "./_token_sink_harness.ts";

const GROUPS = ["login", "token"];
const GLOBAL_FLAGS = ["--json", "--server", "--help", "-h", "--version", "-V"];

async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const code = await main(argv, {
    env: { CLAWAUTH_STATE_DIR: "/nonexistent-clawauth-skill-test" },
    stdout: (text) => void (stdout += text),
    stderr: () => {},
    stdin: new ReadableStream({ start: (c) => c.close() }),
    isTerminal: false,
    now: Date.now,
    sleep: () => Promise.resolve(),
    fetch: () => Promise.reject(new Error("no network in this test")),
  });
  return { code, stdout };
}

const usageCache = new Map<string, string | null>();

/** The usage text of `words` (a command), or null when the CLI does not know the command. */
async function usageOf(words: string[]): Promise<string | null> {
  const key = words.join(" ");
  if (!usageCache.has(key)) {
    const { code, stdout } = await run([...words, "--help", "--json"]);
    usageCache.set(key, code === 0 ? String(JSON.parse(stdout).usage) : null);
  }
  return usageCache.get(key)!;
}

/** Splits a shell line into words (single and double quotes kept together). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'[^']*'|"[^"]*"|\S+/g)].map((m) => m[0]);
}

/** Every `clawauth …` line: inline code spans and lines of fenced code blocks. */
function invocations(markdown: string): string[] {
  const found: string[] = [];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    const candidates = fenced ? [line.trim()] : [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    for (const text of candidates) {
      if (text.startsWith("clawauth ")) found.push(text.replace(/\s+#.*$/, ""));
    }
  }
  return found;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function mentions(usage: string, word: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_-])${escape(word)}(?![A-Za-z0-9_-])`, "m").test(usage);
}

/** What the skill names that the CLI does not have (empty when consistent). */
async function skillProblems(markdown: string): Promise<string[]> {
  const problems: string[] = [];
  for (const line of invocations(markdown)) {
    const words = shellWords(line).slice(1);
    const first = words[0];
    if (first === undefined || first.startsWith("-")) {
      for (const flag of words) {
        if (!GLOBAL_FLAGS.includes(flag)) problems.push(`${line}: unknown global flag ${flag}`);
      }
      continue;
    }
    const command = GROUPS.includes(first) ? words.slice(0, 2) : [first];
    const usage = await usageOf(command);
    if (usage === null) {
      problems.push(`${line}: \`clawauth ${command.join(" ")}\` is not a command`);
      continue;
    }
    for (const raw of words.slice(command.length)) {
      if (raw === "--") break; // exec: the rest is the child's command line
      const word = raw.replace(/^\[+/, "").replace(/[\]]+$/, "").split("=")[0];
      if (!/^--?[A-Za-z]/.test(word)) continue;
      if (GLOBAL_FLAGS.includes(word)) continue;
      if (!mentions(usage, word)) {
        problems.push(`${line}: ${word} is not in \`clawauth ${command.join(" ")} --help\``);
      }
    }
  }

  const fieldsSection = markdown.split("## JSON fields to parse")[1]?.split("\n## ")[0] ?? "";
  if (fieldsSection.trim() === "") problems.push("no JSON fields section");
  for (const line of fieldsSection.split("\n")) {
    const match = /^- `([^`]+) --json`: (.*)$/.exec(line);
    if (!match) continue;
    const command = match[1].split(" ");
    const usage = await usageOf(command);
    if (usage === null) {
      problems.push(`JSON fields of \`${match[1]}\`: not a command`);
      continue;
    }
    for (const [, field] of match[2].matchAll(/`([A-Za-z_][A-Za-z0-9_.]*)`/g)) {
      const name = field.split(".").at(-1)!;
      if (!mentions(usage, name)) {
        problems.push(`JSON field ${field} of \`${match[1]}\` is not in its --help`);
      }
    }
  }

  const errorsSection = markdown.split("## Errors and exit codes")[1]?.split("\n## ")[0] ?? "";
  const codes = new Set<string>(Object.values(ERROR_CODES));
  for (const [, code] of errorsSection.matchAll(/`([a-z]+(?:_[a-z]+)*)`/g)) {
    if (["exec", "api", "code", "transient", "fix", "pending"].includes(code)) continue;
    if (!codes.has(code)) problems.push(`error code ${code} does not exist`);
  }
  return problems;
}

async function mcpToolNames(): Promise<string[]> {
  const h = await createHarness();
  const server = createMcpServer(h.ctx);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: "skill-test", version: "1.0.0" });
  await client.connect(clientTransport);
  try {
    return (await client.listTools()).tools.map((tool: { name: string }) => tool.name).sort();
  } finally {
    await client.close();
    await server.close();
    await h.cleanup();
  }
}

Deno.test("the skill names only commands, flags, JSON fields and error codes the CLI has", async () => {
  assert.ok(invocations(SKILL_MD).length >= 30, "the skill shows the commands");
  assert.deepEqual(await skillProblems(SKILL_MD), []);
});

Deno.test("the consistency check catches drift (an unknown command, flag, field or code)", async () => {
  const drifted = SKILL_MD
    .replace("clawauth sessions [--json]", "clawauth sessionz [--json]")
    .replace(
      "clawauth login status <sessionId> [--json]",
      "clawauth login status <sessionId> [--follow]",
    )
    .replace("`storedInKeychain`", "`storedInVault`")
    .replace("`exec_nested`", "`exec_nested_deep`");
  const problems = await skillProblems(drifted);
  assert.ok(
    problems.some((p) => /`clawauth sessionz` is not a command/.test(p)),
    problems.join("\n"),
  );
  assert.ok(problems.some((p) => /--follow is not in/.test(p)), problems.join("\n"));
  assert.ok(problems.some((p) => /JSON field storedInVault/.test(p)), problems.join("\n"));
  assert.ok(problems.some((p) => /error code exec_nested_deep/.test(p)), problems.join("\n"));
});

Deno.test("the skill names exactly the MCP server's tools", async () => {
  const tools = await mcpToolNames();
  const named = [
    ...new Set(
      [...SKILL_MD.matchAll(/`((?:list|request|check|call|revoke)_[a-z_]+)`/g)].map((m) => m[1]),
    ),
  ].sort();
  assert.deepEqual(named, tools);
});

Deno.test("the skill has the original front matter (name, description, metadata JSON)", () => {
  const front = /^---\n([\s\S]*?)\n---\n/.exec(SKILL_MD)?.[1];
  assert.ok(front, "front matter");
  const fields = Object.fromEntries(
    front.split("\n").map((
      line,
    ) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]),
  );
  assert.deepEqual(Object.keys(fields), ["name", "description", "metadata"]);
  assert.equal(fields.name, "clawauth");
  assert.ok(JSON.parse(fields.metadata).openclaw.emoji);
  for (const word of ["exec", "api", "mcp", "Install", "deno install", "never", "exit"]) {
    assert.ok(SKILL_MD.includes(word), word);
  }
  assert.ok(MAIN_USAGE.includes("exec <provider>"));
});

Deno.test("cli/skill/SKILL.md is what the binary ships, and docs --skill prints it", async () => {
  const file = await Deno.readTextFile(`${REPO_ROOT}/cli/skill/SKILL.md`);
  assert.equal(
    SKILL_MD,
    file,
    "cli/skill/skill_md.ts is stale: run `deno run -A tests/cli/_write_skill.ts`",
  );
  assert.ok(skillModule(file).includes("export const SKILL_MD"));
  const printed = await run(["docs", "--skill"]);
  assert.equal(printed.code, 0);
  assert.equal(printed.stdout, SKILL_MD);
  const json = await run(["docs", "--skill", "--json"]);
  assert.equal(JSON.parse(json.stdout).text, SKILL_MD);
});
