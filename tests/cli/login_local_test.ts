import assert from "node:assert/strict";
import {
  codeFromRedirect,
  parseRedirectInput,
  planLoopbackListener,
  runLocalLogin,
} from "../../cli/flows/local_login.ts";
import { parseLoginLocalArgs, runLoginLocal } from "../../cli/commands/login_local.ts";
import { readLocalClient } from "../../cli/flows/local_client.ts";
import { CredentialStore } from "../../cli/store/credentials.ts";
import { readProfileMeta } from "../../cli/store/profiles.ts";
import { ClawauthError } from "../../shared/errors.ts";
import { authorizeOverHttp, startOidcUpstream } from "../fixtures/oidc_provider.ts";
import {
  authorizeUrlFrom,
  createHarness,
  FIXTURE_PROVIDER,
  loginLocalInProcess,
  publicClientProviders,
  testStdin,
  until,
} from "./_token_sink_harness.ts";

function rejectsWith(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ClawauthError, `expected ClawauthError, got ${error}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

Deno.test("parseRedirectInput() reads a URL, a query string and code#state", () => {
  const rows: [string, ReturnType<typeof parseRedirectInput>][] = [
    ["http://127.0.0.1:1455/callback?code=abc&state=xyz", { code: "abc", state: "xyz" }],
    ["  code=abc&state=xyz \n", { code: "abc", state: "xyz" }],
    ["?code=abc&state=xyz", { code: "abc", state: "xyz" }],
    ["abc#xyz", { code: "abc", state: "xyz" }],
    ["abc", { code: "abc" }],
    ["", null],
    [
      "http://127.0.0.1/cb?error=access_denied&error_description=no&state=s",
      { error: "access_denied", errorDescription: "no", state: "s" },
    ],
    ["https://app.example/cb#code=c1&state=s1", { code: "c1", state: "s1" }],
  ];
  for (const [input, expected] of rows) {
    assert.deepEqual(parseRedirectInput(input), expected, input);
  }
});

Deno.test("codeFromRedirect() refuses a mismatched or missing state and provider errors", () => {
  assert.equal(codeFromRedirect({ code: "c", state: "s1" }, "s1"), "c");
  assert.throws(
    () => codeFromRedirect({ code: "c", state: "other" }, "s1"),
    rejectsWith("invalid_state", /state mismatch.*refused/),
  );
  assert.throws(
    () => codeFromRedirect({ code: "c" }, "s1"),
    rejectsWith("invalid_state", /no state/),
  );
  assert.throws(
    () => codeFromRedirect({ error: "access_denied", state: "s1" }, "s1"),
    rejectsWith("provider_error", /access_denied/),
  );
  assert.throws(
    () => codeFromRedirect({ state: "s1" }, "s1"),
    rejectsWith("invalid_request", /no code/),
  );
});

Deno.test("planLoopbackListener() binds the redirect URI's port, or any port when it has none", () => {
  const fixed = planLoopbackListener("http://127.0.0.1:1455/auth/callback");
  assert.deepEqual([fixed.bindHost, fixed.port, fixed.path], ["127.0.0.1", 1455, "/auth/callback"]);
  assert.equal(fixed.redirectUriFor(1455), "http://127.0.0.1:1455/auth/callback");

  const any = planLoopbackListener("http://127.0.0.1/callback");
  assert.equal(any.port, 0);
  assert.equal(any.redirectUriFor(40123), "http://127.0.0.1:40123/callback");

  const zero = planLoopbackListener("http://localhost:0/cb");
  assert.deepEqual([zero.bindHost, zero.port], ["127.0.0.1", 0]);
  assert.equal(zero.redirectUriFor(5000), "http://localhost:5000/cb");

  const ipv6 = planLoopbackListener("http://[::1]:8080/cb");
  assert.equal(ipv6.bindHost, "::1");

  const override = planLoopbackListener("http://127.0.0.1:1455/cb", 9999);
  assert.equal(override.port, 9999);
  assert.equal(override.redirectUriFor(9999), "http://127.0.0.1:9999/cb");

  for (const bad of ["https://127.0.0.1/cb", "http://example.com/cb", "http://10.0.0.1/cb"]) {
    assert.throws(() => planLoopbackListener(bad), rejectsWith("usage", /loopback redirect URI/));
  }
});

Deno.test("parseLoginLocalArgs() parses flags and refuses bad values", () => {
  assert.deepEqual(parseLoginLocalArgs(["myidp"]), {
    provider: "myidp",
    profile: "default",
    scope: undefined,
    port: undefined,
    openBrowser: true,
    timeoutMs: 300_000,
  });
  assert.deepEqual(
    parseLoginLocalArgs([
      "myidp:work",
      "--scope",
      "openid email",
      "--port",
      "8765",
      "--no-browser",
      "--timeout",
      "30",
    ]),
    {
      provider: "myidp",
      profile: "work",
      scope: "openid email",
      port: 8765,
      openBrowser: false,
      timeoutMs: 30_000,
    },
  );
  const rows: [string[], RegExp][] = [
    [[], /missing <provider>/],
    [["myidp", "--port", "70000"], /--port must be a port number/],
    [["myidp", "--port", "abc"], /--port must be a port number/],
    [["myidp", "--timeout", "0"], /--timeout must be/],
    [["myidp:work", "--profile", "home"], /two different profiles/],
    [["myidp", "--bogus"], /unknown option "--bogus"/],
  ];
  for (const [argv, pattern] of rows) {
    assert.throws(() => parseLoginLocalArgs(argv), rejectsWith("usage", pattern), argv.join(" "));
  }
});

Deno.test("login local: the loopback callback completes the login and stores a local profile", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const h = await createHarness({ env: { CLAWAUTH_PROVIDERS: publicClientProviders(upstream) } });
  try {
    const data = await loginLocalInProcess(h, { profile: "work", via: "callback" });
    assert.equal(data.status, "completed");
    assert.equal(data.via, "callback");
    assert.equal(data.profile, `${FIXTURE_PROVIDER}:work`);
    assert.equal(data.storedInKeychain, true);
    assert.equal((data.account as Record<string, unknown>).id, "alice");
    const tokenData = data.tokenData as Record<string, unknown>;
    assert.match(String(tokenData.access_token), /…\(\d+ chars\)$/, "secrets are masked");

    const store = new CredentialStore({
      keychain: h.keychain,
      stateDir: h.stateDir,
      keychainService: h.ctx.keychainService,
      now: h.ctx.now,
    });
    const record = await store.load(`${FIXTURE_PROVIDER}:work`);
    assert.ok(record);
    assert.equal(record.meta.origin, "local");
    assert.equal(record.meta.type, "oauth");
    assert.ok(record.secret.access_token && record.secret.refresh_token);
    assert.equal(upstream.counts.authorizationCodeGrants, 1);
    const body = upstream.tokenRequestBodies[0];
    assert.equal(body.get("client_id"), upstream.publicClient.clientId);
    assert.equal(body.has("client_secret"), false);
    assert.match(body.get("code_verifier") ?? "", /^[A-Za-z0-9_-]{43}$/);
    assert.match(body.get("redirect_uri") ?? "", /^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    const client = await readLocalClient(h.stateDir, `${FIXTURE_PROVIDER}:work`);
    assert.ok(client, "the client definition is saved for refresh");
    assert.equal(client.settings.clientId, upstream.publicClient.clientId);
    assert.equal(client.settings.clientSecret, "");
    assert.equal(client.settings.tokenUrl, upstream.tokenUrl);
  } finally {
    await h.cleanup();
    await upstream.close();
  }
});

Deno.test("login local: pasting the redirect URL on stdin completes the login", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const h = await createHarness({ env: { CLAWAUTH_PROVIDERS: publicClientProviders(upstream) } });
  try {
    const data = await loginLocalInProcess(h, { via: "paste", account: "bob" });
    assert.equal(data.via, "paste");
    assert.equal(data.profile, `${FIXTURE_PROVIDER}:default`);
    assert.deepEqual((data.account as Record<string, unknown>).id, "bob");
    const meta = await readProfileMeta(h.stateDir, `${FIXTURE_PROVIDER}:default`);
    assert.equal(meta?.origin, "local");
    assert.equal(meta?.hasRefreshToken, true);
  } finally {
    await h.cleanup();
    await upstream.close();
  }
});

Deno.test("login local: the authorize URL carries S256 PKCE and a state separate from the verifier", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const h = await createHarness({ env: { CLAWAUTH_PROVIDERS: publicClientProviders(upstream) } });
  try {
    await loginLocalInProcess(h, { via: "paste" });
    const url = new URL(authorizeUrlFrom(h.stderrText())!);
    assert.equal(url.searchParams.get("code_challenge_method"), "S256");
    assert.equal(url.searchParams.get("client_id"), upstream.publicClient.clientId);
    const state = url.searchParams.get("state") ?? "";
    const verifier = upstream.tokenRequestBodies[0].get("code_verifier") ?? "";
    assert.match(state, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(state, verifier);
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)),
    );
    const challenge = btoa(String.fromCharCode(...digest)).replace(/\+/g, "-").replace(/\//g, "_")
      .replace(/=+$/, "");
    assert.equal(url.searchParams.get("code_challenge"), challenge);
  } finally {
    await h.cleanup();
    await upstream.close();
  }
});

Deno.test("login local: a pasted redirect with another login's state is refused and nothing is stored", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const h = await createHarness({ env: { CLAWAUTH_PROVIDERS: publicClientProviders(upstream) } });
  const stdin = testStdin();
  try {
    const running = runLoginLocal([FIXTURE_PROVIDER, "--no-browser"], h.withStdin(stdin.readable));
    const url = await until(() => authorizeUrlFrom(h.stderrText()));
    const { callbackUrl } = await authorizeOverHttp(url);
    callbackUrl.searchParams.set("state", "a-state-from-some-other-attempt");
    const failed = running.then(() => undefined, (error) => error);
    await stdin.write(`${callbackUrl.href}\n`);
    rejectsWith("invalid_state", /state mismatch.*refused/)(await failed);
    assert.equal(upstream.counts.authorizationCodeGrants, 0, "the code was never exchanged");
    assert.equal(await readProfileMeta(h.stateDir, `${FIXTURE_PROVIDER}:default`), null);
    assert.equal(h.keychain.size, 0);
  } finally {
    await stdin.close();
    await h.cleanup();
    await upstream.close();
  }
});

Deno.test("login local: a denied consent reported on the callback fails with provider_error", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const h = await createHarness({ env: { CLAWAUTH_PROVIDERS: publicClientProviders(upstream) } });
  const stdin = testStdin();
  try {
    const running = runLoginLocal([FIXTURE_PROVIDER, "--no-browser"], h.withStdin(stdin.readable));
    const url = await until(() => authorizeUrlFrom(h.stderrText()));
    const { callbackUrl } = await authorizeOverHttp(url, { consent: "deny" });
    const failed = running.then(() => undefined, (error) => error);
    const response = await fetch(callbackUrl);
    assert.equal(response.status, 400);
    assert.match(await response.text(), /access_denied/);
    rejectsWith("provider_error", /access_denied/)(await failed);
  } finally {
    await stdin.close();
    await h.cleanup();
    await upstream.close();
  }
});

Deno.test("runLocalLogin() times out cleanly and frees the port", async () => {
  const stdin = testStdin();
  const lines: string[] = [];
  try {
    await assert.rejects(
      runLocalLogin({
        spec: {
          name: "idp",
          displayName: "IdP",
          authorizeUrl: "http://127.0.0.1:9/authorize",
          tokenUrl: "http://127.0.0.1:9/token",
          clientAuth: "none",
          pkce: "required",
          scopeSeparator: " ",
          defaultScopes: [],
          tokenResponse: "oauth2",
          refresh: { supported: true },
          registerUrl: "http://127.0.0.1:9",
          docs: [],
        },
        settings: {
          clientId: "cli",
          clientSecret: "",
          redirectUri: "http://127.0.0.1/callback",
          authorizeUrl: "http://127.0.0.1:9/authorize",
          tokenUrl: "http://127.0.0.1:9/token",
        },
        openBrowser: false,
        stdin: stdin.readable,
        stderr: (text) => lines.push(text),
        fetch,
        env: {},
        timeoutMs: 200,
      }),
      rejectsWith("session_expired", /timed out after 0 s|timed out/),
    );
    const port = Number(/127\.0\.0\.1:(\d+)\/callback/.exec(lines.join(""))?.[1]);
    assert.ok(port > 0);
    const listener = Deno.listen({ hostname: "127.0.0.1", port });
    listener.close();
  } finally {
    await stdin.close();
  }
});

Deno.test("login local refuses a confidential or unknown provider with a usage error", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const confidential = JSON.stringify([{
    name: "conf",
    type: "oauth2",
    authorizeUrl: upstream.authorizeUrl,
    tokenUrl: upstream.tokenUrl,
    clientId: "x",
    clientSecret: "y",
    clientAuth: "basic",
  }]);
  const h = await createHarness({ env: { CLAWAUTH_PROVIDERS: confidential } });
  try {
    await assert.rejects(
      runLoginLocal(["conf", "--no-browser"], h.ctx),
      rejectsWith("usage", /confidential client.*clawauth login start conf/),
    );
    await assert.rejects(
      runLoginLocal(["nosuch", "--no-browser"], h.ctx),
      rejectsWith("usage", /unknown provider nosuch.*CLAWAUTH_PROVIDERS/),
    );
  } finally {
    await h.cleanup();
    await upstream.close();
  }
});

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("login local listens on the fixed port of the redirect URI and sends that URI unchanged", async () => {
  const port = freePort();
  const redirectUri = `http://127.0.0.1:${port}/auth/callback`;
  const upstream = await startOidcUpstream({ redirectUris: [], publicRedirectUris: [redirectUri] });
  const h = await createHarness({
    env: { CLAWAUTH_PROVIDERS: publicClientProviders(upstream, { redirectUri }) },
  });
  try {
    const data = await loginLocalInProcess(h, { via: "callback" });
    assert.equal(data.via, "callback");
    assert.equal(upstream.tokenRequestBodies[0].get("redirect_uri"), redirectUri);
    assert.equal(
      new URL(authorizeUrlFrom(h.stderrText())!).searchParams.get("redirect_uri"),
      redirectUri,
    );
  } finally {
    await h.cleanup();
    await upstream.close();
  }
});

