import assert from "node:assert/strict";
import { encodeBase64 } from "../../shared/base64.ts";
import {
  callbackUrlFor,
  initSession,
  newClientKeys,
  openShortLink,
  sendCallback,
  signedGet,
  startTestServer,
  UPSTREAM_PROVIDER,
} from "./_harness.ts";

const keys = newClientKeys();
const SESSION = crypto.randomUUID();
const VALID_INIT = {
  provider: UPSTREAM_PROVIDER,
  verifyKey: keys.verifyKey,
  boxPublicKey: keys.boxPublicKey,
};
const VALID_REFRESH = {
  provider: UPSTREAM_PROVIDER,
  refreshToken: "r",
  boxPublicKey: keys.boxPublicKey,
};
const SIGNED = {
  "x-timestamp": String(Math.floor(Date.now() / 1000)),
  "x-request-nonce": "abcdefghijklmnop",
  "x-signature": encodeBase64(new Uint8Array(64)),
};

type Row = [name: string, path: string, init?: RequestInit];

function post(_path: string, body: unknown): RequestInit {
  return { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) };
}

const ROWS: Row[] = [
  ["init: empty body", "/init", post("/init", "")],
  ["init: null", "/init", post("/init", "null")],
  ["init: a number", "/init", post("/init", "123")],
  ["init: a string", "/init", post("/init", '"init"')],
  ["init: deeply nested arrays", "/init", post("/init", "[".repeat(8000) + "]".repeat(8000))],
  ["init: provider null", "/init", post("/init", { ...VALID_INIT, provider: null })],
  ["init: provider with unicode", "/init", post("/init", { ...VALID_INIT, provider: "gïthub" })],
  [
    "init: provider of 65 characters",
    "/init",
    post("/init", {
      ...VALID_INIT,
      provider: "a".repeat(65),
    }),
  ],
  [
    "init: verifyKey with bad padding",
    "/init",
    post("/init", { ...VALID_INIT, verifyKey: "AAA=" }),
  ],
  ["init: verifyKey as an object", "/init", post("/init", { ...VALID_INIT, verifyKey: {} })],
  [
    "init: boxPublicKey of 33 bytes",
    "/init",
    post("/init", {
      ...VALID_INIT,
      boxPublicKey: encodeBase64(new Uint8Array(33)),
    }),
  ],
  ["init: ttlSeconds infinite", "/init", post("/init", `{"ttlSeconds":1e999}`)],
  ["init: ttlSeconds boolean", "/init", post("/init", { ...VALID_INIT, ttlSeconds: true })],
  ["init: scope with a newline", "/init", post("/init", { ...VALID_INIT, scope: "a\nb" })],
  [
    "init: scope of 2000 characters",
    "/init",
    post("/init", {
      ...VALID_INIT,
      scope: "s".repeat(2000),
    }),
  ],
  ["init: a __proto__ key", "/init", post("/init", `{"__proto__":{"provider":"demo"}}`)],
  ["init: 1 MB body", "/init", post("/init", "x".repeat(1024 * 1024))],
  ["refresh: empty object", "/refresh", post("/refresh", {})],
  [
    "refresh: refreshToken with spaces",
    "/refresh",
    post("/refresh", {
      ...VALID_REFRESH,
      refreshToken: "a b",
    }),
  ],
  [
    "refresh: refreshToken of 9000 characters",
    "/refresh",
    post("/refresh", {
      ...VALID_REFRESH,
      refreshToken: "r".repeat(9000),
    }),
  ],
  [
    "refresh: boxPublicKey missing",
    "/refresh",
    post("/refresh", {
      ...VALID_REFRESH,
      boxPublicKey: undefined,
    }),
  ],
  ["refresh: scope as a number", "/refresh", post("/refresh", { ...VALID_REFRESH, scope: 5 })],
  ["status: no headers", `/status/${SESSION}`],
  ["status: negative timestamp", `/status/${SESSION}`, {
    headers: { ...SIGNED, "x-timestamp": "-1" },
  }],
  ["status: timestamp in exponent form", `/status/${SESSION}`, {
    headers: { ...SIGNED, "x-timestamp": "1e9" },
  }],
  ["status: timestamp of 40 digits", `/status/${SESSION}`, {
    headers: { ...SIGNED, "x-timestamp": "9".repeat(40) },
  }],
  ["status: signature not base64", `/status/${SESSION}`, {
    headers: { ...SIGNED, "x-signature": "!!!" },
  }],
  ["status: signature of 63 bytes", `/status/${SESSION}`, {
    headers: { ...SIGNED, "x-signature": encodeBase64(new Uint8Array(63)) },
  }],
  ["status: session id of 5000 characters", `/status/${"a".repeat(5000)}`, { headers: SIGNED }],
  ["status: broken percent-encoding", "/status/%E0%A4%A", { headers: SIGNED }],
  ["claim: session id with encoded slash", "/claim/a%2Fb", { headers: SIGNED }],
  ["status: a PUT", `/status/${SESSION}`, { method: "PUT" }],
  ["callback: a POST", "/callback", { method: "POST", body: "code=x" }],
  ["callback: state without a dot", "/callback?state=abc&code=x"],
  ["callback: state with many dots", "/callback?state=a.b.c.d&code=x"],
  ["callback: state of 5000 characters", `/callback?state=${"a".repeat(5000)}.b&code=x`],
  ["callback: state with a bad mac encoding", "/callback?state=eyJ9.%%%&code=x"],
  ["callback: repeated parameters", "/callback?state=a&state=b&code=x&code=y"],
  ["short link: NUL in provider", `/%00/${SESSION}`],
  ["short link: session id of 5000 characters", `/demo/${"a".repeat(5000)}`],
  ["short link: unknown provider and id", "/nosuch/thing"],
  ["unknown route", "/.env"],
  ["unknown nested route", "/v1/providers/extra/path"],
];

