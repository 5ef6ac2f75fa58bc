// The MCP server's logic in process (InMemoryTransport): an API that echoes the request's
// Authorization header back must not get the token into the model's context (call_api
// redacts); bodies are capped; failures are results with isError; scrub() drops token fields.
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createMcpServer, MCP_MAX_BODY_BYTES } from "../../cli/mcp/server.ts";
import { scrub } from "../../cli/mcp/results.ts";
import { CredentialStore } from "../../cli/store/credentials.ts";
import type { Json } from "./_delegated.ts";
import { createHarness } from "./_token_sink_harness.ts";

const TOKEN = "echoed-access-token-abcdefghijklmnop0123456789";

async function withServer(
  fn: (call: (name: string, args: Record<string, unknown>) => Promise<Json>) => Promise<void>,
): Promise<void> {
  const echo = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/big") return new Response("x".repeat(MCP_MAX_BODY_BYTES + 5000));
    return Response.json({
      youSent: request.headers.get("authorization"),
      inHeader: true,
    }, { headers: { "x-echo": request.headers.get("authorization") ?? "" } });
  });
  const h = await createHarness({
    env: { CLAWAUTH_API_BASE_ECHO: `http://127.0.0.1:${echo.addr.port}` },
  });
  const store = new CredentialStore({
    keychain: h.keychain,
    stateDir: h.stateDir,
    keychainService: h.ctx.keychainService,
    now: h.ctx.now,
  });
  await store.save({ id: "echo:default", origin: "pasted", secret: { access_token: TOKEN } });
  const server = createMcpServer(h.ctx);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(clientTransport);
  try {
    await fn((name, args) => client.callTool({ name, arguments: args }));
  } finally {
    await client.close();
    await server.close();
    await echo.shutdown();
    await h.cleanup();
  }
}

Deno.test("call_api redacts the token when the API echoes it back (body and headers)", async () => {
  await withServer(async (call) => {
    const result = await call("call_api", { provider: "echo", path: "/whoami" });
    assert.equal(result.isError, undefined, JSON.stringify(result));
    assert.equal(result.structuredContent.body.youSent, "Bearer [redacted]");
    assert.equal(result.structuredContent.headers["x-echo"], "Bearer [redacted]");
    assert.ok(!JSON.stringify(result).includes(TOKEN));
  });
});

Deno.test("call_api caps the body it returns", async () => {
  await withServer(async (call) => {
    const result = await call("call_api", { provider: "echo", path: "/big" });
    assert.equal(result.structuredContent.truncated, true);
    assert.equal(result.structuredContent.body.length, MCP_MAX_BODY_BYTES);
  });
});

Deno.test("tool failures are results with isError and the CLI's error shape", async () => {
  await withServer(async (call) => {
    const refused = await call("call_api", { provider: "echo", path: "https://evil.example/" });
    assert.equal(refused.isError, true);
    assert.equal(refused.structuredContent.error.code, "api_host_refused");
    const missing = await call("call_api", { provider: "nobody", path: "/x" });
    assert.equal(missing.isError, true);
    assert.equal(missing.structuredContent.error.code, "api_not_configured");
    const gone = await call("revoke_access", { provider: "nobody" });
    assert.equal(gone.isError, true);
    assert.equal(gone.structuredContent.error.code, "token_not_found");
  });
});

Deno.test("scrub drops every token-carrying field, nested too", () => {
  assert.deepEqual(
    scrub({
      status: "completed",
      tokenData: { access_token: "a" },
      account: { id: "alice", refresh_token: "r" },
      rows: [{ access_token: "a", profile: "p" }],
      variables: { CLAWAUTH_ACCESS_TOKEN: "a" },
      token_type: "Bearer",
    }),
    {
      status: "completed",
      account: { id: "alice" },
      rows: [{ profile: "p" }],
      token_type: "Bearer",
    },
  );
});
