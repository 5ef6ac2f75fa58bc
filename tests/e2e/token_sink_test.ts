// The token sink through the real CLI (subprocesses): profiles side by side and their selection,
// revoked refresh tokens, a provider that is down, `token status --check`, pasted tokens.

import assert from "node:assert/strict";
import { startOidcUpstream } from "../fixtures/oidc_provider.ts";
import { runCli } from "../fixtures/run_cli.ts";
import {
  FIXTURE_PROVIDER,
  loginLocalCli,
  makeExpiring,
  sinkEnv,
  storeFor,
  tokenGet,
  userinfoSub,
} from "./_token_sink_e2e.ts";

const WORK = `${FIXTURE_PROVIDER}:work`;
const PERSONAL = `${FIXTURE_PROVIDER}:personal`;

async function withUpstream(
  fn: (t: {
    upstream: Awaited<ReturnType<typeof startOidcUpstream>>;
    env: Record<string, string>;
  }) => Promise<void>,
): Promise<void> {
  const upstream = await startOidcUpstream({
    redirectUris: [],
    accessTokenTtlSeconds: 3600,
    rotateRefreshTokens: true,
  });
  const { env, cleanup } = await sinkEnv(upstream);
  try {
    await fn({ upstream, env });
  } finally {
    await cleanup();
    await upstream.close();
  }
}

Deno.test("profiles side by side: work and personal accounts of one provider, chosen by --profile, order and last use", async () => {
  await withUpstream(async ({ upstream, env }) => {
    await loginLocalCli(env, { profile: "work", account: "alice" });
    await loginLocalCli(env, { profile: "personal", account: "bob" });

    const work = await runCli(["token", "get", FIXTURE_PROVIDER, "--profile", "work", "--json"], {
      env,
    });
    assert.equal(work.code, 0, work.stderr);
    const workBody = work.json() as { account: string; token: { access_token: string } };
    assert.equal(workBody.account, WORK);
    assert.equal(await userinfoSub(upstream, workBody.token.access_token), "alice");
    const personal = await tokenGet(env, PERSONAL);
    assert.equal(await userinfoSub(upstream, personal.accessToken!), "bob");

    // No profile named: the one used last (personal), unless an order says otherwise.
    const last = await tokenGet(env, FIXTURE_PROVIDER);
    assert.equal(last.accessToken, personal.accessToken);
    const set = await runCli([
      "token",
      "order",
      "set",
      FIXTURE_PROVIDER,
      "work",
      "personal",
      "--json",
    ], {
      env,
    });
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual((set.json() as { order: string[] }).order, [WORK, PERSONAL]);
    assert.equal((await tokenGet(env, FIXTURE_PROVIDER)).accessToken, workBody.token.access_token);

    const list = await runCli(["token", "status", "--json"], { env });
    const rows = (list.json() as { profiles: { profile: string; status: string }[] }).profiles;
    assert.deepEqual(rows.map((r) => [r.profile, r.status]), [[PERSONAL, "ok"], [WORK, "ok"]]);

    const rm = await runCli(["token", "rm", FIXTURE_PROVIDER, "--profile", "work", "--json"], {
      env,
    });
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await tokenGet(env, FIXTURE_PROVIDER)).accessToken, personal.accessToken);
    const gone = await tokenGet(env, WORK);
    assert.equal(gone.result.code, 1);
    assert.equal(gone.error?.code, "token_not_found");
  });
});

Deno.test("a revoked refresh token: `token get` reports needs-login with the command to run", async () => {
  await withUpstream(async ({ upstream, env }) => {
    await loginLocalCli(env, { profile: "work" });
    const before = await makeExpiring(env, WORK, -1000);
    upstream.revokeRefreshTokens();
    const { result, error } = await tokenGet(env, WORK);
    assert.equal(result.code, 1);
    assert.equal(error?.code, "needs_login");
    assert.match(error!.message, /Run: clawauth login local fixture --profile work$/);
    assert.equal(
      (error as Record<string, unknown>).fixCommand,
      "clawauth login local fixture --profile work",
    );
    const human = await runCli(["token", "get", WORK], { env });
    assert.equal(human.code, 1);
    assert.match(
      human.stderr,
      /needs a new login.*Run: clawauth login local fixture --profile work \(needs_login\)/,
    );
    const after = (await (await storeFor(env)).load(WORK))!;
    assert.deepEqual(after.secret, before.secret, "credentials are kept");
  });
});

