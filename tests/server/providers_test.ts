import assert from "node:assert/strict";
import { startTestServer, UPSTREAM_PROVIDER } from "./_harness.ts";

Deno.test("providers() lists every provider name, builtin first (0.4 body)", async () => {
  const server = await startTestServer();
  try {
    const response = await server.request("/providers");
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.deepEqual(Object.keys(body), ["providers"]);
    assert.equal(body.providers.length, 21);
    assert.equal(body.providers.at(-1), UPSTREAM_PROVIDER);
    for (const name of ["github", "slack", "notion", "airtable", "twitch"]) {
      assert.ok(body.providers.includes(name), name);
    }
  } finally {
    await server.close();
  }
});

Deno.test("providerDetails() says which providers this server is configured for", async () => {
  const server = await startTestServer({
    env: { GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "secret" },
  });
  try {
    const response = await server.request("/v1/providers");
    assert.equal(response.status, 200);
    const { providers } = await response.json();
    const byName = Object.fromEntries(
      providers.map((p: { name: string }) => [p.name, p]),
    );
    assert.deepEqual(Object.keys(byName.github).sort(), [
      "configured",
      "defaultScopes",
      "displayName",
      "name",
      "pkce",
      "refresh",
      "registerUrl",
    ]);
    assert.equal(byName.github.configured, true);
    assert.equal(byName.github.displayName, "GitHub");
    assert.equal(byName.slack.configured, false);
    assert.equal(byName[UPSTREAM_PROVIDER].configured, true, "configured through the JSON");
    assert.equal(byName[UPSTREAM_PROVIDER].pkce, "supported");
    const text = JSON.stringify(providers);
    assert.ok(!text.includes("secret"), "no setting values are shown");
  } finally {
    await server.close();
  }
});

Deno.test("an unknown method on a known route answers 405 with Allow", async () => {
  const server = await startTestServer();
  try {
    const response = await server.request("/init", { method: "GET" });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "POST");
    assert.deepEqual(await response.json(), {
      error: "GET is not allowed here: use POST",
      code: "method_not_allowed",
    });
  } finally {
    await server.close();
  }
});