Deno.test("login local: when the redirect URI's port is taken, it says so and the paste fallback still works", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (busy.addr as Deno.NetAddr).port;
  const h = await createHarness({
    env: {
      CLAWAUTH_PROVIDERS: publicClientProviders(upstream, {
        redirectUri: `http://127.0.0.1:${port}/callback`,
      }),
    },
  });
  try {
    const data = await loginLocalInProcess(h, { via: "paste" });
    assert.equal(data.via, "paste");
    assert.match(h.stderrText(), new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(h.stderrText(), /Waiting for the redirect/);
  } finally {
    busy.close();
    await h.cleanup();
    await upstream.close();
  }
});

Deno.test("login local fails at once when its port is taken and stdin ends without a URL", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (busy.addr as Deno.NetAddr).port;
  const h = await createHarness({
    env: {
      CLAWAUTH_PROVIDERS: publicClientProviders(upstream, {
        redirectUri: `http://127.0.0.1:${port}/callback`,
      }),
    },
  });
  try {
    await assert.rejects(
      runLoginLocal([FIXTURE_PROVIDER, "--no-browser"], h.withStdin(testStdin("").readable)),
      rejectsWith("usage", /stdin ended without a redirect URL and there is no loopback listener/),
    );
  } finally {
    busy.close();
    await h.cleanup();
    await upstream.close();
  }
});

