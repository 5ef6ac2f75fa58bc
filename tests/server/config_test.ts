import assert from "node:assert/strict";
import { DEFAULT_KV_PATH, loadConfig } from "../../server/config.ts";
import { ClawauthError } from "../../shared/errors.ts";

Deno.test("loadConfig() applies the documented defaults", () => {
  const config = loadConfig({ STATE_SIGNING_SECRET: "s" });
  assert.deepEqual({ ...config, env: undefined }, {
    port: 8787,
    hostname: "127.0.0.1",
    stateSigningSecret: "s",
    sessionTtlSeconds: 3600,
    kvPath: DEFAULT_KV_PATH,
    initRateLimit: 30,
    refreshRateLimit: 60,
    linkRateLimit: 60,
    pollRateLimit: 10,
    trustProxyHops: 0,
    log: "json",
    env: undefined,
  });
});

Deno.test("loadConfig() reads every setting", () => {
  const config = loadConfig({
    PORT: "0",
    HOSTNAME: "0.0.0.0",
    PUBLIC_BASE_URL: "https://auth.example.com/clawauth/",
    STATE_SIGNING_SECRET: "s",
    SESSION_TTL_SECONDS: "600",
    CLAWAUTH_KV_PATH: "https://kv.example.com",
    CLAWAUTH_INIT_RATE_LIMIT: "0",
    CLAWAUTH_REFRESH_RATE_LIMIT: "5",
    CLAWAUTH_POLL_RATE_LIMIT: "4",
    CLAWAUTH_TRUST_PROXY: "true",
    CLAWAUTH_LOG: "off",
  });
  assert.equal(config.port, 0);
  assert.equal(config.hostname, "0.0.0.0");
  assert.equal(config.publicBaseUrl, "https://auth.example.com/clawauth");
  assert.equal(config.sessionTtlSeconds, 600);
  assert.equal(config.kvPath, "https://kv.example.com");
  assert.equal(config.initRateLimit, 0);
  assert.equal(config.refreshRateLimit, 5);
  assert.equal(config.pollRateLimit, 4);
  assert.equal(config.trustProxyHops, 1);
  assert.equal(config.log, "off");
});

for (
  const [raw, expected] of [["1", 60], ["59", 60], ["90000", 86400], ["86400", 86400]] as const
) {
  Deno.test(`loadConfig() clamps SESSION_TTL_SECONDS=${raw} to ${expected}`, () => {
    assert.equal(loadConfig({ SESSION_TTL_SECONDS: raw }).sessionTtlSeconds, expected);
  });
}

Deno.test("loadConfig() leaves the secret unset when STATE_SIGNING_SECRET is missing or empty", () => {
  assert.equal(loadConfig({}).stateSigningSecret, undefined);
  assert.equal(loadConfig({ STATE_SIGNING_SECRET: "" }).stateSigningSecret, undefined);
});

Deno.test("loadConfig() uses the platform KV on Deno Deploy unless CLAWAUTH_KV_PATH is set", () => {
  assert.equal(loadConfig({ DENO_DEPLOYMENT_ID: "abc" }).kvPath, undefined);
  assert.equal(
    loadConfig({ DENO_DEPLOYMENT_ID: "abc", CLAWAUTH_KV_PATH: ":memory:" }).kvPath,
    ":memory:",
  );
});

for (
  const [env, message] of [
    [{ PORT: "http" }, `PORT must be a whole number from 0 to 65535: got "http"`],
    [{ PORT: "70000" }, `PORT must be a whole number from 0 to 65535: got "70000"`],
    [
      { SESSION_TTL_SECONDS: "1h" },
      `SESSION_TTL_SECONDS must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}: got "1h"`,
    ],
    [
      { CLAWAUTH_INIT_RATE_LIMIT: "-1" },
      `CLAWAUTH_INIT_RATE_LIMIT must be a whole number from 0 to 1000000: got "-1"`,
    ],
    [
      { CLAWAUTH_POLL_RATE_LIMIT: "2" },
      "CLAWAUTH_POLL_RATE_LIMIT must be 0 (off) or at least 4 per second: got 2",
    ],
    [
      { CLAWAUTH_TRUST_PROXY: "maybe" },
      `CLAWAUTH_TRUST_PROXY must be a whole number from 0 to 10: got "maybe"`,
    ],
    [{ CLAWAUTH_LOG: "text" }, `CLAWAUTH_LOG must be "json" or "off": got "text"`],
    [
      { PUBLIC_BASE_URL: "auth.example.com" },
      `PUBLIC_BASE_URL must be an absolute URL: got "auth.example.com"`,
    ],
    [
      { PUBLIC_BASE_URL: "https://a.example/?x=1" },
      `PUBLIC_BASE_URL must be an http(s) URL without query or fragment: got "https://a.example/?x=1"`,
    ],
  ] as const
) {
  Deno.test(`loadConfig() refuses ${Object.keys(env)[0]}=${Object.values(env)[0]}`, () => {
    assert.throws(() => loadConfig(env), (error: unknown) => {
      assert.ok(error instanceof ClawauthError);
      assert.equal(error.code, "server_misconfigured");
      assert.equal(error.message, message);
      assert.equal(error.details.setting, Object.keys(env)[0]);
      return true;
    });
  });
}
