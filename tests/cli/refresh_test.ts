import assert from "node:assert/strict";
import {
  ensureValidToken,
  fixCommandFor,
  getValidToken,
  isExpiring,
  mergeRefreshedSecret,
  REFRESH_JITTER_MS,
  REFRESH_MARGIN_MS,
  refreshMarginFor,
  resolveProfileArgs,
} from "../../cli/flows/refresh.ts";
import { readLocalClient } from "../../cli/flows/local_client.ts";
import { runTokenOrder, runTokenPaste } from "../../cli/commands/token_manage.ts";
import { CredentialStore } from "../../cli/store/credentials.ts";
import { readProfileMeta, touchProfile, writeProfileMeta } from "../../cli/store/profiles.ts";
import type { CredentialSecret } from "../../cli/store/types.ts";
import { tokenRequest } from "../../providers/token_request.ts";
import { ClawauthError } from "../../shared/errors.ts";
import { type OidcUpstream, startOidcUpstream } from "../fixtures/oidc_provider.ts";
import {
  createHarness,
  FIXTURE_PROVIDER,
  type Harness,
  loginLocalInProcess,
  publicClientProviders,
  testStdin,
} from "./_token_sink_harness.ts";

const HOUR = 3600_000;
const WORK = `${FIXTURE_PROVIDER}:work`;

