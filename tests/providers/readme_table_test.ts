import assert from "node:assert/strict";
import { BUILTIN_PROVIDERS } from "../../providers/builtin.ts";
import {
  renderProvidersTable,
  TABLE_END,
  TABLE_START,
  updateReadme,
} from "../../providers/readme_table.ts";

Deno.test("README's provider table is the registry's (run `deno task providers:table`)", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  assert.equal(
    updateReadme(readme, BUILTIN_PROVIDERS),
    readme,
    "README.md's provider table differs from providers/builtin.ts: run `deno task providers:table`",
  );
});

Deno.test("the provider table changes with the registry and needs its markers", () => {
  const changed = BUILTIN_PROVIDERS.map((spec) =>
    spec.name === "twitch" ? { ...spec, pkce: "required" as const } : spec
  );
  const readme = `a\n${TABLE_START}\nold\n${TABLE_END}\nb`;
  const one = updateReadme(readme, BUILTIN_PROVIDERS);
  const two = updateReadme(readme, changed);
  assert.notEqual(one, two);
  assert.ok(one.startsWith(`a\n${TABLE_START}\n\n| provider `));
  assert.ok(one.endsWith(`${TABLE_END}\nb`));
  assert.equal(renderProvidersTable(BUILTIN_PROVIDERS).split("\n").length, 22);
  assert.throws(() => updateReadme("no markers", BUILTIN_PROVIDERS), /no '/);
});
