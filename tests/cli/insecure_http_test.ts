// Transport: a plain-http server that is not loopback is refused before any request is sent
// (refresh material would cross it), unless --insecure-http / CLAWAUTH_INSECURE_HTTP=1.

import assert from "node:assert/strict";
import { createServerClient, isLoopbackHost } from "../../cli/server_client.ts";
import { isClawauthError } from "../../shared/errors.ts";
import { runCli } from "../fixtures/run_cli.ts";

function countingFetch() {
  const calls: string[] = [];
  const fetchFn = ((input: string | URL | Request) => {
    calls.push(String(input));
    return Promise.resolve(Response.json({ providers: ["demo"] }));
  }) as typeof fetch;
  return { calls, fetchFn };
}

Deno.test("createServerClient() refuses plain http to a non-loopback host unless allowed", async () => {
  const { calls, fetchFn } = countingFetch();
  for (const url of ["http://auth.example.test", "http://10.0.0.5:8787", "http://[2001:db8::1]"]) {
    assert.throws(
      () => createServerClient({ serverUrl: url, fetch: fetchFn }),
      (error) =>
        isClawauthError(error) && error.code === "insecure_transport" &&
        /--insecure-http or set CLAWAUTH_INSECURE_HTTP=1/.test(error.message),
    );
  }
  assert.equal(calls.length, 0, "nothing was sent");
  for (const url of ["https://auth.example.test", "http://127.0.0.1:8787", "http://localhost:1"]) {
    await createServerClient({ serverUrl: url, fetch: fetchFn }).providers();
  }
  await createServerClient({
    serverUrl: "http://auth.example.test",
    fetch: fetchFn,
    allowInsecureHttp: true,
  }).providers();
  assert.equal(calls.length, 4);
  assert.ok(
    isLoopbackHost("[::1]") && isLoopbackHost("127.8.9.10") && isLoopbackHost("a.localhost"),
  );
  assert.ok(!isLoopbackHost("127.0.0.1.example.test") && !isLoopbackHost("localhost.example"));
});

Deno.test("the CLI refuses `login start` against a plain-http remote server; --insecure-http allows it", async () => {
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-insecure-" });
  try {
    const env = { CLAWAUTH_STATE_DIR: stateDir, CLAWAUTH_KEYCHAIN: "file" };
    const args = ["login", "start", "demo", "--server", "http://auth.example.test", "--json"];
    const refused = await runCli(args, { env });
    assert.equal(refused.code, 1);
    const error = (refused.json() as { error: { code: string } }).error;
    assert.equal(error.code, "insecure_transport");

    const ways: { args: string[]; env: Record<string, string> }[] = [
      { args: ["--insecure-http"], env: {} },
      { args: [], env: { CLAWAUTH_INSECURE_HTTP: "1" } },
    ];
    for (const extra of ways) {
      const allowed = await runCli([...args, ...extra.args], { env: { ...env, ...extra.env } });
      assert.equal(allowed.code, 1);
      const code = (allowed.json() as { error: { code: string } }).error.code;
      assert.equal(code, "server_unreachable", "it tried: the host does not exist");
    }
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});
