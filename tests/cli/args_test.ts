import assert from "node:assert/strict";
import {
  extractGlobalFlags,
  parseCommandArgs,
  parseProfileName,
  parseProviderName,
  parseSessionId,
} from "../../cli/args.ts";
import { isClawauthError } from "../../shared/errors.ts";

const START_SPEC = {
  command: "login start",
  flags: {
    ttl: { type: "string" as const, value: "seconds" },
    scope: { type: "string" as const },
    reveal: { type: "boolean" as const },
  },
  positionals: ["provider"],
  required: 0,
};

Deno.test("extractGlobalFlags() takes --json, --help, --version and --server anywhere", () => {
  const flags = extractGlobalFlags([
    "login",
    "--json",
    "start",
    "--server",
    "http://127.0.0.1:9",
    "github",
    "-h",
  ]);
  assert.deepEqual(flags, {
    json: true,
    help: true,
    version: false,
    server: "http://127.0.0.1:9",
    rest: ["login", "start", "github"],
  });
  assert.equal(
    extractGlobalFlags(["--server=https://x.example", "-V"]).server,
    "https://x.example",
  );
  assert.equal(extractGlobalFlags(["-V"]).version, true);
  // After `--` nothing is a flag.
  assert.deepEqual(extractGlobalFlags(["token", "--", "--json"]).rest, ["token", "--", "--json"]);
  assert.equal(extractGlobalFlags(["token", "--", "--json"]).json, false);
});

Deno.test("extractGlobalFlags() refuses --server without a URL", () => {
  for (const argv of [["--server"], ["--server", "--json"]]) {
    assert.throws(() => extractGlobalFlags(argv), (error) => {
      assert.ok(isClawauthError(error));
      assert.equal(error.code, "usage");
      assert.match(error.message, /--server needs a URL/);
      return true;
    });
  }
});

Deno.test("parseCommandArgs() parses flags in every form", () => {
  const cases: { argv: string[]; flags: Record<string, unknown>; positionals: string[] }[] = [
    { argv: [], flags: {}, positionals: [] },
    { argv: ["github"], flags: {}, positionals: ["github"] },
    { argv: ["github", "--ttl", "60"], flags: { ttl: "60" }, positionals: ["github"] },
    { argv: ["--ttl=60", "github"], flags: { ttl: "60" }, positionals: ["github"] },
    {
      argv: ["--scope", "a b", "--reveal"],
      flags: { scope: "a b", reveal: true },
      positionals: [],
    },
    { argv: ["--", "-weird"], flags: {}, positionals: ["-weird"] },
  ];
  for (const { argv, flags, positionals } of cases) {
    const parsed = parseCommandArgs(argv, START_SPEC);
    assert.deepEqual(parsed.flags, flags, argv.join(" "));
    assert.deepEqual(parsed.positionals, positionals, argv.join(" "));
  }
});

Deno.test("parseCommandArgs() turns every mistake into a usage error naming the fix", () => {
  const cases: { argv: string[]; message: RegExp; spec?: typeof START_SPEC }[] = [
    {
      argv: ["--nope"],
      message:
        /^unknown option "--nope" for `clawauth login start` \(accepted: --ttl <seconds>, --scope <value>, --reveal, --json\); run `clawauth login start --help`$/,
    },
    { argv: ["-x"], message: /unknown option "-x"/ },
    { argv: ["--ttl"], message: /^--ttl needs a value: --ttl <seconds>; run/ },
    { argv: ["--ttl", "--reveal"], message: /^--ttl needs a value/ },
    { argv: ["--reveal=yes"], message: /^--reveal takes no value/ },
    {
      argv: ["a", "b"],
      message: /^unexpected argument "b": usage: clawauth login start \[provider\]; run/,
    },
    {
      argv: [],
      spec: { ...START_SPEC, positionals: ["sessionId"], required: 1 },
      message: /^missing <sessionId>: usage: clawauth login start <sessionId>; run/,
    },
  ];
  for (const { argv, message, spec } of cases) {
    assert.throws(() => parseCommandArgs(argv, spec ?? START_SPEC), (error) => {
      assert.ok(isClawauthError(error), argv.join(" "));
      assert.equal(error.code, "usage");
      assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("parseSessionId(), parseProviderName() and parseProfileName() check their input", () => {
  assert.equal(
    parseSessionId("0b9c3f3e-1c1a-4c1e-9f0e-6a1f3f1f2f3a"),
    "0b9c3f3e-1c1a-4c1e-9f0e-6a1f3f1f2f3a",
  );
  assert.equal(parseProviderName(" GitHub "), "github");
  assert.equal(parseProfileName("work.2"), "work.2");
  const bad: [() => unknown, RegExp][] = [
    [() => parseSessionId("../../etc"), /<sessionId> must be 8 to 128 characters/],
    [() => parseSessionId("short"), /got "short"/],
    [() => parseProviderName("git hub"), /<provider> must be 1 to 64 characters of \[a-z0-9_-\]/],
    [() => parseProviderName("a/b"), /got "a\/b"/],
    [() => parseProfileName(".hidden"), /--profile must be 1 to 64 characters/],
    [() => parseProfileName("a/b"), /--profile must be/],
  ];
  for (const [fn, message] of bad) {
    assert.throws(fn, (error) => {
      assert.ok(isClawauthError(error));
      assert.equal(error.code, "usage");
      assert.match(error.message, message);
      return true;
    });
  }
});
