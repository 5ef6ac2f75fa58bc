import assert from "node:assert/strict";
import { encodeBase64 } from "../../shared/base64.ts";
import {
  assertJsonError,
  BASE_URL,
  initSession,
  newClientKeys,
  openShortLink,
  postJson,
  startTestServer,
  UPSTREAM_PROVIDER,
  withTestServer,
} from "./_harness.ts";

const keys = newClientKeys();
const VALID = {
  provider: UPSTREAM_PROVIDER,
  verifyKey: keys.verifyKey,
  boxPublicKey: keys.boxPublicKey,
};
const SHORT_KEY = encodeBase64(new Uint8Array(31));

const REJECTIONS: { name: string; body: unknown; code: string; error: string }[] = [
  {
    name: "a body that is not JSON",
    body: "{provider: github",
    code: "invalid_json",
    error: "request body must be JSON: Expected property name or '}' in JSON at position 1 " +
      "(line 1 column 2)",
  },
  {
    name: "a JSON array",
    body: "[]",
    code: "invalid_json",
    error: "request body must be a JSON object: got array",
  },
  {
    name: "a missing provider",
    body: { ...VALID, provider: undefined },
    code: "invalid_request",
    error: "'provider' must be a string: got undefined",
  },
  {
    name: "a provider outside the name pattern",
    body: { ...VALID, provider: "Git Hub" },
    code: "invalid_request",
    error: `'provider' must be 1 to 64 characters of a-z, 0-9, '_' or '-': got "Git Hub"`,
  },
  {
    name: "a missing verifyKey",
    body: { ...VALID, verifyKey: undefined },
    code: "invalid_request",
    error: "'verifyKey' must be a base64 string: got undefined",
  },
  {
    name: "a verifyKey that is not base64",
    body: { ...VALID, verifyKey: "not base64!" },
    code: "invalid_request",
    error: "'verifyKey' must be standard base64: it has characters or padding outside it",
  },
  {
    name: "a verifyKey of 31 bytes",
    body: { ...VALID, verifyKey: SHORT_KEY },
    code: "invalid_request",
    error: "'verifyKey' must be a 32-byte key: got 31 bytes",
  },
  {
    name: "a missing boxPublicKey",
    body: { ...VALID, boxPublicKey: undefined },
    code: "invalid_request",
    error: "'boxPublicKey' must be a base64 string: got undefined",
  },
  {
    name: "a boxPublicKey that is a number",
    body: { ...VALID, boxPublicKey: 42 },
    code: "invalid_request",
    error: "'boxPublicKey' must be a base64 string: got number",
  },
  {
    name: "a boxPublicKey of 31 bytes",
    body: { ...VALID, boxPublicKey: SHORT_KEY },
    code: "invalid_request",
    error: "'boxPublicKey' must be a 32-byte key: got 31 bytes",
  },
  {
    name: "a scope that is not a string",
    body: { ...VALID, scope: ["openid"] },
    code: "invalid_request",
    error: "'scope' must be a string: got array",
  },
  {
    name: "a ttlSeconds that is a string",
    body: { ...VALID, ttlSeconds: "600" },
    code: "invalid_request",
    error: "'ttlSeconds' must be a number of seconds: got string",
  },
];

for (const row of REJECTIONS) {
  Deno.test(`init() refuses ${row.name} with 400 ${row.code}`, async () => {
    await withTestServer(async (server) => {
      await assertJsonError(await postJson(server, "/init", row.body), {
        status: 400,
        code: row.code,
        error: row.error,
      });
    });
  });
}

Deno.test("init() answers 501 with the supported list for an unknown provider", async () => {
  await withTestServer(async (server) => {
    const body = await assertJsonError(
      await postJson(server, "/init", { ...VALID, provider: "nosuch" }),
      {
        status: 501,
        code: "provider_not_implemented",
        error: "provider 'nosuch' is not implemented on this server",
      },
    );
    assert.equal(body.status, "not_implemented");
    assert.equal(body.requestedProvider, "nosuch");
    const supported = body.supportedProviders as string[];
    assert.ok(supported.includes("github"));
    assert.ok(supported.includes(UPSTREAM_PROVIDER));
  });
});

