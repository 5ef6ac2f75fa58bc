// `clawauth token import openclaw|codex` in process over the memory keychain, from the fixture
// files in tests/fixtures/import (written from OpenClaw's and the Codex CLI's source; see the
// README there): both auth-profiles.json formats, oauth.json, a Codex auth.json, a conflicting
// identity, and a second run that changes nothing.

import assert from "node:assert/strict";
import { parseTokenImportArgs, runTokenImport } from "../../cli/commands/token_import.ts";
import { readLocalClient } from "../../cli/flows/local_client.ts";
import { CredentialStore } from "../../cli/store/credentials.ts";
import { getOrder } from "../../cli/store/profiles.ts";
import { ClawauthError } from "../../shared/errors.ts";
import { REPO_ROOT } from "../fixtures/run_cli.ts";
import { createHarness, type Harness } from "./_token_sink_harness.ts";

const FIXTURES = `${REPO_ROOT}/tests/fixtures/import`;

interface Row {
  profile?: string;
  sourceKey: string;
  status: string;
  reason?: string;
  fix?: string;
  type?: string;
  account?: { id?: string; email?: string };
  refresh?: string;
}

function storeOf(h: Harness): CredentialStore {
  return new CredentialStore({
    keychain: h.keychain,
    stateDir: h.stateDir,
    keychainService: h.ctx.keychainService,
    now: h.ctx.now,
  });
}

function rows(data: Record<string, unknown>): Row[] {
  return data.profiles as Row[];
}

function byProfile(data: Record<string, unknown>, profile: string): Row {
  const row = rows(data).find((r) => r.profile === profile);
  assert.ok(row, `no row for ${profile} in ${JSON.stringify(rows(data))}`);
  return row;
}