Deno.test("every malformed request gets a 4xx JSON error, never a 500", async () => {
  const server = await startTestServer();
  try {
    for (const [name, path, init = {}] of ROWS) {
      const headers = new Headers(init.headers);
      headers.set("accept", "application/json");
      const response = await server.request(path, { ...init, headers });
      const text = await response.text();
      assert.ok(
        response.status >= 400 && response.status < 500,
        `${name}: ${response.status} ${text}`,
      );
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/, name);
      const body = JSON.parse(text);
      assert.equal(typeof body.error, "string", name);
      assert.equal(typeof body.code, "string", name);
    }
    assert.ok(!server.logs.some((line) => line.level === "error"), "no request logged as an error");
  } finally {
    await server.close();
  }
});

Deno.test("callback() with neither code nor error answers 400 invalid_request", async () => {
  const server = await startTestServer();
  try {
    const { init, keys } = await initSession(server);
    const opened = await openShortLink(server, init);
    const { cookies } = opened;
    const response = await sendCallback(server, callbackUrlFor(opened, {}), cookies, {
      accept: "application/json",
    });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: "the provider sent neither a 'code' nor an 'error' parameter",
      code: "invalid_request",
    });
    const status = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.equal((await status.json()).status, "pending");
  } finally {
    await server.close();
  }
});

Deno.test("an unexpected failure answers 500 internal_error and logs the stack only", async () => {
  const server = await startTestServer();
  try {
    const { init, keys } = await initSession(server);
    server.kv.close();
    const response = await signedGet(server, { action: "status", sessionId: init.sessionId, keys });
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { error: "internal error", code: "internal_error" });
    const line = server.logs.at(-1)!;
    assert.equal(line.level, "error");
    assert.equal(line.route, "/status/:id");
    assert.equal(line.code, "internal_error");
    assert.match(String(line.stack), /readChunk|getSession/);
    const ready = await server.request("/readyz");
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), {
      error: "KV is not answering",
      code: "upstream_unavailable",
    });
  } finally {
    await server.upstream?.close();
  }
});