Deno.test("init() names the missing environment variables of an unconfigured provider", async () => {
  await withTestServer(async (server) => {
    const body = await assertJsonError(
      await postJson(server, "/init", { ...VALID, provider: "github" }),
      {
        status: 503,
        code: "provider_not_configured",
        error: "provider 'github' is not configured on this server: the operator must set " +
          "GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET",
      },
    );
    assert.deepEqual(body.missing, ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"]);
  });
});

for (
  const [ttlSeconds, expected] of [[undefined, 3600], [10, 60], [-5, 60], [600.9, 600], [
    1e9,
    86400,
  ]] as const
) {
  Deno.test(`init() clamps ttlSeconds ${ttlSeconds} to ${expected}`, async () => {
    await withTestServer(async (server) => {
      const { init } = await initSession(server, { ttlSeconds });
      assert.equal(init.expiresIn, expected);
      const session = await server.kv.get<{ expiresAt: number }>(["session", init.sessionId]);
      assert.equal(session.value?.expiresAt, server.clock.now() + expected * 1000);
    });
  });
}

Deno.test("init() returns the 0.4 fields plus a confirmation code; both links are the confirmation page", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server, { scope: "openid offline_access" });
    assert.deepEqual(Object.keys(init).sort(), [
      "authUrl",
      "confirmationCode",
      "expiresIn",
      "pollIntervalSeconds",
      "provider",
      "sessionId",
      "shortAuthUrl",
    ]);
    assert.match(init.sessionId, /^[0-9a-f-]{36}$/);
    assert.equal(init.shortAuthUrl, `${BASE_URL}/${UPSTREAM_PROVIDER}/${init.sessionId}`);
    assert.equal(init.authUrl, init.shortAuthUrl, "no link the person can get skips the page");
    assert.match(init.confirmationCode!, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(init.pollIntervalSeconds, 2);
    const stored = await server.kv.get<Record<string, unknown>>(["session", init.sessionId]);
    assert.equal(stored.value?.confirmationCode, init.confirmationCode);
    assert.equal(stored.value?.redirectUri, `${BASE_URL}/callback/${UPSTREAM_PROVIDER}`);
  });
});

Deno.test("continue sends a PKCE S256 authorize URL with the per-provider redirect URI", async () => {
  await withTestServer(async (server) => {
    const { init } = await initSession(server, { scope: "openid offline_access" });
    const { authorizeUrl: auth } = await openShortLink(server, init);
    assert.equal(`${auth.origin}${auth.pathname}`, "http://127.0.0.1:9/authorize");
    assert.equal(
      auth.searchParams.get("redirect_uri"),
      `${BASE_URL}/callback/${UPSTREAM_PROVIDER}`,
    );
    assert.equal(auth.searchParams.get("code_challenge_method"), "S256");
    assert.match(auth.searchParams.get("code_challenge")!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(auth.searchParams.get("scope"), "openid offline_access");
    assert.ok(auth.searchParams.get("state"));
  });
});

Deno.test("init() refuses a body over 16 KiB with 413 payload_too_large", async () => {
  await withTestServer(async (server) => {
    await assertJsonError(
      await postJson(server, "/init", { ...VALID, scope: "a".repeat(17 * 1024) }),
      {
        status: 413,
        code: "payload_too_large",
        error: "request body must be at most 16384 bytes",
      },
    );
  });
});

Deno.test("init() rate-limits a client address per minute with 429 and Retry-After", async () => {
  const server = await startTestServer({
    env: { CLAWAUTH_INIT_RATE_LIMIT: "2", CLAWAUTH_TRUST_PROXY: "1" },
  });
  try {
    const send = (address: string) =>
      server.request("/init", {
        method: "POST",
        headers: { "x-forwarded-for": `203.0.113.9, ${address}` },
        body: JSON.stringify(VALID),
      });
    assert.equal((await send("198.51.100.1")).status, 200);
    assert.equal((await send("198.51.100.1")).status, 200);
    const limited = await send("198.51.100.1");
    const retryAfter = Number(limited.headers.get("retry-after"));
    await assertJsonError(limited, {
      status: 429,
      code: "rate_limited",
      error: "too many init requests from this address: the limit is 2 a minute",
    });
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
    assert.equal((await send("198.51.100.2")).status, 200, "another address has its own budget");
    server.clock.advance(60_000);
    assert.equal((await send("198.51.100.1")).status, 200, "the next window starts afresh");
  } finally {
    await server.close();
  }
});