/** Every secret value in a fixture file (strings in secret fields). */
async function fixtureSecrets(path: string): Promise<string[]> {
  const secrets: string[] = [];
  const walk = (value: unknown, key = "") => {
    if (typeof value === "string") {
      if (
        /^(key|token|access|refresh|apiKey|access_token|refresh_token|id_token|OPENAI_API_KEY)$/
          .test(key)
      ) {
        secrets.push(value);
      }
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(JSON.parse(await Deno.readTextFile(path)));
  return secrets;
}

function assertNoSecret(output: string, secrets: string[]): void {
  for (const secret of secrets) {
    assert.ok(
      !output.includes(secret.slice(0, 24)),
      `output shows a secret: ${secret.slice(0, 8)}…`,
    );
  }
}

Deno.test("parseTokenImportArgs() reads the source and its flags; refuses flags of the other source", () => {
  assert.deepEqual(parseTokenImportArgs(["openclaw"]), {
    source: "openclaw",
    agent: "main",
    prefix: "",
  });
  assert.deepEqual(
    parseTokenImportArgs(["openclaw", "--agent", "work", "--state-dir", "/x", "--prefix", "oc-"]),
    { source: "openclaw", agent: "work", stateDir: "/x", prefix: "oc-" },
  );
  assert.deepEqual(parseTokenImportArgs(["codex", "--codex-home", "/c", "--profile", "w"]), {
    source: "codex",
    codexHome: "/c",
    profile: "w",
  });
  assert.throws(() => parseTokenImportArgs(["codex", "--agent", "x"]), /does not apply/);
  assert.throws(() => parseTokenImportArgs(["openclaw", "--agent", "../x"]), /--agent must match/);
  assert.throws(() => parseTokenImportArgs(["claude"]), /openclaw or codex/);
});

Deno.test("token import openclaw: current auth-profiles.json and oauth.json; order carried over; a second run changes nothing", async () => {
  const h = await createHarness();
  const stateDir = `${FIXTURES}/openclaw`;
  try {
    const first = await runTokenImport(["openclaw", "--state-dir", stateDir], h.ctx);
    const data = first.data;
    assert.equal(data.changed, true);
    assert.equal(byProfile(data, "anthropic:default").status, "imported");
    assert.equal(byProfile(data, "anthropic:default").type, "token");
    assert.equal(byProfile(data, "anthropic:work").status, "imported");
    assert.equal(byProfile(data, "anthropic:work").type, "api_key");
    const codex = byProfile(data, "openai-codex:default");
    assert.equal(codex.status, "imported");
    assert.equal(codex.account?.id, "acct-alice");
    assert.match(codex.refresh ?? "", /built-in public client/);
    // `@` is not allowed in a clawauth profile name: mapped to `-`.
    assert.equal(byProfile(data, "openai:alice-example.test").status, "imported");
    // oauth.json: a provider not in auth-profiles.json is imported; openai-codex is not reused.
    assert.equal(byProfile(data, "github-copilot:default").status, "imported");
    assert.match(byProfile(data, "github-copilot:default").refresh ?? "", /CLAWAUTH_PROVIDERS/);
    const legacyCodex = rows(data).find((r) =>
      r.sourceKey === "openai-codex" && r.status === "skipped"
    );
    assert.match(legacyCodex?.reason ?? "", /legacy entry not used/);
    // A secret reference cannot be imported; the row says how to store it.
    const ref = rows(data).find((r) => r.sourceKey === "google:env")!;
    assert.equal(ref.status, "skipped");
    assert.match(ref.reason!, /secret reference/);
    assert.match(ref.fix!, /clawauth token paste google --profile env/);

    const store = storeOf(h);
    const anthropic = (await store.load("anthropic:default"))!;
    assert.equal(anthropic.secret.type, "token");
    assert.match(anthropic.secret.access_token!, /^sk-ant-oat01-/);
    assert.equal(anthropic.meta.origin, "pasted");
    const oauth = (await store.load("openai-codex:default"))!;
    assert.equal(oauth.secret.refresh_token, "rt-FIXTURE-openclaw-alice");
    assert.equal(oauth.secret.expires_at, 4102444800000);
    assert.equal(oauth.meta.origin, "local");
    assert.equal(oauth.meta.account?.id, "acct-alice");
    assert.equal(
      (await readLocalClient(h.stateDir, "openai-codex:default"))?.settings.clientId,
      "app_EMoamEEZ73f0CkXaXp7hrann",
    );
    assert.deepEqual(await getOrder(h.stateDir, "anthropic"), [
      "anthropic:work",
      "anthropic:default",
    ]);
    assert.deepEqual((data.orders as { status: string }[]).map((o) => o.status), ["set"]);

    const secrets = [
      ...await fixtureSecrets(`${stateDir}/agents/main/agent/auth-profiles.json`),
      ...await fixtureSecrets(`${stateDir}/credentials/oauth.json`),
    ];
    assert.ok(secrets.length >= 7);
    assertNoSecret(JSON.stringify(first), secrets);

    const generations = (await store.load("openai-codex:default"))!.secret.generation;
    const second = await runTokenImport(["openclaw", "--state-dir", stateDir], h.ctx);
    assert.equal(second.data.changed, false);
    assert.equal(second.data.imported, 0);
    assert.equal(second.data.updated, 0);
    assert.equal(second.data.unchanged, 5);
    assert.match(second.human!, /Nothing changed/);
    assert.deepEqual((second.data.orders as { status: string }[]).map((o) => o.status), [
      "unchanged",
    ]);
    assert.equal((await store.load("openai-codex:default"))!.secret.generation, generations);
    assertNoSecret(second.human!, secrets);
  } finally {
    await h.cleanup();
  }
});

Deno.test("token import openclaw: the legacy flat auth-profiles.json (mode, apiKey) becomes provider:default; OPENCLAW_STATE_DIR and --agent pick the file", async () => {
  const h = await createHarness({ env: { OPENCLAW_STATE_DIR: `${FIXTURES}/openclaw_legacy` } });
  try {
    const { data } = await runTokenImport(["openclaw"], h.ctx);
    assert.equal(byProfile(data, "anthropic:default").type, "token");
    assert.equal(byProfile(data, "openai:default").type, "api_key");
    const key = (await storeOf(h).load("openai:default"))!;
    assert.equal(key.secret.key, "sk-FIXTURE-legacy-openai");
    assert.equal(key.secret.type, "api_key");

    await assert.rejects(
      runTokenImport(["openclaw", "--agent", "nobody"], h.ctx),
      (error: unknown) =>
        error instanceof ClawauthError && error.code === "not_found" &&
        /agents\/nobody\/agent\/auth-profiles\.json/.test(error.message),
    );
  } finally {
    await h.cleanup();
  }
});

Deno.test("token import never replaces a stored profile of another account; --prefix imports beside it", async () => {
  const h = await createHarness();
  const stateDir = `${FIXTURES}/openclaw`;
  try {
    const store = storeOf(h);
    await store.save({
      id: "openai-codex:default",
      type: "oauth",
      origin: "local",
      account: { id: "acct-bob", email: "bob@example.test" },
      secret: { access_token: "bob-access", refresh_token: "bob-refresh", expires_at: 1 },
    });
    await store.save({
      id: "anthropic:work",
      type: "api_key",
      origin: "pasted",
      secret: { key: "sk-ant-api03-someone-else", access_token: "sk-ant-api03-someone-else" },
    });
    const { data } = await runTokenImport(["openclaw", "--state-dir", stateDir], h.ctx);
    const codex = byProfile(data, "openai-codex:default");
    assert.equal(codex.status, "skipped");
    assert.match(codex.reason!, /already holds acct-bob, the source's credential is acct-alice/);
    assert.match(codex.fix!, /--prefix <text>.*clawauth token rm openai-codex/);
    const work = byProfile(data, "anthropic:work");
    assert.equal(work.status, "skipped");
    assert.match(work.reason!, /may be another account/);
    assert.equal((await store.load("openai-codex:default"))!.secret.refresh_token, "bob-refresh");
    assert.equal((await store.load("anthropic:work"))!.secret.key, "sk-ant-api03-someone-else");

    const prefixed = await runTokenImport(
      ["openclaw", "--state-dir", stateDir, "--prefix", "oc-"],
      h.ctx,
    );
    assert.equal(byProfile(prefixed.data, "openai-codex:oc-default").status, "imported");
    assert.equal(byProfile(prefixed.data, "anthropic:oc-work").status, "imported");
    assert.equal((await store.load("openai-codex:default"))!.meta.account?.id, "acct-bob");
  } finally {
    await h.cleanup();
  }
});

Deno.test("token import codex: ChatGPT tokens become openai-codex with the account id and the JWT's expiry; OPENAI_API_KEY becomes openai; second run unchanged", async () => {
  const h = await createHarness({ env: { CODEX_HOME: `${FIXTURES}/codex` } });
  try {
    const { data } = await runTokenImport(["codex"], h.ctx);
    const row = byProfile(data, "openai-codex:default");
    assert.equal(row.status, "imported");
    assert.deepEqual(row.account, { id: "acct-codex", email: "carol@example.test" });
    const record = (await storeOf(h).load("openai-codex:default"))!;
    assert.equal(record.secret.refresh_token, "rt-FIXTURE-codex-carol");
    assert.equal(record.secret.expires_at, 4102444800 * 1000);
    assert.ok(record.secret.id_token);
    assert.equal(record.meta.account?.id, "acct-codex");
    assert.ok(await readLocalClient(h.stateDir, "openai-codex:default"));
    assertNoSecret(JSON.stringify(data), await fixtureSecrets(`${FIXTURES}/codex/auth.json`));

    const again = await runTokenImport(["codex"], h.ctx);
    assert.equal(again.data.changed, false);
    assert.equal(byProfile(again.data, "openai-codex:default").status, "unchanged");

    const keyOnly = await runTokenImport(
      ["codex", "--codex-home", `${FIXTURES}/codex_apikey`, "--profile", "work"],
      h.ctx,
    );
    assert.equal(byProfile(keyOnly.data, "openai:work").status, "imported");
    assert.equal(
      (await storeOf(h).load("openai:work"))!.secret.key,
      "sk-proj-FIXTURE-codex-apikey",
    );
  } finally {
    await h.cleanup();
  }
});

Deno.test("token import: the same account with a later expiry updates; an older one leaves the stored token", async () => {
  const h = await createHarness({ env: { CODEX_HOME: `${FIXTURES}/codex` } });
  try {
    const store = storeOf(h);
    const save = (expiresAt: number) =>
      store.save({
        id: "openai-codex:default",
        type: "oauth",
        origin: "local",
        account: { id: "acct-codex" },
        secret: { access_token: "older", refresh_token: "rt-older", expires_at: expiresAt },
      });
    await save(1_000);
    const updated = await runTokenImport(["codex"], h.ctx);
    assert.equal(byProfile(updated.data, "openai-codex:default").status, "updated");
    assert.equal(
      (await store.load("openai-codex:default"))!.secret.refresh_token,
      "rt-FIXTURE-codex-carol",
    );

    await save(4102444800 * 1000 + 1);
    const kept = await runTokenImport(["codex"], h.ctx);
    assert.equal(byProfile(kept.data, "openai-codex:default").status, "unchanged");
    assert.equal(kept.data.changed, false);
    assert.equal((await store.load("openai-codex:default"))!.secret.refresh_token, "rt-older");
  } finally {
    await h.cleanup();
  }
});
