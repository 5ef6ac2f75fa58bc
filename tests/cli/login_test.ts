// `clawauth login start|status|claim`, `sessions`, `session-rm`, `providers` as subprocesses
// against the real server process, with the real oidc-provider upstream as provider `demo`.

import assert from "node:assert/strict";
import { join } from "node:path";
import { readJsonFile } from "../../cli/store/atomic_write.ts";
import { runCli } from "../fixtures/run_cli.ts";
import {
  approveOverHttp,
  cliEnv,
  type Json,
  PROVIDER,
  startDelegated,
  userinfo,
} from "./_delegated.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function cli(args: string[], env: Record<string, string>) {
  const result = await runCli(args, { env });
  return { ...result, body: args.includes("--json") ? result.json() as Record<string, Json> : {} };
}

async function listDir(path: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(path)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

Deno.test("login start → status → claim stores the token, masked in the output; a second claim is refused", async () => {
  const setup = await startDelegated();
  const { dir, stateDir, env } = await cliEnv(setup.url);
  try {
    const start = await cli(["login", "start", PROVIDER, "--json"], env);
    assert.equal(start.code, 0, start.stderr);
    const { sessionId } = start.body;
    assert.match(sessionId, UUID);
    assert.deepEqual(Object.keys(start.body).sort(), [
      "action",
      "authUrl",
      "claimCommand",
      "confirmationCode",
      "expiresAt",
      "expiresIn",
      "pollIntervalSeconds",
      "profile",
      "provider",
      "sessionId",
      "shortAuthUrl",
      "statusCommand",
      "ttlSeconds",
    ]);
    assert.equal(start.body.action, "start");
    assert.equal(start.body.provider, PROVIDER);
    assert.equal(start.body.expiresIn, 3600);
    assert.ok(start.body.shortAuthUrl.startsWith(`${setup.url}/`));
    // No link the agent hands out skips the confirmation page.
    assert.equal(start.body.authUrl, start.body.shortAuthUrl);
    assert.match(
      start.body.confirmationCode,
      /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/,
    );
    assert.equal(start.body.pollIntervalSeconds, 2);
    const expiresAt = Date.parse(start.body.expiresAt);
    assert.ok(Math.abs(expiresAt - (Date.now() + 3600_000)) < 60_000, start.body.expiresAt);
    assert.equal(start.body.statusCommand, `clawauth login status ${sessionId}`);
    assert.equal(start.body.claimCommand, `clawauth login claim ${sessionId}`);
    assert.equal(start.body.profile, "demo:default");
    // Keys in the keychain (the 0600 file here), a non-secret index in the state dir.
    const index = await readJsonFile(join(stateDir, "sessions", `${sessionId}.json`));
    assert.deepEqual(Object.keys(index as object).sort(), [
      "confirmationCode",
      "createdAt",
      "expiresIn",
      "keychainBackend",
      "profile",
      "provider",
      "server",
      "sessionId",
      "shortAuthUrl",
    ]);
    assert.ok(!JSON.stringify(index).includes("SecretKey"));

    const pending = await cli(["login", "status", sessionId, "--json"], env);
    assert.equal(pending.code, 0, pending.stderr);
    const { expiresAt: statusExpiresAt, expiresIn, ...rest } = pending.body;
    assert.deepEqual(rest, {
      action: "status",
      sessionId,
      status: "pending",
      provider: PROVIDER,
      error: null,
      shortAuthUrl: start.body.shortAuthUrl,
      confirmationCode: start.body.confirmationCode,
    });
    assert.ok(expiresIn > 3500 && expiresIn <= 3600, `seconds left: ${expiresIn}`);
    assert.ok(Math.abs(Date.parse(statusExpiresAt) - expiresAt) < 60_000, statusExpiresAt);
    const early = await cli(["login", "claim", sessionId, "--json"], env);
    assert.equal(early.code, 0, early.stderr);
    assert.equal(early.body.status, "pending");
    assert.equal(early.body.storedInKeychain, false);

    const callback = await approveOverHttp(start.body.shortAuthUrl);
    assert.equal(callback.status, 200, callback.text);

    const completed = await cli(["login", "status", sessionId, "--json"], env);
    assert.equal(completed.body.status, "completed");

    const claim = await cli(["login", "claim", sessionId, "--json"], env);
    assert.equal(claim.code, 0, claim.stderr);
    const body = claim.body;
    assert.equal(body.action, "claim");
    assert.equal(body.status, "completed");
    assert.equal(body.provider, PROVIDER);
    assert.equal(body.storedInKeychain, true);
    assert.equal(body.keychainService, "clawauth");
    assert.equal(body.keychainAccount, "demo:default");
    assert.equal(body.profile, "demo:default");
    assert.ok(!("account" in body), "no overloaded account object: profile + identity");
    assert.equal(body.identity.id, "alice");
    assert.match(body.tokenData.access_token, /^.{4}…\(\d+ chars\)$/);
    assert.match(body.tokenData.refresh_token, /^.{4}…\(\d+ chars\)$/);
    assert.match(body.tokenData.id_token, /^.{4}…\(\d+ chars\)$/);
    assert.equal(body.tokenData.token_type, "Bearer");
    assert.deepEqual(body.identity, { id: "alice" }, "the account, as the provider names it");

    // The stored token is the real one: the upstream accepts it.
    const get = await cli(["token", "get", PROVIDER, "--json"], env);
    assert.equal(get.code, 0, get.stderr);
    assert.equal(get.body.account, "demo:default");
    assert.ok(
      !claim.stdout.includes(get.body.token.access_token),
      "claim output never shows the token",
    );
    assert.equal((await userinfo(setup.upstream, get.body.token.access_token)).status, 200);

    // One-time: the server forgot the session, and so did this machine.
    assert.deepEqual(await listDir(join(stateDir, "sessions")), ["claimed"]);
    assert.deepEqual(await listDir(join(stateDir, "sessions", "claimed")), [`${sessionId}.json`]);
    // A second claim says where the first one went (a tombstone in the session index).
    const again = await cli(["login", "claim", sessionId, "--json"], env);
    assert.equal(again.code, 1);
    assert.equal(again.body.error.code, "already_claimed");
    assert.match(
      again.body.error.message,
      new RegExp(
        `^login session ${sessionId} was already claimed on this machine .*stored as demo:default`,
      ),
    );
    assert.equal(again.body.error.profile, "demo:default");
    assert.equal(again.body.error.fix, "clawauth token get demo");
    assert.equal(again.body.error.transient, false);
    assert.doesNotMatch(again.body.error.message, /start a new login|no local login session/);
    assert.equal(
      (await cli(["login", "status", sessionId, "--json"], env)).body.error.code,
      "already_claimed",
    );

    const list = await cli(["token", "list", "--json"], env);
    assert.equal(list.code, 0);
    assert.equal(list.body.tokens.length, 1);
    assert.equal(list.body.tokens[0].account, "demo:default");
    assert.equal(list.body.tokens[0].has_refresh_token, true);
    assert.equal(list.body.tokens[0].origin, "delegated");
    assert.deepEqual(list.body.tokens[0].identity, { id: "alice" });
    assert.ok(!list.stdout.includes(get.body.token.access_token), "token list holds no secret");
    assert.ok(!list.stdout.includes(get.body.token.refresh_token), "token list holds no secret");
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login claim --reveal and --profile store under the named profile and show the token", async () => {
  const setup = await startDelegated();
  const { dir, env } = await cliEnv(setup.url);
  try {
    const start = await cli(["login", "start", PROVIDER, "--profile", "work", "--json"], env);
    assert.equal(start.body.profile, "demo:work");
    await approveOverHttp(start.body.shortAuthUrl, { account: "bob" });
    const claim = await cli(["login", "claim", start.body.sessionId, "--reveal", "--json"], env);
    assert.equal(claim.code, 0, claim.stderr);
    assert.equal(claim.body.keychainAccount, "demo:work");
    const token = claim.body.tokenData.access_token;
    assert.ok(!token.includes("…"));
    const info = await userinfo(setup.upstream, token);
    assert.equal(info.status, 200);
    assert.equal(info.body.sub, "bob");
    const get = await cli(["token", "get", PROVIDER, "--profile", "work", "--json"], env);
    assert.equal(get.body.token.access_token, token);
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a claim answered with an error stores nothing and removes the local session", async () => {
  const setup = await startDelegated();
  const { dir, stateDir, env } = await cliEnv(setup.url);
  try {
    const start = await cli(["login", "start", PROVIDER, "--json"], env);
    const { sessionId } = start.body;
    await approveOverHttp(start.body.shortAuthUrl, { consent: "deny" });

    const status = await cli(["login", "status", sessionId, "--json"], env);
    assert.equal(status.code, 0, "status error is an answer, not a failure");
    assert.equal(status.body.status, "error");
    assert.match(status.body.error, /access_denied/);

    // The one error shape: {"error": {code, message, transient, fix, ...}}, not a string.
    const claim = await cli(["login", "claim", sessionId, "--json"], env);
    assert.equal(claim.code, 1);
    // The seed's claim fields stay at the top (status "error"); the error itself is the object.
    assert.deepEqual(Object.keys(claim.body).sort(), [
      "error",
      "provider",
      "status",
      "storedInKeychain",
    ]);
    assert.equal(claim.body.status, "error");
    assert.equal(claim.body.provider, PROVIDER);
    assert.equal(claim.body.storedInKeychain, false);
    assert.equal(claim.body.error.code, "session_failed");
    assert.match(claim.body.error.message, /access_denied/);
    assert.equal(claim.body.error.status, "error");
    assert.equal(claim.body.error.storedInKeychain, false);
    assert.equal(claim.body.error.transient, false);
    assert.equal(claim.body.error.fix, `clawauth login start ${PROVIDER}`);

    assert.deepEqual(await listDir(join(stateDir, "sessions")), []);
    assert.deepEqual(await listDir(join(stateDir, "profiles")), []);
    const sessions = await cli(["sessions", "--json"], env);
    assert.deepEqual(sessions.body, { action: "sessions", sessions: [] });
    const list = await cli(["token", "list", "--json"], env);
    assert.deepEqual(list.body.tokens, []);
    const credentials = await Deno.readTextFile(join(stateDir, "credentials.json"));
    assert.ok(!credentials.includes(sessionId), "session keys left the keychain");
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a claim whose storage fails leaves a 0600 recovery file with the token", async () => {
  const setup = await startDelegated();
  const { dir, stateDir, env } = await cliEnv(setup.url);
  try {
    const start = await cli(["login", "start", PROVIDER, "--json"], env);
    await approveOverHttp(start.body.shortAuthUrl);
    // Storage breaks after the pre-claim check can see it: the profile lock directory's
    // place is taken by a file (works even as root, unlike permission bits).
    await Deno.writeTextFile(join(stateDir, "locks"), "not a directory");

    const claim = await cli(["login", "claim", start.body.sessionId, "--json"], env);
    assert.equal(claim.code, 1, claim.stdout);
    const error = claim.body.error;
    assert.equal(error.code, "storage_failed");
    assert.match(error.message, /the token was claimed but could not be stored/);
    assert.match(error.message, /recovery file .*\.json \(mode 0600\)/);
    const path = error.recoveryFile as string;
    assert.ok(error.message.includes(path));
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const saved = JSON.parse(await Deno.readTextFile(path));
    assert.equal(saved.provider, PROVIDER);
    assert.equal((await userinfo(setup.upstream, saved.tokenData.access_token)).status, 200);
    assert.ok(saved.tokenData.refresh_token);

    // Nothing was stored, and the consumed session is gone.
    await Deno.remove(join(stateDir, "locks"));
    const list = await cli(["token", "list", "--json"], env);
    assert.deepEqual(list.body.tokens, []);
    assert.deepEqual(await listDir(join(stateDir, "sessions")), []);
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sessions lists local sessions with live status; session-rm removes one", async () => {
  const setup = await startDelegated();
  const { dir, stateDir, env } = await cliEnv(setup.url);
  try {
    const ids: string[] = [];
    const links: string[] = [];
    for (let i = 0; i < 4; i++) {
      const start = await cli(["login", "start", PROVIDER, "--json"], env);
      assert.equal(start.code, 0, start.stderr);
      ids.push(start.body.sessionId);
      links.push(start.body.shortAuthUrl);
    }
    const [pending, completed, expired, corrupt] = ids;
    await approveOverHttp(links[1]);
    // Past its lifetime: the index says it was created long ago.
    const expiredIndex = join(stateDir, "sessions", `${expired}.json`);
    const index = JSON.parse(await Deno.readTextFile(expiredIndex));
    await Deno.writeTextFile(
      expiredIndex,
      JSON.stringify({ ...index, createdAt: "2000-01-01T00:00:00.000Z" }),
    );
    // Key material gone from the keychain.
    const credentialsPath = join(stateDir, "credentials.json");
    const credentials = JSON.parse(await Deno.readTextFile(credentialsPath));
    for (const items of Object.values(credentials.items) as Record<string, string>[]) {
      delete items[corrupt];
    }
    await Deno.writeTextFile(credentialsPath, JSON.stringify(credentials), { mode: 0o600 });

    const sessions = await cli(["sessions", "--json"], env);
    assert.equal(sessions.code, 0, sessions.stderr);
    const byId = new Map<string, Record<string, unknown>>(
      sessions.body.sessions.map((row: Record<string, unknown>) => [row.sessionId, row]),
    );
    assert.equal(byId.size, 4);
    assert.equal(byId.get(pending)!.status, "pending");
    assert.equal(byId.get(completed)!.status, "completed");
    assert.equal(byId.get(expired)!.status, "expired");
    assert.equal(byId.get(corrupt)!.status, "local_corrupt");
    const row = byId.get(pending)!;
    assert.equal(row.provider, PROVIDER);
    assert.equal(row.profile, "demo:default");
    assert.equal(row.server, setup.url);
    // The link to send again, when it expires and the seconds left (not the lifetime).
    assert.equal(row.shortAuthUrl, links[0]);
    assert.equal(row.lifetimeSeconds, 3600);
    assert.ok(
      typeof row.expiresIn === "number" && row.expiresIn <= 3600 && row.expiresIn > 3500,
      `seconds left: ${row.expiresIn}`,
    );
    assert.ok(
      Math.abs(Date.parse(String(row.expiresAt)) - Date.now() - row.expiresIn * 1000) < 5000,
    );
    assert.equal(byId.get(expired)!.expiresIn, 0);
    assert.equal(row.error, null);
    const status = await cli(["login", "status", pending, "--json"], env);
    assert.equal(status.body.shortAuthUrl, links[0]);
    assert.equal(status.body.expiresAt, row.expiresAt);
    assert.ok(status.body.expiresIn <= row.expiresIn);
    assert.equal(row.claimCommand, `clawauth login claim ${pending}`);

    const human = await runCli(["sessions"], { env });
    assert.match(human.stdout, /Local sessions: 4/);
    assert.match(human.stdout, new RegExp(`- ${completed}  status=completed`));

    const rm = await cli(["session-rm", corrupt, "--json"], env);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(rm.body.removed, true);
    assert.equal(rm.body.serverRemoved, false);
    const rmPending = await cli(["session-rm", pending, "--json"], env);
    assert.equal(rmPending.body.removed, true);
    assert.equal(rmPending.body.serverRemoved, true, rmPending.body.serverNote);
    assert.equal(rmPending.body.serverNote, "removed on the server");
    const statusAfterRm = await cli(["login", "status", pending, "--json"], env);
    assert.equal(statusAfterRm.code, 1);
    assert.equal(statusAfterRm.body.error.code, "session_not_found");
    const after = await cli(["sessions", "--json"], env);
    assert.deepEqual(
      after.body.sessions.map((r: Record<string, unknown>) => r.sessionId).sort(),
      [completed, expired].sort(),
    );
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("providers and login start without a provider ask the server", async () => {
  const setup = await startDelegated();
  const { dir, env } = await cliEnv(setup.url);
  try {
    const providers = await cli(["providers", "--json"], env);
    assert.equal(providers.code, 0, providers.stderr);
    assert.equal(providers.body.source, "server");
    assert.equal(providers.body.serverUrl, setup.url);
    assert.ok(providers.body.providers.includes(PROVIDER));
    assert.ok(providers.body.providers.includes("github"));
    const demo = providers.body.details.find((d: { name: string }) => d.name === PROVIDER);
    assert.equal(demo.configured, true);
    assert.equal(providers.body.notice, undefined);

    const missing = await cli(["login", "start", "--json"], env);
    assert.equal(missing.code, 2);
    assert.equal(missing.body.error.code, "usage");
    assert.ok(missing.body.error.supportedProviders.includes(PROVIDER));
    assert.match(missing.body.error.message, /supported providers: .*demo/);

    const unknown = await cli(["login", "start", "nosuchprovider", "--json"], env);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.body.error.code, "provider_not_implemented");
    assert.ok(unknown.body.error.supportedProviders.includes(PROVIDER));
  } finally {
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