Deno.test("login local: a request to the listener with a wrong or missing state is ignored and the login keeps waiting", async () => {
  const upstream = await startOidcUpstream({ redirectUris: [] });
  const h = await createHarness({ env: { CLAWAUTH_PROVIDERS: publicClientProviders(upstream) } });
  const stdin = testStdin();
  const running = runLoginLocal(
    [FIXTURE_PROVIDER, "--no-browser", "--timeout", "30"],
    h.withStdin(stdin.readable),
  );
  try {
    const url = await until(() => authorizeUrlFrom(h.stderrText()), { what: "authorize URL" });
    const { callbackUrl } = await authorizeOverHttp(url);
    // Forged requests from a local attacker: another state, no state, an error without state.
    for (
      const query of ["code=forged&state=not-this-login", "code=forged", "error=access_denied"]
    ) {
      const forged = new URL(callbackUrl);
      forged.search = `?${query}`;
      const response = await fetch(forged);
      assert.equal(response.status, 400, query);
      assert.match(await response.text(), /ignored/);
    }
    const real = await fetch(callbackUrl);
    assert.equal(real.status, 200);
    await real.body?.cancel();
    const result = await running;
    assert.equal(result.data.status, "completed");
    assert.equal(upstream.counts.authorizationCodeGrants, 1, "the forged codes were never sent");
  } finally {
    await stdin.close();
    await running.catch(() => {});
    await h.cleanup();
    await upstream.close();
  }
});

