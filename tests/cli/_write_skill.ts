// Regenerates cli/skill/skill_md.ts (the skill text compiled into the CLI, printed by
// `clawauth docs --skill`) from cli/skill/SKILL.md:
//   deno run -A tests/cli/_write_skill.ts
import { REPO_ROOT } from "../fixtures/run_cli.ts";

/** The TypeScript module that embeds `markdown`. */
export function skillModule(markdown: string): string {
  return `// Generated from SKILL.md by tests/cli/_write_skill.ts; do not edit by hand: edit SKILL.md, then
// run \`deno run -A tests/cli/_write_skill.ts\` (tests/cli/skill_test.ts checks they agree).

/** The agent skill (SKILL.md), shipped inside the binary for \`clawauth docs --skill\`. */
export const SKILL_MD: string = ${JSON.stringify(markdown)};
`;
}

if (import.meta.main) {
  const markdown = await Deno.readTextFile(`${REPO_ROOT}/cli/skill/SKILL.md`);
  const target = `${REPO_ROOT}/cli/skill/skill_md.ts`;
  await Deno.writeTextFile(target, skillModule(markdown));
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", target] }).output();
}
