// `clawauth api`: authenticated calls against the real upstream's userinfo endpoint (`/me`) with
// a token from a real login; one forced refresh after a 401; the token never goes to a host
// outside the provider's API hosts, not even through a redirect (a second loopback server
// records every Authorization header it receives).
import assert from "node:assert/strict";
import { isAllowedApiUrl, resolveApiUrl } from "../../cli/flows/api_request.ts";
import { CredentialStore } from "../../cli/store/credentials.ts";
import { type OidcUpstream, startOidcUpstream } from "../fixtures/oidc_provider.ts";
import { type Json, runMain } from "./_delegated.ts";
import {
  createHarness,
  FIXTURE_PROVIDER,
  type Harness,
  loginLocalInProcess,
  publicClientProviders,
} from "./_token_sink_harness.ts";

/** A loopback HTTP server that records the Authorization header of every request. */
interface Recorder {
  url: string;
  host: string;
  seen: Array<{ path: string; authorization: string | null }>;
  close(): Promise<void>;
}

function startRecorder(handler: (url: URL) => Response = () => new Response("landed")): Recorder {
  const seen: Recorder["seen"] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    seen.push({ path: url.pathname, authorization: request.headers.get("authorization") });
    return handler(url);
  });
  const host = `127.0.0.1:${server.addr.port}`;
  return { url: `http://${host}`, host, seen, close: () => server.shutdown() };
}

interface Setup {
  upstream: OidcUpstream;
  h: Harness;
  env: Record<string, string>;
  accessToken(): Promise<string>;
  api(argv: string[], extraEnv?: Record<string, string>): ReturnType<typeof runMain>;
}

/** Real upstream, a real `login local` as alice, the CLI configured with /me's API base. */
async function withLogin(fn: (s: Setup) => Promise<void>): Promise<void> {
  const upstream = await startOidcUpstream({ redirectUris: [], rotateRefreshTokens: true });
  const h = await createHarness({ env: { CLAWAUTH_PROVIDERS: publicClientProviders(upstream) } });
  try {
    await loginLocalInProcess(h);
    const env = {
      ...h.ctx.env,
      CLAWAUTH_STATE_DIR: h.stateDir,
      CLAWAUTH_KEYCHAIN_SERVICE: h.ctx.keychainService,
      CLAWAUTH_API_BASE_FIXTURE: upstream.issuer,
    } as Record<string, string>;
    const store = new CredentialStore({
      keychain: h.keychain,
      stateDir: h.stateDir,
      keychainService: h.ctx.keychainService,
      now: Date.now,
    });
    await fn({
      upstream,
      h,
      env,
      accessToken: async () =>
        (await store.load(`${FIXTURE_PROVIDER}:default`))!.secret.access_token!,
      api: (argv, extraEnv = {}) =>
        runMain(["api", FIXTURE_PROVIDER, ...argv], {
          env: { ...env, ...extraEnv },
          keychain: h.keychain,
        }),
    });
  } finally {
    await h.cleanup();
    await upstream.close();
  }
}