Deno.test("the provider is down: the record is untouched and the error says it was transient", async () => {
  await withUpstream(async ({ upstream, env }) => {
    await loginLocalCli(env, { profile: "work" });
    const before = await makeExpiring(env, WORK, -1000);
    upstream.setTokenEndpointDown(true);
    const { result, error } = await tokenGet(env, WORK);
    assert.equal(result.code, 1);
    assert.equal(error?.code, "transient_error");
    assert.match(error!.message, /transient error .*stored credentials are unchanged, retry later/);
    const after = (await (await storeFor(env)).load(WORK))!;
    assert.deepEqual(after.secret, before.secret);
    assert.equal(after.meta.refresh.state, "idle");
    assert.equal(after.meta.refresh.lastError?.transient, true);

    const forced = await runCli(["token", "refresh", WORK, "--json"], { env });
    assert.equal(forced.code, 1);
    assert.equal((forced.json() as { error: { code: string } }).error.code, "transient_error");

    upstream.setTokenEndpointDown(false);
    const ok = await tokenGet(env, WORK);
    assert.equal(ok.result.code, 0, ok.result.stderr);
    assert.equal(await userinfoSub(upstream, ok.accessToken!), "alice");
  });
});

Deno.test("`token status --check` exits 0 when all is well, 2 when a token is expiring, 1 when one is expired or missing", async () => {
  await withUpstream(async ({ env }) => {
    const status = () => runCli(["token", "status", "--check", "--json"], { env });
    assert.equal((await status()).code, 1, "nothing stored");

    await loginLocalCli(env, { profile: "work" });
    await makeExpiring(env, WORK, -1000);
    let result = await status();
    assert.equal(result.code, 0, "an expired access token with a refresh token is fine");

    const paste = (argv: string[], secret: string) =>
      runCli(["token", "paste", ...argv, "--json"], { env, stdin: secret });
    assert.equal((await paste(["anthropic", "--expires-in", "30d"], "sk-long\n")).code, 0);
    assert.equal((await status()).code, 0);
    assert.equal((await paste(["openai", "--expires-in", "2h"], "sk-soon\n")).code, 0);
    result = await status();
    assert.equal(result.code, 2);
    const body = result.json() as { summary: Record<string, number>; checkExitCode: number };
    assert.equal(body.summary.expiring, 1);
    assert.equal(body.checkExitCode, 2);

    const store = await storeFor(env, () => Date.now() - 3600_000);
    const openai = (await store.load("openai:default"))!;
    await store.save({
      id: "openai:default",
      type: openai.meta.type,
      origin: openai.meta.origin,
      secret: { ...openai.secret, expires_at: Date.now() - 1000 },
    });
    result = await status();
    assert.equal(result.code, 1);
    const human = await runCli(["token", "status", "--check"], { env });
    assert.equal(human.code, 1);
    assert.match(human.stdout, /openai:default\s+expired .*→ run: clawauth token paste openai/);
    assert.doesNotMatch(human.stdout + result.stdout, /sk-long|sk-soon/);
  });
});

Deno.test("`token paste` reads the secret from stdin and refuses it on the command line", async () => {
  await withUpstream(async ({ env }) => {
    const pasted = await runCli(["token", "paste", "anthropic", "--type", "api_key", "--json"], {
      env,
      stdin: "sk-ant-abc123\n",
    });
    assert.equal(pasted.code, 0, pasted.stderr);
    assert.doesNotMatch(pasted.stdout + pasted.stderr, /sk-ant-abc123/);
    const got = await tokenGet(env, "anthropic");
    assert.equal(got.accessToken, "sk-ant-abc123", "exactly one trailing newline trimmed");

    const argv = await runCli(["token", "paste", "github", "ghp_SECRET123", "--json"], { env });
    assert.equal(argv.code, 2);
    const error = (argv.json() as { error: { code: string; message: string } }).error;
    assert.equal(error.code, "usage");
    assert.match(error.message, /reads the secret from stdin, never from the command line/);
    assert.doesNotMatch(argv.stdout + argv.stderr, /SECRET123/);

    const empty = await runCli(["token", "paste", "github", "--json"], { env, stdin: "\n" });
    assert.equal(empty.code, 2);
    assert.match(empty.stdout, /no secret on stdin/);
  });
});
