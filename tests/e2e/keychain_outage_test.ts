// A keychain outage is never "no token". After a real login into the Secret Service (a private
// gnome-keyring-daemon on a private D-Bus), the same CLI runs (1) without the D-Bus session, as
// after a re-login over SSH, and (2) with the keyring daemon gone: every command that needs the
// secret answers keychain_unavailable naming the backend, the reason and the fix, exits non-zero,
// and never says missing / token_not_found, never advises a new login or a removal, and never
// reads the profile from the file backend it fell back to.

import assert from "node:assert/strict";
import { join } from "node:path";
import { startKeyring } from "../fixtures/keyring.ts";
import { type CliResult, runCli } from "../fixtures/run_cli.ts";
import { approveOverHttp, type Json, PROVIDER, startDelegated } from "../cli/_delegated.ts";

/** What an agent must never be told while the secret is only unreachable. */
const MISLEADING =
  /token_not_found|"missing"|\bmissing\b|login start|log in again|token rm|remove it|no local login session/;

function assertUnavailable(result: CliResult, label: string): Json {
  const text = `${label}\n${result.stdout}\n${result.stderr}`;
  assert.notEqual(result.code, 0, `${text}: exit non-zero`);
  assert.doesNotMatch(result.stdout + result.stderr, MISLEADING, text);
  const body = result.json() as Json;
  assert.equal(body.error.code, "keychain_unavailable", text);
  assert.equal(body.error.backend, "linux", text);
  assert.equal(body.error.transient, false, text);
  assert.equal(typeof body.error.reason, "string", text);
  assert.match(body.error.fix, /DBUS_SESSION_BUS_ADDRESS|CLAWAUTH_KEYCHAIN/, text);
  assert.match(body.error.message, /still there/, text);
  return body;
}

