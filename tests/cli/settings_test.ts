import assert from "node:assert/strict";
import { DEFAULT_SERVER_URL, resolveServerUrl, resolveSettings } from "../../cli/settings.ts";
import { isClawauthError } from "../../shared/errors.ts";

Deno.test("resolveServerUrl(): --server > CLAWAUTH_SERVER_URL > CLAWAUTH_WORKER_URL > default", () => {
  const env = {
    CLAWAUTH_SERVER_URL: "https://server.example/",
    CLAWAUTH_WORKER_URL: "https://worker.example",
  };
  assert.equal(resolveServerUrl(env, "http://127.0.0.1:8787/"), "http://127.0.0.1:8787");
  assert.equal(resolveServerUrl(env), "https://server.example");
  assert.equal(
    resolveServerUrl({ CLAWAUTH_WORKER_URL: "https://worker.example/base/" }),
    "https://worker.example/base",
  );
  assert.equal(resolveServerUrl({ CLAWAUTH_SERVER_URL: "  " }), DEFAULT_SERVER_URL);
  assert.equal(resolveServerUrl({}), "https://auth.clawauth.app");
});

Deno.test("resolveSettings() reads the documented defaults and environment overrides", () => {
  assert.deepEqual(resolveSettings({}), {
    serverUrl: "https://auth.clawauth.app",
    ttlSeconds: 3600,
    scope: undefined,
    pollIntervalMs: 2000,
    pollTimeoutMs: 300000,
  });
  assert.deepEqual(
    resolveSettings({
      CLAWAUTH_TTL_SECONDS: "600",
      CLAWAUTH_SCOPE: "read:user repo",
      CLAWAUTH_POLL_INTERVAL_MS: "500",
      CLAWAUTH_POLL_TIMEOUT_MS: "10000",
    }),
    {
      serverUrl: "https://auth.clawauth.app",
      ttlSeconds: 600,
      scope: "read:user repo",
      pollIntervalMs: 500,
      pollTimeoutMs: 10000,
    },
  );
});

Deno.test("resolveSettings() refuses malformed values, naming the variable", () => {
  const cases: [Record<string, string>, string | undefined, RegExp][] = [
    [{ CLAWAUTH_SERVER_URL: "not a url" }, undefined, /^CLAWAUTH_SERVER_URL must be an absolute/],
    [{}, "ftp://x.example", /^--server must use https \(or http\)/],
    [{ CLAWAUTH_WORKER_URL: "https://u:p@x.example" }, undefined, /must not carry credentials/],
    [{ CLAWAUTH_TTL_SECONDS: "1 hour" }, undefined, /^CLAWAUTH_TTL_SECONDS must be a duration/],
    [{ CLAWAUTH_POLL_INTERVAL_MS: "-5" }, undefined, /^CLAWAUTH_POLL_INTERVAL_MS must be/],
    [{ CLAWAUTH_POLL_TIMEOUT_MS: "0" }, undefined, /^CLAWAUTH_POLL_TIMEOUT_MS must be/],
  ];
  for (const [env, flag, message] of cases) {
    assert.throws(() => resolveSettings(env, flag), (error) => {
      assert.ok(isClawauthError(error));
      assert.equal(error.code, "usage");
      assert.match(error.message, message);
      return true;
    });
  }
});
