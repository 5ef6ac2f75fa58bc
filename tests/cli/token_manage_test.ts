import assert from "node:assert/strict";
import {
  checkExitCode,
  parseTokenOrderArgs,
  parseTokenPasteArgs,
  parseTokenRefreshArgs,
  parseTokenRmArgs,
  parseTokenStatusArgs,
  readPastedSecret,
  runTokenOrder,
  runTokenPaste,
  runTokenRefresh,
  runTokenRm,
  runTokenStatus,
  statusOf,
} from "../../cli/commands/token_manage.ts";
import { formatDuration, parseDuration } from "../../cli/flows/duration.ts";
import { readLocalClient } from "../../cli/flows/local_client.ts";
import { CredentialStore } from "../../cli/store/credentials.ts";
import { getOrder, readProfileMeta, writeProfileMeta } from "../../cli/store/profiles.ts";
import type { CredentialSecret, ProfileMeta } from "../../cli/store/types.ts";
import { ClawauthError } from "../../shared/errors.ts";
import { startOidcUpstream } from "../fixtures/oidc_provider.ts";
import {
  createHarness,
  FIXTURE_PROVIDER,
  type Harness,
  loginLocalInProcess,
  publicClientProviders,
  testStdin,
} from "./_token_sink_harness.ts";

const HOUR = 3600_000;