Deno.test("a Secret Service outage after a login is reported as keychain_unavailable, never as a missing token", async () => {
  const keyring = await startKeyring();
  const setup = await startDelegated();
  const dir = await Deno.makeTempDir({ prefix: "clawauth-outage-" });
  try {
    const stateDir = join(dir, "state");
    const base = { HOME: dir, CLAWAUTH_STATE_DIR: stateDir, CLAWAUTH_SERVER_URL: setup.url };
    const up = { ...base, ...keyring.env };
    const cli = async (args: string[], env: Record<string, string>) => await runCli(args, { env });

    // A login with the Secret Service running (auto-selected linux backend).
    const start = (await cli(["login", "start", PROVIDER, "--json"], up)).json() as Json;
    await approveOverHttp(start.shortAuthUrl);
    const claim = await cli(["login", "claim", start.sessionId, "--json"], up);
    assert.equal(claim.code, 0, claim.stderr);
    const list = (await cli(["token", "list", "--json"], up)).json() as Json;
    assert.equal(list.tokens[0].keychainBackend, "linux", "the backend is recorded");
    // A second login left pending: its keys are in the Secret Service too.
    const pending = (await cli(["login", "start", PROVIDER, "--json"], up)).json() as Json;

    // (1) The same user, no D-Bus session: the CLI falls back to the file (announced) ...
    const { DBUS_SESSION_BUS_ADDRESS: _bus, ...noBusKeyring } = keyring.env;
    const noBus = { ...base, ...noBusKeyring };
    const get = await cli(["token", "get", PROVIDER, "--json"], noBus);
    assert.match(get.stderr, /WARNING: no usable OS keychain/);
    // ... but never looks for the linux profile there.
    assertUnavailable(get, "token get");
    assertUnavailable(await cli(["token", "env", PROVIDER, "--json"], noBus), "token env");
    assertUnavailable(await cli(["token", "refresh", PROVIDER, "--json"], noBus), "token refresh");
    assertUnavailable(await cli(["token", "rm", PROVIDER, "--json"], noBus), "token rm");
    assertUnavailable(
      await cli(["login", "claim", pending.sessionId, "--json"], noBus),
      "login claim",
    );
    assertUnavailable(
      await cli(["login", "status", pending.sessionId, "--json"], noBus),
      "login status",
    );

    const human = await cli(["token", "get", PROVIDER], noBus);
    assert.equal(human.code, 1);
    assert.doesNotMatch(human.stderr, MISLEADING);
    assert.match(human.stderr, /keychain_unavailable/);
    assert.match(human.stderr, /Fix: /);

    const status = await cli(["token", "status", "--json"], noBus);
    assert.equal(status.code, 1, "token status exits non-zero when a keychain is unreachable");
    assert.equal((status.json() as Json).summary.missing, 0);
    assert.equal((status.json() as Json).summary["keychain-unavailable"], 1);
    const row = (status.json() as Json).profiles[0];
    assert.equal(row.status, "keychain-unavailable");
    assert.equal(row.error.backend, "linux");
    assert.equal(row.fixCommand, undefined, "no login advice");

    const listed = await cli(["token", "list", "--json"], noBus);
    assert.equal(listed.code, 0, "metadata needs no keychain");
    assert.equal((listed.json() as Json).tokens[0].keychainBackend, "linux");

    const sessions = await cli(["sessions", "--json"], noBus);
    const sessionRow = (sessions.json() as Json).sessions
      .find((s: Json) => s.sessionId === pending.sessionId);
    assert.equal(sessionRow.status, "keychain_unavailable");
    assert.equal(sessionRow.shortAuthUrl, pending.shortAuthUrl, "the link is still there");

    // Nothing was copied into, or removed from, the fallback file; the profile is intact.
    const fallback = await Deno.readTextFile(join(stateDir, "credentials.json")).catch(() => "");
    assert.ok(!fallback.includes(`${PROVIDER}:default`));
    const back = await cli(["token", "get", PROVIDER, "--json"], up);
    assert.equal(back.code, 0, `the token is there once D-Bus is back: ${back.stderr}`);

    // A new login without D-Bus goes to the announced file backend and is read from there,
    // with or without D-Bus.
    const ssh = (await cli(["login", "start", PROVIDER, "--profile", "ssh", "--json"], noBus))
      .json() as Json;
    await approveOverHttp(ssh.shortAuthUrl);
    const sshClaim = await cli(["login", "claim", ssh.sessionId, "--json"], noBus);
    assert.equal(sshClaim.code, 0, sshClaim.stdout);
    for (const env of [noBus, up]) {
      const got = await cli(["token", "get", PROVIDER, "--profile", "ssh", "--json"], env);
      assert.equal(got.code, 0, got.stdout);
    }
    // Logging in again to the profile stored in the unreachable keychain says where it goes now.
    const again = (await cli(["login", "start", PROVIDER, "--json"], noBus)).json() as Json;
    await approveOverHttp(again.shortAuthUrl, { account: "alice" });
    const moved = await cli(["login", "claim", again.sessionId, "--json"], noBus);
    assert.equal(moved.code, 0, moved.stdout);
    assert.match(
      moved.stderr,
      /notice: demo:default was stored in the linux keychain, which this run cannot reach; the new token is stored in the file keychain/,
    );
    // A profile stays in the backend that holds it; to move it back, remove it and log in
    // with D-Bus (the next part needs demo:default in the Secret Service again).
    assert.equal((await cli(["token", "rm", PROVIDER, "--json"], up)).code, 0);
    const home = (await cli(["login", "start", PROVIDER, "--json"], up)).json() as Json;
    await approveOverHttp(home.shortAuthUrl);
    assert.equal((await cli(["login", "claim", home.sessionId, "--json"], up)).code, 0);
    const relisted = (await cli(["token", "list", "--json"], up)).json() as Json;
    assert.deepEqual(
      relisted.tokens.map((t: Json) => [t.profile, t.keychainBackend]),
      [["demo:default", "linux"], ["demo:ssh", "file"]],
    );

    // (2) The keyring daemon is gone; CLAWAUTH_KEYCHAIN=linux asks for it explicitly.
    await keyring.stop();
    const down = { ...up, CLAWAUTH_KEYCHAIN: "linux", CLAWAUTH_KEYCHAIN_TIMEOUT_MS: "5000" };
    assertUnavailable(await cli(["token", "get", PROVIDER, "--json"], down), "token get (down)");
    const downStatus = await cli(["token", "status", "--json"], down);
    assert.equal(downStatus.code, 1);
    assert.equal((downStatus.json() as Json).profiles[0].status, "keychain-unavailable");

    // login start checks the keychain BEFORE /init: no server session is created.
    const inits = () => setup.logs().split("\n").filter((line) => line.includes('"/init"')).length;
    const before = inits();
    const refused = await cli(["login", "start", PROVIDER, "--json"], down);
    assert.notEqual(refused.code, 0);
    const body = refused.json() as Json;
    assert.equal(body.error.code, "keychain_unavailable");
    assert.equal(body.error.backend, "linux");
    assert.ok(body.error.fix);
    assert.equal(inits(), before, "no /init was sent");
  } finally {
    await setup.stop();
    await keyring.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