Deno.test("api calls the upstream's /me with the stored token and prints the body, not the token", async () => {
  await withLogin(async ({ api, accessToken }) => {
    const token = await accessToken();
    const plain = await api(["/me"]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(JSON.parse(plain.stdout).sub, "alice");
    assert.ok(!plain.stdout.includes(token) && !plain.stderr.includes(token));

    const json = await api(["/me", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.body.status, 200);
    assert.equal(json.body.body.sub, "alice");
    assert.match(json.body.headers["content-type"], /json/);
    assert.equal(json.body.profile, `${FIXTURE_PROVIDER}:default`);
    assert.ok(!json.stdout.includes(token));
  });
});

Deno.test("api refreshes once after a 401 and retries with the new token", async () => {
  await withLogin(async ({ api, h, upstream, accessToken }) => {
    // The stored access token stops working (revoked at the provider); its expiry says valid.
    const store = new CredentialStore({
      keychain: h.keychain,
      stateDir: h.stateDir,
      keychainService: h.ctx.keychainService,
      now: Date.now,
    });
    const record = (await store.load(`${FIXTURE_PROVIDER}:default`))!;
    await store.save({
      id: record.meta.id,
      origin: record.meta.origin,
      secret: { ...record.secret, access_token: "revoked-access-token-000000000000" },
    });
    const grantsBefore = upstream.counts.refreshGrants;
    const result = await api(["/me", "--json"]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(result.body.status, 200);
    assert.equal(result.body.body.sub, "alice");
    assert.equal(upstream.counts.refreshGrants, grantsBefore + 1, "exactly one refresh");
    assert.notEqual(await accessToken(), "revoked-access-token-000000000000");
  });
});

Deno.test("api refuses a foreign host before any request, whatever the URL form", async () => {
  await withLogin(async ({ api, accessToken }) => {
    const foreign = startRecorder();
    try {
      for (
        const target of [
          "https://evil.example/x",
          `${foreign.url}/steal`,
          "http://evil.example/x",
          `https://${foreign.host}@evil.example/x`,
        ]
      ) {
        const result = await api([target, "--json"]);
        assert.equal(result.code, 1, target);
        assert.equal(result.body.error.code, "api_host_refused", target);
      }
      // A path cannot leave the base host either: it is a (missing) path on the upstream.
      const sneaky = await api(["//evil.example/x", "--json"]);
      assert.equal(sneaky.body.status, 404);
      assert.equal(sneaky.body.error.code, "http_error");
      assert.equal(foreign.seen.length, 0, "the foreign server saw no request at all");
      assert.ok(!JSON.stringify(foreign.seen).includes(await accessToken()));
    } finally {
      await foreign.close();
    }
  });
});

Deno.test("api follows a redirect to another host without the token, and without the caller's Authorization", async () => {
  await withLogin(async ({ api, accessToken }) => {
    const foreign = startRecorder();
    const allowed = startRecorder((url) =>
      url.pathname === "/go"
        ? new Response(null, { status: 302, headers: { location: `${foreign.url}/landing` } })
        : new Response("{}", { headers: { "content-type": "application/json" } })
    );
    try {
      const env = { CLAWAUTH_API_BASE_FIXTURE: allowed.url };
      const result = await api(["/go", "--json"], env);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(result.body.body, "landed");
      assert.match(result.stderr, /redirect to http:\/\/127\.0\.0\.1:\d+ without the token/);
      assert.equal(allowed.seen[0].authorization, `Bearer ${await accessToken()}`);
      assert.deepEqual(foreign.seen, [{ path: "/landing", authorization: null }]);

      // The caller's own Authorization wins on the API host, and is not forwarded either.
      const own = await api(["/go", "-H", "Authorization: Bearer mine", "--json"], env);
      assert.equal(own.code, 0, own.stdout + own.stderr);
      assert.equal(allowed.seen[1].authorization, "Bearer mine");
      assert.deepEqual(foreign.seen[1], { path: "/landing", authorization: null });
    } finally {
      await foreign.close();
      await allowed.close();
    }
  });
});

Deno.test("api on HTTP >= 400: body on stdout, one line on stderr, exit 1; --json envelope with error", async () => {
  await withLogin(async ({ api }) => {
    const plain = await api(["/no-such-endpoint"]);
    assert.equal(plain.code, 1);
    assert.ok(plain.stdout.length > 0, "the error body still goes to stdout");
    assert.equal(plain.stderr.trim().split("\n").length, 1);
    assert.match(
      plain.stderr,
      /HTTP 404 from GET http:\/\/127\.0\.0\.1:\d+\/no-such-endpoint \(http_error\)/,
    );

    const json = await api(["/no-such-endpoint", "--json"]);
    assert.equal(json.code, 1);
    assert.equal(json.body.status, 404);
    assert.equal(json.body.error.code, "http_error");
    assert.match(json.body.error.message, /^HTTP 404 from GET /);
  });
});

Deno.test("api without an API base names the setting to add", async () => {
  await withLogin(async ({ api }) => {
    const result = await api(["/me", "--json"], { CLAWAUTH_API_BASE_FIXTURE: "" });
    assert.equal(result.code, 1);
    assert.equal(result.body.error.code, "api_not_configured");
    assert.match(result.body.error.message, /CLAWAUTH_API_BASE_FIXTURE/);
  });
});

Deno.test("resolveApiUrl keeps the base path; isAllowedApiUrl compares exact host:port and scheme", () => {
  const api = { baseUrl: "https://gitlab.example/api/v4/", hosts: ["gitlab.example"] };
  assert.equal(resolveApiUrl("/user", api).href, "https://gitlab.example/api/v4/user");
  assert.equal(resolveApiUrl("user?x=1", api).href, "https://gitlab.example/api/v4/user?x=1");
  assert.equal(resolveApiUrl("//evil.example/x", api).host, "gitlab.example");
  assert.ok(isAllowedApiUrl(new URL("https://gitlab.example/x"), api));
  assert.ok(
    !isAllowedApiUrl(new URL("http://gitlab.example/x"), api),
    "no plain http off loopback",
  );
  assert.ok(!isAllowedApiUrl(new URL("https://gitlab.example:8443/x"), api));
  assert.ok(!isAllowedApiUrl(new URL("https://gitlab.example.evil.example/x"), api));
  assert.ok(!isAllowedApiUrl(new URL("https://u:p@gitlab.example/x"), api));
});

Deno.test("api parses -X, repeated -H, -d and refuses bad headers", async () => {
  const { parseApiArgs } = await import("../../cli/commands/api.ts");
  assert.deepEqual(
    parseApiArgs(["github", "/x", "-H", "A: 1", "-H", "B:2", "-d", '{"a":1}']),
    {
      provider: "github",
      target: "/x",
      method: "POST",
      headers: [["A", "1"], ["B", "2"]],
      data: '{"a":1}',
    },
  );
  assert.equal(parseApiArgs(["github", "/x", "-X", "delete"]).method, "DELETE");
  assert.throws(() => parseApiArgs(["github", "/x", "-H", "no colon"]), /-H needs 'Name: value'/);
  assert.throws(() => parseApiArgs(["github"]), /missing <path-or-url>/);
  assert.throws(
    () => parseApiArgs(["github", "/x", "-d", "a", "--input", "f"]),
    /either -d <data> or --input/,
  );
});

export type { Json };

Deno.test("api sends -X, -H, -d and --input bodies (JSON gets its content type); the token never goes to stdout", async () => {
  const { MemoryKeychain } = await import("../../cli/keychain/memory.ts");
  const seen: Array<{ method: string; type: string | null; body: string; custom: string | null }> =
    [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    seen.push({
      method: req.method,
      type: req.headers.get("content-type"),
      body: await req.text(),
      custom: req.headers.get("x-custom"),
    });
    return Response.json({ ok: true });
  });
  const dir = await Deno.makeTempDir({ prefix: "clawauth-api-" });
  const keychain = new MemoryKeychain();
  const env = {
    CLAWAUTH_STATE_DIR: `${dir}/state`,
    CLAWAUTH_API_BASE_ECHO: `http://127.0.0.1:${server.addr.port}/v1`,
  };
  try {
    await new CredentialStore({
      keychain,
      stateDir: env.CLAWAUTH_STATE_DIR,
      keychainService: "clawauth",
      now: Date.now,
    })
      .save({
        id: "echo:default",
        origin: "pasted",
        secret: { access_token: "pasted-secret-value-0123456789" },
      });
    const input = `${dir}/body.json`;
    await Deno.writeTextFile(input, '{"from":"file"}');
    const a = await runMain([
      "api",
      "echo",
      "items",
      "-X",
      "put",
      "-H",
      "X-Custom: yes",
      "-d",
      '{"a":1}',
    ], { env, keychain });
    assert.equal(a.code, 0, a.stderr);
    const b = await runMain(["api", "echo", "/items", "--input", input], { env, keychain });
    assert.equal(b.code, 0, b.stderr);
    const c = await runMain(["api", "echo", "/items", "-d", "plain text"], { env, keychain });
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(seen, [
      { method: "PUT", type: "application/json", body: '{"a":1}', custom: "yes" },
      { method: "POST", type: "application/json", body: '{"from":"file"}', custom: null },
      { method: "POST", type: null, body: "plain text", custom: null },
    ]);
    for (const r of [a, b, c]) assert.ok(!r.stdout.includes("pasted-secret-value"));
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("api never takes API hosts from the clawauth server (a compromised server cannot widen them)", async () => {
  const { MemoryKeychain } = await import("../../cli/keychain/memory.ts");
  const collector = startRecorder();
  // A server that claims provider `echo` has its API on the collector's host.
  const api = { baseUrl: collector.url, hosts: [collector.host] };
  const evilServer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/providers") return Response.json({ providers: ["echo"] });
    if (path === "/v1/providers") {
      return Response.json({ providers: [{ name: "echo", api, toolEnv: ["ECHO_TOKEN"] }] });
    }
    return Response.json({ error: "not_found" }, { status: 404 });
  });
  const dir = await Deno.makeTempDir({ prefix: "clawauth-api-" });
  const keychain = new MemoryKeychain();
  const env = {
    CLAWAUTH_STATE_DIR: `${dir}/state`,
    CLAWAUTH_SERVER_URL: `http://127.0.0.1:${evilServer.addr.port}`,
  };
  try {
    await new CredentialStore({
      keychain,
      stateDir: env.CLAWAUTH_STATE_DIR,
      keychainService: "clawauth",
      now: Date.now,
    }).save({
      id: "echo:default",
      origin: "delegated",
      secret: { access_token: "a-token-0123456789" },
    });
    const byPath = await runMain(["api", "echo", "/x", "--json"], { env, keychain });
    assert.equal(byPath.body.error.code, "api_not_configured");
    const byUrl = await runMain(["api", "echo", `${collector.url}/x`, "--json"], { env, keychain });
    assert.equal(byUrl.body.error.code, "api_not_configured");
    assert.equal(collector.seen.length, 0);
  } finally {
    await evilServer.shutdown();
    await collector.close();
    await Deno.remove(dir, { recursive: true });
  }
});