function rejectsWith(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ClawauthError, `expected ClawauthError, got ${error}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

function storeOf(h: Harness): CredentialStore {
  return new CredentialStore({
    keychain: h.keychain,
    stateDir: h.stateDir,
    keychainService: h.ctx.keychainService,
    now: h.ctx.now,
  });
}

/** A real upstream (rotation on, 1 h access tokens) and a harness logged in as fixture:work. */
async function loggedIn(
  fn: (t: { upstream: OidcUpstream; h: Harness }) => Promise<void>,
): Promise<void> {
  const upstream = await startOidcUpstream({
    redirectUris: [],
    accessTokenTtlSeconds: 3600,
    rotateRefreshTokens: true,
  });
  const h = await createHarness({ env: { CLAWAUTH_PROVIDERS: publicClientProviders(upstream) } });
  try {
    await loginLocalInProcess(h, { profile: "work", via: "paste" });
    await fn({ upstream, h });
  } finally {
    await h.cleanup();
    await upstream.close();
  }
}

function secret(fields: Partial<CredentialSecret>): CredentialSecret {
  return {
    type: "oauth",
    provider: "p",
    saved_at: new Date(0).toISOString(),
    generation: 1,
    ...fields,
  };
}

Deno.test("refreshMarginFor() is 5 min plus up to 30 s of jitter, at most half the lifetime", () => {
  const long = secret({ saved_at: new Date(0).toISOString(), expires_at: 10 * HOUR });
  assert.equal(refreshMarginFor(long, 0), REFRESH_MARGIN_MS);
  assert.equal(refreshMarginFor(long, 0.5), REFRESH_MARGIN_MS + REFRESH_JITTER_MS / 2);
  assert.equal(refreshMarginFor(long, 0.999999), REFRESH_MARGIN_MS + REFRESH_JITTER_MS - 1);
  const short = secret({ saved_at: new Date(0).toISOString(), expires_at: 120_000 });
  assert.equal(refreshMarginFor(short, 0.5), 60_000, "a 2 min token refreshes in its 2nd minute");
  assert.equal(isExpiring(long, 10 * HOUR - REFRESH_MARGIN_MS - 1, 0), false);
  assert.equal(isExpiring(long, 10 * HOUR - REFRESH_MARGIN_MS, 0), true);
  assert.equal(isExpiring(secret({}), 0, 0), false, "no expiry: never expiring");
});

Deno.test("mergeRefreshedSecret() keeps the old refresh token, id token and scope when omitted", () => {
  const old = secret({
    access_token: "a1",
    refresh_token: "r1",
    id_token: "i1",
    scope: "openid",
    token_type: "Bearer",
    generation: 7,
  });
  assert.deepEqual(
    mergeRefreshedSecret(old, secret({ access_token: "a2", expires_at: 5, generation: 0 })),
    { ...old, access_token: "a2", expires_at: 5, generation: 7 },
  );
  const rotated = mergeRefreshedSecret(old, secret({ access_token: "a2", refresh_token: "r2" }));
  assert.equal(rotated.refresh_token, "r2");
});

Deno.test("resolveProfileArgs() accepts provider:name in either place and refuses conflicts", () => {
  assert.deepEqual(resolveProfileArgs({ provider: "github" }), { provider: "github" });
  assert.deepEqual(resolveProfileArgs({ provider: "github:work" }), {
    provider: "github",
    profileId: "github:work",
  });
  assert.deepEqual(resolveProfileArgs({ provider: "github", profile: "work" }), {
    provider: "github",
    profileId: "github:work",
  });
  assert.deepEqual(resolveProfileArgs({ profile: "github:work" }), {
    provider: "github",
    profileId: "github:work",
  });
  assert.throws(
    () => resolveProfileArgs({ profile: "work" }),
    rejectsWith("usage", /needs a provider/),
  );
  assert.throws(
    () => resolveProfileArgs({ provider: "slack", profile: "github:work" }),
    rejectsWith("usage", /belongs to github/),
  );
});

Deno.test("fixCommandFor() names the command that gives the profile a new credential", () => {
  assert.equal(
    fixCommandFor({ provider: "github", name: "work", origin: "delegated" }),
    "clawauth login start github --profile work",
  );
  assert.equal(
    fixCommandFor({ provider: "github", name: "default", origin: "delegated" }),
    "clawauth login start github",
  );
  assert.equal(
    fixCommandFor({ provider: "idp", name: "me", origin: "local" }),
    "clawauth login local idp --profile me",
  );
  assert.equal(
    fixCommandFor({ provider: "anthropic", name: "default", origin: "pasted" }),
    "clawauth token paste anthropic",
  );
});

Deno.test("getValidToken() returns a fresh token without sending a refresh grant", async () => {
  await loggedIn(async ({ upstream, h }) => {
    const before = (await storeOf(h).load(WORK))!;
    h.advance(HOUR - REFRESH_MARGIN_MS - REFRESH_JITTER_MS - 1000);
    const record = await getValidToken(h.ctx, { provider: FIXTURE_PROVIDER, profile: "work" });
    assert.equal(record.secret.access_token, before.secret.access_token);
    assert.equal(upstream.counts.refreshGrants, 0);
    const meta = await readProfileMeta(h.stateDir, WORK);
    assert.equal(meta?.lastUsedAt, h.clock.now, "the profile is marked as used");
  });
});

Deno.test("getValidToken() refreshes a token expiring within the margin and saves the rotated refresh token", async () => {
  await loggedIn(async ({ upstream, h }) => {
    const before = (await storeOf(h).load(WORK))!;
    h.advance(HOUR - REFRESH_MARGIN_MS + 1000);
    const outcome = await ensureValidToken(h.ctx, { provider: WORK, random: () => 0 });
    assert.equal(outcome.refresh, "refreshed");
    assert.equal(upstream.counts.refreshGrants, 1);
    const body = upstream.tokenRequestBodies.at(-1)!;
    assert.equal(body.get("grant_type"), "refresh_token");
    assert.equal(body.get("client_id"), upstream.publicClient.clientId);
    assert.equal(body.has("client_secret"), false);

    const stored = (await storeOf(h).load(WORK))!;
    assert.notEqual(stored.secret.access_token, before.secret.access_token);
    assert.notEqual(stored.secret.refresh_token, before.secret.refresh_token);
    assert.equal(stored.secret.access_token, outcome.record.secret.access_token);
    assert.equal(stored.secret.generation, before.secret.generation + 1);
    assert.equal(stored.secret.expires_at, h.clock.now + HOUR);
    assert.equal(stored.meta.refresh.state, "idle");
    assert.equal(stored.meta.expiresAt, stored.secret.expires_at);
    assert.equal(stored.meta.origin, "local");

    // Rotation: the old refresh token is spent at the provider, the saved one works.
    const client = (await readLocalClient(h.stateDir, WORK))!;
    const old = await tokenRequest(client.spec, client.settings, {
      type: "refresh_token",
      refreshToken: before.secret.refresh_token!,
    });
    assert.equal(old.ok, false);
  });
});

Deno.test("concurrent getValidToken() calls send one refresh grant and return the same token", async () => {
  await loggedIn(async ({ upstream, h }) => {
    h.advance(HOUR - 60_000);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => ensureValidToken(h.ctx, { provider: WORK })),
    );
    assert.equal(upstream.counts.refreshGrants, 1);
    const tokens = new Set(results.map((r) => r.record.secret.access_token));
    assert.equal(tokens.size, 1);
    assert.deepEqual(
      results.map((r) => r.refresh).sort(),
      ["peer", "peer", "peer", "peer", "peer", "refreshed"],
    );
  });
});

Deno.test("a forced refresh refreshes a valid token; token refresh never needs expiry", async () => {
  await loggedIn(async ({ upstream, h }) => {
    const before = (await storeOf(h).load(WORK))!;
    const outcome = await ensureValidToken(h.ctx, { provider: WORK, force: true });
    assert.equal(outcome.refresh, "refreshed");
    assert.equal(upstream.counts.refreshGrants, 1);
    assert.notEqual(outcome.record.secret.access_token, before.secret.access_token);
  });
});

Deno.test("a refresh token refused with invalid_grant marks needs_login and names the command; nothing is deleted", async () => {
  await loggedIn(async ({ upstream, h }) => {
    const before = (await storeOf(h).load(WORK))!;
    assert.ok(upstream.revokeRefreshTokens() >= 1);
    h.advance(HOUR + 1000);
    await assert.rejects(
      getValidToken(h.ctx, { provider: WORK }),
      rejectsWith(
        "needs_login",
        /fixture:work needs a new login: the provider refused the refresh token \(invalid_grant.*Run: clawauth login local fixture --profile work$/,
      ),
    );
    const after = (await storeOf(h).load(WORK))!;
    assert.deepEqual(after.secret, before.secret, "the secret is kept as it was");
    assert.equal(after.meta.refresh.state, "needs_login");
    assert.equal(after.meta.refresh.fixCommand, "clawauth login local fixture --profile work");
    assert.equal(after.meta.refresh.lastError?.code, "invalid_grant");
    assert.equal(after.meta.refresh.lastError?.transient, false);

    // Later calls fail the same way at once, without asking the provider again.
    const grants = upstream.counts.refreshGrants;
    await assert.rejects(
      getValidToken(h.ctx, { provider: WORK, force: true }),
      rejectsWith("needs_login", /Run: clawauth login local fixture --profile work/),
    );
    assert.equal(upstream.counts.refreshGrants, grants);

    // A new login clears the mark.
    await loginLocalInProcess(h, { profile: "work", via: "paste" });
    const fresh = await getValidToken(h.ctx, { provider: WORK });
    assert.equal(fresh.meta.refresh.state, "idle");
  });
});

Deno.test("a transient failure (provider down) leaves the record untouched and says it was transient", async () => {
  await loggedIn(async ({ upstream, h }) => {
    const before = (await storeOf(h).load(WORK))!;
    upstream.setTokenEndpointDown(true);
    h.advance(HOUR + 1000);
    await assert.rejects(
      getValidToken(h.ctx, { provider: WORK }),
      rejectsWith(
        "transient_error",
        /transient error .*stored credentials are unchanged, retry later/,
      ),
    );
    const after = (await storeOf(h).load(WORK))!;
    assert.deepEqual(after.secret, before.secret);
    assert.equal(after.meta.refresh.state, "idle");
    assert.equal(after.meta.refresh.lastError?.transient, true);

    upstream.setTokenEndpointDown(false);
    const record = await getValidToken(h.ctx, { provider: WORK });
    assert.notEqual(record.secret.access_token, before.secret.access_token);
  });
});

Deno.test("a transient failure while the token is still valid returns the stored token with a warning", async () => {
  await loggedIn(async ({ upstream, h }) => {
    const before = (await storeOf(h).load(WORK))!;
    upstream.setTokenEndpointDown(true);
    h.advance(HOUR - 120_000);
    const outcome = await ensureValidToken(h.ctx, { provider: WORK });
    assert.equal(outcome.refresh, "stale");
    assert.equal(outcome.record.secret.access_token, before.secret.access_token);
    assert.match(h.stderrText(), /transient error.*using the stored token, valid until/);
    await assert.rejects(
      ensureValidToken(h.ctx, { provider: WORK, force: true }),
      rejectsWith("transient_error"),
    );
  });
});

Deno.test("an interrupted refresh whose result was saved is adopted without a new grant", async () => {
  await loggedIn(async ({ upstream, h }) => {
    const record = (await storeOf(h).load(WORK))!;
    // The dead refresher had saved generation N (this one) after starting from N - 1.
    await writeProfileMeta(h.stateDir, {
      ...record.meta,
      refresh: {
        state: "in_flight",
        startedAt: h.clock.now,
        pid: 999999,
        fromGeneration: record.secret.generation - 1,
      },
    });
    const outcome = await ensureValidToken(h.ctx, { provider: WORK });
    assert.equal(outcome.refresh, "adopted");
    assert.equal(outcome.record.secret.access_token, record.secret.access_token);
    assert.equal(upstream.counts.refreshGrants, 0);
    assert.equal((await readProfileMeta(h.stateDir, WORK))?.refresh.state, "idle");
    assert.match(
      h.stderrText(),
      /adopted the refresh of fixture:work that process 999999 \(started [^)]+\) saved before it stopped/,
    );
  });
});

Deno.test("an interrupted refresh that saved nothing is retried with the stored refresh token", async () => {
  await loggedIn(async ({ upstream, h }) => {
    const record = (await storeOf(h).load(WORK))!;
    await writeProfileMeta(h.stateDir, {
      ...record.meta,
      refresh: {
        state: "in_flight",
        startedAt: h.clock.now,
        pid: 999999,
        fromGeneration: record.secret.generation,
      },
    });
    const outcome = await ensureValidToken(h.ctx, { provider: WORK });
    assert.equal(outcome.refresh, "refreshed");
    assert.equal(upstream.counts.refreshGrants, 1);
    assert.notEqual(outcome.record.secret.refresh_token, record.secret.refresh_token);
    assert.equal((await readProfileMeta(h.stateDir, WORK))?.refresh.state, "idle");
    assert.match(h.stderrText(), /did not finish; retrying with the stored refresh token/);
  });
});

Deno.test("an interrupted refresh whose grant spent the refresh token reports needs_login clearly", async () => {
  await loggedIn(async ({ h }) => {
    const record = (await storeOf(h).load(WORK))!;
    await writeProfileMeta(h.stateDir, {
      ...record.meta,
      refresh: {
        state: "in_flight",
        startedAt: h.clock.now,
        pid: 999999,
        fromGeneration: record.secret.generation,
      },
    });
    // The dead refresher's grant reached the provider: the stored refresh token is spent.
    const client = (await readLocalClient(h.stateDir, WORK))!;
    const spent = await tokenRequest(client.spec, client.settings, {
      type: "refresh_token",
      refreshToken: record.secret.refresh_token!,
    });
    assert.equal(spent.ok, true);
    // The stored access token is still valid: it is returned, with the reason on the side.
    const stale = await ensureValidToken(h.ctx, { provider: WORK });
    assert.equal(stale.refresh, "stale");
    assert.equal(stale.refreshError?.code, "needs_login");
    assert.equal(stale.refreshError?.fix, "clawauth login local fixture --profile work");
    assert.match(
      stale.refreshError!.message,
      /a refresh interrupted earlier may have spent the refresh token.*Run: clawauth login local fixture --profile work/,
    );
    assert.equal(stale.record.secret.access_token, record.secret.access_token);
    // Once it expires, needs_login is the answer.
    h.advance(2 * HOUR);
    await assert.rejects(
      getValidToken(h.ctx, { provider: WORK }),
      rejectsWith(
        "needs_login",
        /a refresh interrupted earlier may have spent the refresh token.*Run: clawauth login local fixture --profile work/,
      ),
    );
    const after = (await storeOf(h).load(WORK))!;
    assert.equal(after.meta.refresh.state, "needs_login");
    assert.deepEqual(after.secret, record.secret, "the record is intact, not corrupted");
  });
});

Deno.test("a local profile refreshes from its saved client definition without CLAWAUTH_PROVIDERS", async () => {
  await loggedIn(async ({ upstream, h }) => {
    h.advance(HOUR);
    const record = await getValidToken({ ...h.ctx, env: {} }, { provider: WORK });
    assert.equal(upstream.counts.refreshGrants, 1);
    assert.ok(record.secret.expires_at! > h.clock.now);
  });
});

Deno.test("static and pasted tokens: returned as they are, never refreshed; expired ones need a new paste", async () => {
  const h = await createHarness();
  try {
    await runTokenPaste(["anthropic"], h.withStdin(testStdin("sk-static\n").readable));
    const record = await getValidToken(h.ctx, { provider: "anthropic" });
    assert.equal(record.secret.access_token, "sk-static");
    await assert.rejects(
      getValidToken(h.ctx, { provider: "anthropic", force: true }),
      rejectsWith("refresh_failed", /cannot be refreshed.*static token.*unchanged/),
    );

    await runTokenPaste(
      ["github", "--profile", "ci", "--expires-in", "1h"],
      h.withStdin(testStdin("ghp_x\n").readable),
    );
    assert.equal((await getValidToken(h.ctx, { provider: "github:ci" })).secret.key, "ghp_x");
    h.advance(HOUR);
    await assert.rejects(
      getValidToken(h.ctx, { provider: "github:ci" }),
      rejectsWith(
        "needs_login",
        /github:ci needs a new login: the token expired and there is no refresh token.*Run: clawauth token paste github --profile ci/,
      ),
    );
  } finally {
    await h.cleanup();
  }
});

Deno.test("getValidToken() says what to run when nothing or only metadata is stored", async () => {
  const h = await createHarness();
  try {
    await assert.rejects(
      getValidToken(h.ctx, { provider: "github" }),
      rejectsWith(
        "token_not_found",
        /no token stored for github; log in with: clawauth login start github/,
      ),
    );
    await assert.rejects(
      getValidToken(h.ctx, { provider: "github", profile: "work" }),
      rejectsWith("token_not_found", /no token stored for github:work.*--profile work/),
    );
    await runTokenPaste(["github"], h.withStdin(testStdin("t\n").readable));
    await h.keychain.remove(h.ctx.keychainService, "github:default");
    await assert.rejects(
      getValidToken(h.ctx, { provider: "github" }),
      rejectsWith("token_not_found", /github:default has metadata but no secret in the keychain/),
    );
  } finally {
    await h.cleanup();
  }
});

Deno.test("profile selection: explicit profile, then token order, then the one used last", async () => {
  const h = await createHarness();
  try {
    const paste = (profile: string, value: string) =>
      runTokenPaste(
        [FIXTURE_PROVIDER, "--profile", profile],
        h.withStdin(testStdin(value).readable),
      );
    await paste("work", "work-token");
    h.advance(1000);
    await paste("personal", "personal-token");
    const get = async (args: { profile?: string } = {}) =>
      (await getValidToken(h.ctx, { provider: FIXTURE_PROVIDER, ...args })).secret.access_token;

    assert.equal(await get(), "personal-token", "saved last");
    h.advance(1000);
    assert.equal(await get({ profile: "work" }), "work-token", "explicit profile");
    h.advance(1000);
    assert.equal(await get(), "work-token", "used last");
    await touchProfile(h.stateDir, `${FIXTURE_PROVIDER}:personal`, h.clock.now + 1);
    assert.equal(await get(), "personal-token");

    await runTokenOrder(["set", FIXTURE_PROVIDER, "work", "personal"], h.ctx);
    h.advance(1000);
    assert.equal(await get({ profile: "personal" }), "personal-token");
    assert.equal(await get(), "work-token", "the order wins over last use");
    await runTokenOrder(["clear", FIXTURE_PROVIDER], h.ctx);
    assert.equal(await get(), "personal-token");
  } finally {
    await h.cleanup();
  }
});