function rejectsWith(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ClawauthError, `expected ClawauthError, got ${error}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

function paste(h: Harness, argv: string[], secret: string) {
  return runTokenPaste(argv, h.withStdin(testStdin(secret).readable));
}

function storeOf(h: Harness): CredentialStore {
  return new CredentialStore({
    keychain: h.keychain,
    stateDir: h.stateDir,
    keychainService: h.ctx.keychainService,
    now: h.ctx.now,
  });
}

Deno.test("parseDuration() reads seconds and s/m/h/d/w units; formatDuration() renders two units", () => {
  const rows: [string, number][] = [
    ["3600", 3600],
    ["90s", 90],
    ["45m", 2700],
    ["12h", 43200],
    ["30d", 2_592_000],
    ["2w", 1_209_600],
  ];
  for (const [input, seconds] of rows) assert.equal(parseDuration(input, "--x"), seconds, input);
  for (const bad of ["", "0", "-5", "1.5h", "3 days", "h", "99999999999d"]) {
    assert.throws(
      () => parseDuration(bad, "--expires-in"),
      rejectsWith("usage", /--expires-in must be a positive duration/),
    );
  }
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(61_000), "1m 1s");
  assert.equal(formatDuration(HOUR + 5 * 60_000), "1h 5m");
  assert.equal(formatDuration(3 * 86400_000 + HOUR), "3d 1h");
  assert.equal(formatDuration(HOUR), "1h");
});

Deno.test("token command parsers: one row per accepted and refused input", () => {
  assert.deepEqual(parseTokenRefreshArgs([]), { provider: undefined, profile: undefined });
  assert.deepEqual(parseTokenRefreshArgs(["github", "--profile", "work"]), {
    provider: "github",
    profile: "work",
  });
  assert.deepEqual(parseTokenRmArgs(["github:work"]), {
    provider: "github:work",
    profile: undefined,
  });
  assert.deepEqual(parseTokenStatusArgs(["--check"]), {
    provider: undefined,
    check: true,
    expiringWithinMs: 24 * HOUR,
  });
  assert.deepEqual(parseTokenStatusArgs(["github", "--within", "2h"]), {
    provider: "github",
    check: false,
    expiringWithinMs: 2 * HOUR,
  });
  assert.deepEqual(parseTokenOrderArgs(["set", "github", "work", "github:personal"]), {
    action: "set",
    provider: "github",
    ids: ["github:work", "github:personal"],
  });
  assert.deepEqual(parseTokenOrderArgs(["get", "github"]), { action: "get", provider: "github" });
  assert.deepEqual(parseTokenPasteArgs(["anthropic", "--type", "api_key", "--expires-in", "30d"]), {
    provider: "anthropic",
    profile: "default",
    type: "api_key",
    expiresInSeconds: 2_592_000,
  });
  assert.deepEqual(parseTokenPasteArgs(["github:ci"]), {
    provider: "github",
    profile: "ci",
    type: "token",
    expiresInSeconds: undefined,
  });

  const refused: [() => unknown, RegExp][] = [
    [() => parseTokenRmArgs([]), /missing <provider>/],
    [() => parseTokenRefreshArgs(["GitHub!"]), /<provider> must be/],
    [() => parseTokenStatusArgs(["--check=yes"]), /--check takes no value/],
    [() => parseTokenOrderArgs([]), /needs get, set or clear/],
    [() => parseTokenOrderArgs(["set", "github"]), /at least one profile/],
    [() => parseTokenOrderArgs(["set", "github", "slack:x"]), /does not belong to github/],
    [() => parseTokenOrderArgs(["set", "github", "a", "a"]), /named twice/],
    [() => parseTokenOrderArgs(["get", "github", "extra"]), /takes only <provider>/],
    [() => parseTokenOrderArgs(["get"]), /missing <provider>/],
    [
      () => parseTokenPasteArgs(["github", "--type", "password"]),
      /--type must be token or api_key/,
    ],
    [() => parseTokenPasteArgs([]), /missing <provider>/],
  ];
  for (const [fn, pattern] of refused) assert.throws(fn, rejectsWith("usage", pattern));
});

Deno.test("token paste refuses a secret on the command line without echoing it", () => {
  for (
    const argv of [
      ["github", "ghp_SECRETVALUE"],
      ["github", "--profile", "x", "ghp_SECRETVALUE", "more"],
      ["github", "--token", "ghp_SECRETVALUE"],
      ["github", "--token=ghp_SECRETVALUE"],
      ["github", "--api-key", "ghp_SECRETVALUE"],
    ]
  ) {
    assert.throws(() => parseTokenPasteArgs(argv), (error: unknown) => {
      rejectsWith("usage", /reads the secret from stdin, never from the command line/)(error);
      assert.doesNotMatch((error as Error).message, /SECRETVALUE/);
      return true;
    });
  }
});

Deno.test("readPastedSecret() trims exactly one trailing newline and refuses empty input", async () => {
  const rows: [string, string][] = [
    ["tok\n", "tok"],
    ["tok\r\n", "tok"],
    ["tok", "tok"],
    ["tok\n\n", "tok\n"],
    [" spaced tok \n", " spaced tok "],
  ];
  for (const [input, expected] of rows) {
    assert.equal(
      await readPastedSecret(testStdin(input).readable),
      expected,
      JSON.stringify(input),
    );
  }
  for (const empty of ["", "\n", "  \n", "\r\n"]) {
    await assert.rejects(
      readPastedSecret(testStdin(empty).readable),
      rejectsWith("usage", /no secret on stdin/),
    );
  }
  await assert.rejects(
    readPastedSecret(testStdin("x".repeat(70_000)).readable),
    rejectsWith("usage", /larger than 65536 bytes/),
  );
});

Deno.test("token paste stores a token or API key from stdin, never printing it", async () => {
  const h = await createHarness();
  try {
    const result = await paste(
      h,
      ["anthropic", "--type", "api_key", "--expires-in", "12h"],
      "sk-ant-123\n",
    );
    assert.deepEqual(result.data, {
      action: "token_paste",
      stored: true,
      profile: "anthropic:default",
      provider: "anthropic",
      type: "api_key",
      expiresAt: new Date(h.clock.now + 12 * HOUR).toISOString(),
      storedInKeychain: true,
      keychainService: "clawauth-test",
      keychainAccount: "anthropic:default",
    });
    assert.doesNotMatch(JSON.stringify(result) + (result.human ?? ""), /sk-ant-123/);
    const record = (await storeOf(h).load("anthropic:default"))!;
    assert.equal(record.secret.key, "sk-ant-123");
    assert.equal(record.secret.access_token, "sk-ant-123");
    assert.equal(record.secret.type, "api_key");
    assert.equal(record.secret.expires_at, h.clock.now + 12 * HOUR);
    assert.equal(record.meta.origin, "pasted");
    assert.equal(record.meta.hasRefreshToken, false);

    await paste(h, ["github", "--profile", "ci"], "ghp_abc\n");
    const token = (await storeOf(h).load("github:ci"))!;
    assert.equal(token.secret.type, "token");
    assert.equal(token.secret.token_type, "Bearer");
    assert.equal(token.secret.expires_at, undefined);

    await assert.rejects(paste(h, ["github"], "\n"), rejectsWith("usage", /no secret on stdin/));
    assert.equal(await readProfileMeta(h.stateDir, "github:default"), null);
  } finally {
    await h.cleanup();
  }
});

function meta(fields: Partial<ProfileMeta> = {}): ProfileMeta {
  return {
    id: "p:default",
    provider: "p",
    name: "default",
    type: "oauth",
    origin: "delegated",
    hasRefreshToken: false,
    keychainService: "s",
    keychainAccount: "p:default",
    createdAt: 0,
    updatedAt: 0,
    refresh: { state: "idle" },
    ...fields,
  };
}

function secret(fields: Partial<CredentialSecret> = {}): CredentialSecret {
  return {
    type: "oauth",
    provider: "p",
    access_token: "a",
    saved_at: new Date(0).toISOString(),
    generation: 1,
    ...fields,
  };
}

Deno.test("statusOf() classifies ok, expiring, expired, static, missing and needs-login", () => {
  const now = 100 * HOUR;
  const opts = { now, expiringWithinMs: 24 * HOUR };
  const rows: [string, ProfileMeta, CredentialSecret | null, string, string?][] = [
    ["no secret", meta(), null, "missing", "clawauth login start p"],
    ["no expiry", meta(), secret(), "static"],
    [
      "refreshable, access token expired",
      meta(),
      secret({ refresh_token: "r", expires_at: now - 1 }),
      "ok",
    ],
    ["not refreshable, valid 2 days", meta(), secret({ expires_at: now + 48 * HOUR }), "ok"],
    [
      "not refreshable, 1 h left",
      meta(),
      secret({ expires_at: now + HOUR }),
      "expiring",
      "clawauth login start p",
    ],
    [
      "not refreshable, expired",
      meta({ origin: "pasted" }),
      secret({ expires_at: now }),
      "expired",
      "clawauth token paste p",
    ],
    [
      "marked needs_login",
      meta({ refresh: { state: "needs_login", fixCommand: "clawauth login local p" } }),
      secret({ refresh_token: "r", expires_at: now + HOUR }),
      "needs-login",
      "clawauth login local p",
    ],
  ];
  for (const [why, m, s, status, fix] of rows) {
    const row = statusOf(m, s, opts);
    assert.equal(row.status, status, why);
    assert.equal(row.fixCommand, fix, why);
  }
  const refreshable = statusOf(
    meta(),
    secret({ refresh_token: "r", expires_at: now + 60_000 }),
    opts,
  );
  assert.equal(refreshable.accessToken, "expiring");
  assert.equal(refreshable.refreshable, true);
  assert.equal(refreshable.expiresIn, 60);
});

Deno.test("checkExitCode(): 1 for expired, missing, needs-login or nothing; 2 for expiring; else 0", () => {
  const row = (status: string) => ({ status }) as Parameters<typeof checkExitCode>[0][number];
  assert.equal(checkExitCode([row("ok"), row("static")]), 0);
  assert.equal(checkExitCode([row("ok"), row("expiring")]), 2);
  assert.equal(checkExitCode([row("expiring"), row("expired")]), 1);
  assert.equal(checkExitCode([row("missing")]), 1);
  assert.equal(checkExitCode([row("needs-login"), row("expiring")]), 1);
  assert.equal(checkExitCode([]), 1);
});

Deno.test("token status --check sets the exit code from the stored profiles", async () => {
  const h = await createHarness();
  try {
    const status = async (argv: string[]) => await runTokenStatus(argv, h.ctx);
    let result = await status(["--check"]);
    assert.equal(result.exitCode, 1, "nothing stored");
    result = await status(["github", "--check"]);
    assert.equal((result.data.profiles as { status: string }[])[0].status, "missing");

    await paste(h, ["github", "--profile", "static"], "t1");
    assert.equal((await status(["--check"])).exitCode, 0);
    await paste(h, ["github", "--profile", "soon", "--expires-in", "2h"], "t2");
    result = await status(["--check"]);
    assert.equal(result.exitCode, 2);
    assert.deepEqual(result.data.summary, {
      ok: 0,
      expiring: 1,
      expired: 0,
      static: 1,
      missing: 0,
      "needs-login": 0,
      "keychain-unavailable": 0,
    });
    assert.equal((await status(["--check", "--within", "1h"])).exitCode, 0);
    assert.equal((await status([])).exitCode, 0, "without --check the exit code stays 0");

    h.advance(3 * HOUR);
    result = await status(["github", "--check"]);
    assert.equal(result.exitCode, 1);
    const soon = (result.data.profiles as Record<string, unknown>[]).find((r) =>
      r.profile === "github:soon"
    )!;
    assert.equal(soon.status, "expired");
    assert.equal(soon.fixCommand, "clawauth token paste github --profile soon");
    assert.match(
      result.human ?? "",
      /github:soon\s+expired .*→ run: clawauth token paste github --profile soon/,
    );
    assert.doesNotMatch(JSON.stringify(result.data) + result.human, /t1|t2/);

    await runTokenRm(["github", "--profile", "soon"], h.ctx);
    await paste(h, ["github", "--profile", "gone"], "t3");
    await h.keychain.remove(h.ctx.keychainService, "github:gone");
    result = await status(["--check"]);
    assert.equal(result.exitCode, 1);
    assert.equal(
      (result.data.profiles as Record<string, unknown>[]).find((r) => r.profile === "github:gone")
        ?.status,
      "missing",
    );
  } finally {
    await h.cleanup();
  }
});

Deno.test("token status reports needs-login with the command to run", async () => {
  const h = await createHarness();
  try {
    await paste(h, ["github"], "t");
    const m = (await readProfileMeta(h.stateDir, "github:default"))!;
    await writeProfileMeta(h.stateDir, {
      ...m,
      origin: "delegated",
      refresh: { state: "needs_login", reason: "x", fixCommand: "clawauth login start github" },
    });
    const result = await runTokenStatus(["github", "--check"], h.ctx);
    assert.equal(result.exitCode, 1);
    const [row] = result.data.profiles as Record<string, unknown>[];
    assert.equal(row.status, "needs-login");
    assert.equal(row.fixCommand, "clawauth login start github");
  } finally {
    await h.cleanup();
  }
});

Deno.test("token order get|set|clear keeps the provider's selection order", async () => {
  const h = await createHarness();
  try {
    await paste(h, ["github", "--profile", "work"], "w");
    let result = await runTokenOrder(["get", "github"], h.ctx);
    assert.deepEqual(result.data, { action: "token_order_get", provider: "github", order: [] });
    result = await runTokenOrder(["set", "github", "personal", "work"], h.ctx);
    assert.deepEqual(result.data.order, ["github:personal", "github:work"]);
    assert.match(h.stderrText(), /not stored yet: github:personal/);
    assert.deepEqual(await getOrder(h.stateDir, "github"), ["github:personal", "github:work"]);
    result = await runTokenOrder(["clear", "github"], h.ctx);
    assert.deepEqual(result.data.order, []);
    assert.deepEqual(await getOrder(h.stateDir, "github"), []);
  } finally {
    await h.cleanup();
  }
});

Deno.test("token rm removes secret and metadata; a missing profile names the stored ones", async () => {
  const h = await createHarness();
  try {
    await paste(h, ["github", "--profile", "work"], "w");
    await paste(h, ["github", "--profile", "personal"], "p");
    await assert.rejects(
      runTokenRm(["github"], h.ctx),
      rejectsWith(
        "token_not_found",
        /nothing stored for github:default; stored profiles of github: github:personal, github:work/,
      ),
    );
    const result = await runTokenRm(["github", "--profile", "work"], h.ctx);
    assert.equal(result.data.removed, true);
    assert.equal(result.data.profile, "github:work");
    assert.equal(await h.keychain.get(h.ctx.keychainService, "github:work"), null);
    assert.equal(await readProfileMeta(h.stateDir, "github:work"), null);
    assert.ok(await readProfileMeta(h.stateDir, "github:personal"), "the other profile stays");
    await runTokenRm(["github:personal"], h.ctx);
    assert.equal(h.keychain.size, 0);
  } finally {
    await h.cleanup();
  }
});

Deno.test("token refresh forces a refresh and token rm also drops the saved client definition", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const h = await createHarness({ env: { CLAWAUTH_PROVIDERS: publicClientProviders(upstream) } });
  try {
    await loginLocalInProcess(h, { profile: "work" });
    const id = `${FIXTURE_PROVIDER}:work`;
    const before = (await storeOf(h).load(id))!;
    const result = await runTokenRefresh([FIXTURE_PROVIDER, "--profile", "work"], h.ctx);
    assert.equal(result.data.refresh, "refreshed");
    assert.equal(result.data.profile, id);
    assert.equal(result.data.expiresIn, 3600);
    assert.equal(upstream.counts.refreshGrants, 1);
    const after = (await storeOf(h).load(id))!;
    assert.notEqual(after.secret.access_token, before.secret.access_token);
    assert.doesNotMatch(JSON.stringify(result), new RegExp(after.secret.access_token!));

    assert.ok(await readLocalClient(h.stateDir, id));
    await runTokenRm([FIXTURE_PROVIDER, "--profile", "work"], h.ctx);
    assert.equal(await readLocalClient(h.stateDir, id), null);
  } finally {
    await h.cleanup();
    await upstream.close();
  }
});
