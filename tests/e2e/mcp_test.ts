// `clawauth mcp` end to end: the SDK's own Client drives the server over stdio (a subprocess)
// through a complete delegated login with the real clawauth server, the real upstream and
// chromium, then uses, lists and removes the account. No tool result may contain any token the
// provider issued (checked against the stored secrets, whole and by prefix).
//
// Set CLAWAUTH_MCP_TRANSCRIPT=<file> to keep the session transcript (tool calls and results).
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { FileKeychain } from "../../cli/keychain/file.ts";
import { credentialsFilePath } from "../../cli/keychain/select.ts";
import { completeLoginInBrowser, launchBrowser } from "../fixtures/browser.ts";
import { cliEntrypoint, denoDir, REPO_ROOT } from "../fixtures/run_cli.ts";
import { cliEnv, type Json, PROVIDER, startDelegated } from "../cli/_delegated.ts";

interface Entry {
  call: string;
  arguments: Record<string, unknown>;
  result: Json;
}

Deno.test("mcp: a complete flow over stdio with the SDK client; no tool result holds a token", async () => {
  const setup = await startDelegated();
  const browser = await launchBrowser();
  const { dir, stateDir, env } = await cliEnv(setup.url, {
    CLAWAUTH_API_BASE_DEMO: setup.upstream.issuer,
  });
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "-A", "--quiet", `--config=${REPO_ROOT}/deno.json`, cliEntrypoint(), "mcp"],
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      DENO_DIR: await denoDir(),
      NO_COLOR: "1",
      DENO_NO_UPDATE_CHECK: "1",
      ...env,
    },
    stderr: "pipe",
  });
  let serverStderr = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => {
    serverStderr += new TextDecoder().decode(chunk);
  });
  const client = new Client({ name: "clawauth-test", version: "1.0.0" });
  const transcript: Entry[] = [];
  const issued = new Set<string>();
  const keychain = new FileKeychain({ path: credentialsFilePath(stateDir) });
  async function collectTokens(): Promise<void> {
    const raw = await keychain.get("clawauth", `${PROVIDER}:default`);
    if (raw === null) return;
    const secret = JSON.parse(raw);
    for (const name of ["access_token", "refresh_token", "id_token"]) {
      if (typeof secret[name] === "string") issued.add(secret[name]);
    }
  }
  async function call(name: string, args: Record<string, unknown> = {}): Promise<Json> {
    const result = await client.callTool({ name, arguments: args });
    transcript.push({ call: name, arguments: args, result });
    return result;
  }

  try {
    await client.connect(transport);
    const tools = (await client.listTools()).tools.map((tool: { name: string }) => tool.name)
      .sort();
    assert.deepEqual(tools, [
      "call_api",
      "check_access",
      "list_accounts",
      "list_providers",
      "request_access",
      "revoke_access",
    ]);
    const instructions = client.getInstructions() ?? "";
    assert.match(instructions, /KEEP WORKING/);

    const providers = await call("list_providers");
    assert.ok(providers.structuredContent.providers.includes(PROVIDER));

    const start = await call("request_access", { provider: PROVIDER });
    assert.equal(start.isError, undefined, JSON.stringify(start));
    const { sessionId, shortAuthUrl, tellTheHuman } = start.structuredContent;
    assert.ok(tellTheHuman.includes(shortAuthUrl));

    const pending = await call("check_access", { sessionId });
    assert.equal(pending.structuredContent.status, "pending");

    // The human opens the link in a browser, signs in as alice and approves.
    const human = await completeLoginInBrowser(browser, shortAuthUrl, { account: "alice" });
    assert.equal(human.status, 200, human.bodyText);

    const done = await call("check_access", { sessionId });
    assert.equal(done.isError, undefined, JSON.stringify(done));
    assert.equal(done.structuredContent.status, "completed");
    assert.equal(done.structuredContent.profile, `${PROVIDER}:default`);
    await collectTokens();
    assert.ok(issued.size >= 2, "the stored access and refresh tokens are known to the test");

    const accounts = await call("list_accounts");
    assert.equal(accounts.structuredContent.accounts.length, 1);
    assert.equal(accounts.structuredContent.accounts[0].profile, `${PROVIDER}:default`);

    const me = await call("call_api", { provider: PROVIDER, path: "/me" });
    assert.equal(me.isError, undefined, JSON.stringify(me));
    assert.equal(me.structuredContent.status, 200);
    assert.equal(me.structuredContent.body.sub, "alice");
    await collectTokens();

    const evil = await call("call_api", { provider: PROVIDER, path: "https://evil.example/x" });
    assert.equal(evil.isError, true);
    assert.equal(evil.structuredContent.error.code, "api_host_refused");

    const missing = await call("call_api", { provider: PROVIDER, path: "/no-such-endpoint" });
    assert.equal(missing.isError, true);
    assert.equal(missing.structuredContent.status, 404);
    assert.equal(missing.structuredContent.error.code, "http_error");

    const removed = await call("revoke_access", { provider: PROVIDER });
    assert.equal(removed.isError, undefined, JSON.stringify(removed));
    assert.equal(removed.structuredContent.removed, true);

    const none = await call("list_accounts");
    assert.deepEqual(none.structuredContent.accounts, []);

    const unknown = await call("check_access", { sessionId });
    assert.equal(unknown.isError, true, "a claimed session is gone");

    // A login the human refuses: check_access reports it as a failed result.
    const second = await call("request_access", { provider: PROVIDER });
    const denied = await completeLoginInBrowser(browser, second.structuredContent.shortAuthUrl, {
      account: "alice",
      consent: "deny",
    });
    assert.ok(denied.status !== undefined);
    const refused = await call("check_access", { sessionId: second.structuredContent.sessionId });
    assert.equal(refused.isError, true, JSON.stringify(refused));
    assert.equal(refused.structuredContent.status, "error");
    assert.equal(refused.structuredContent.error.code, "session_failed");

    // Not one token the provider issued, whole or its first 12 characters, in any result.
    const text = JSON.stringify(transcript);
    for (const token of issued) {
      assert.ok(!text.includes(token), "a tool result contains a token");
      assert.ok(!text.includes(token.slice(0, 12)), "a tool result contains a token prefix");
    }
    assert.ok(!serverStderr.includes([...issued][0]));
  } finally {
    const out = Deno.env.get("CLAWAUTH_MCP_TRANSCRIPT");
    if (out) await Deno.writeTextFile(out, JSON.stringify(transcript, null, 2));
    await client.close().catch(() => {});
    await browser.close();
    await setup.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
