// `clawauth token get` of a valid stored token is on an agent's hot path: it loads only the
// modules it needs, makes one keychain call and writes no file when nothing changed.

import assert from "node:assert/strict";
import { runTokenGet } from "../../cli/commands/token.ts";
import { runTokenPaste } from "../../cli/commands/token_manage.ts";
import { TOUCH_RESOLUTION_MS } from "../../cli/flows/refresh.ts";
import { REPO_ROOT } from "../fixtures/run_cli.ts";
import { createHarness, testStdin } from "./_token_sink_harness.ts";

interface InfoModule {
  specifier: string;
  kind?: string;
  dependencies?: { specifier: string; isDynamic?: boolean; code?: { specifier: string } }[];
}

/** Static import closure of `roots` (dynamic imports not followed), from `deno info --json`. */
async function staticClosure(roots: string[]): Promise<Set<string>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", `${REPO_ROOT}/cli/main.ts`],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: InfoModule[];
    redirects: Record<string, string>;
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = roots.map((r) => new URL(r, `file://${REPO_ROOT}/`).href);
  while (stack.length > 0) {
    let specifier = stack.pop()!;
    specifier = info.redirects[specifier] ?? specifier;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (!dep.isDynamic && dep.code) stack.push(dep.code.specifier);
    }
  }
  return seen;
}

Deno.test("token get loads no tweetnacl, node:path, provider registry, other platforms' keychains or other command module", async () => {
  // What `token get` imports: main, then on demand the token command, the keychain choice
  // and the refresh flow (whose valid-token path returns before anything else loads).
  const loaded = await staticClosure([
    "cli/main.ts",
    "cli/commands/token.ts",
    "cli/keychain/select.ts",
    "cli/flows/refresh.ts",
  ]);
  const names = [...loaded].map((s) => s.replace(`file://${REPO_ROOT}/`, ""));
  const unwanted = names.filter((name) =>
    name.includes("tweetnacl") || name === "node:path" || name.startsWith("providers/") ||
    name === "shared/seal.ts" || name === "cli/server_client.ts" ||
    name === "cli/keychain/windows.ts" || name === "cli/keychain/macos.ts" ||
    (name.startsWith("cli/commands/") && name !== "cli/commands/token.ts")
  );
  assert.ok(names.includes("cli/store/credentials.ts"), `closure incomplete: ${names.join(", ")}`);
  if (Deno.env.get("SHOW_GRAPH")) console.log(names.join("\n"));
  assert.deepEqual(unwanted, [], `token get loads: ${names.join(", ")}`);
});

Deno.test("token get of a valid token: one keychain call, and no file write on a repeat within a minute", async () => {
  const h = await createHarness();
  try {
    await runTokenPaste(["demo"], h.withStdin(testStdin("static-token\n").readable));
    const calls: string[] = [];
    const keychain = h.keychain;
    const counting = {
      name: keychain.name,
      get: (service: string, account: string) => {
        calls.push("get");
        return keychain.get(service, account);
      },
      store: (service: string, account: string, secret: string) => {
        calls.push("store");
        return keychain.store(service, account, secret);
      },
      remove: (service: string, account: string) => {
        calls.push("remove");
        return keychain.remove(service, account);
      },
    };
    const ctx = { ...h.ctx, keychain: () => Promise.resolve(counting) };

    const snapshot = async () => {
      const files: string[] = [];
      const walk = async (dir: string) => {
        for await (const entry of Deno.readDir(dir)) {
          const path = `${dir}/${entry.name}`;
          if (entry.isDirectory) await walk(path);
          else files.push(`${path} ${(await Deno.stat(path)).mtime?.getTime()}`);
        }
      };
      await walk(h.stateDir);
      return files.sort();
    };

    const first = await runTokenGet(["demo"], ctx);
    assert.equal(
      (first.data as { token: { access_token: string } }).token.access_token,
      "static-token",
    );
    assert.deepEqual(calls, ["get"], "one keychain call");
    const before = await snapshot();
    // Let the file system clock move, so a rewrite would show in the mtime.
    await new Promise((resolve) => setTimeout(resolve, 20));

    calls.length = 0;
    h.advance(TOUCH_RESOLUTION_MS - 1000);
    await runTokenGet(["demo"], ctx);
    assert.deepEqual(calls, ["get"]);
    assert.deepEqual(await snapshot(), before, "nothing in the state directory was rewritten");

    // Past the resolution, last use is recorded again.
    h.advance(2000);
    await runTokenGet(["demo"], ctx);
    assert.notDeepEqual(await snapshot(), before);
  } finally {
    await h.cleanup();
  }
});