Deno.test("login local: a `localhost` redirect URI is answered on ::1 as well as 127.0.0.1", async () => {
  // Browsers may resolve localhost to ::1 first; another program holding [::1]:port would
  // otherwise receive the redirect (and its code).
  const port = freePort();
  const redirectUri = `http://localhost:${port}/auth/callback`;
  const upstream = await startOidcUpstream({ redirectUris: [], publicRedirectUris: [redirectUri] });
  const h = await createHarness({
    env: { CLAWAUTH_PROVIDERS: publicClientProviders(upstream, { redirectUri }) },
  });
  const stdin = testStdin();
  const running = runLoginLocal(
    [FIXTURE_PROVIDER, "--no-browser", "--timeout", "30"],
    h.withStdin(stdin.readable),
  );
  try {
    const url = await until(() => authorizeUrlFrom(h.stderrText()), { what: "authorize URL" });
    const { callbackUrl } = await authorizeOverHttp(url);
    assert.equal(new URL(callbackUrl).hostname, "localhost");
    const viaIpv6 = new URL(callbackUrl);
    viaIpv6.hostname = "[::1]";
    const response = await fetch(viaIpv6);
    assert.equal(response.status, 200, await response.text());
    const result = await running;
    assert.equal(result.data.status, "completed");
  } finally {
    await stdin.close();
    await running.catch(() => {});
    await h.cleanup();
    await upstream.close();
  }
});
