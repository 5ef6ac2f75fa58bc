// providers/local_clients.ts: the built-in `openai-codex` public client carries the Codex CLI's
// parameters (openai/codex codex-rs/login/src/server.rs build_authorize_url, auth/manager.rs
// CLIENT_ID), and the environment moves every endpoint.

import assert from "node:assert/strict";
import { redirectPortFromEnv } from "../../cli/commands/login_local.ts";
import { openAiAccountId } from "../../cli/store/credentials.ts";
import { buildAuthorizeUrl } from "../../providers/authorize_url.ts";
import { localClientEntry } from "../../providers/local_clients.ts";
import { resolveProviderSettings } from "../../providers/settings.ts";
import { ClawauthError } from "../../shared/errors.ts";

function settingsFor(env: Record<string, string>) {
  const entry = localClientEntry("openai-codex")!;
  const resolved = resolveProviderSettings(entry.spec, {
    env,
    origin: "http://127.0.0.1",
    overrides: entry.defaults,
  });
  assert.ok(resolved.ok);
  return { spec: entry.spec, settings: resolved.settings };
}

Deno.test("openai-codex out of the box: the Codex CLI's client id, endpoints, redirect, scopes and extra authorize parameters", () => {
  const { spec, settings } = settingsFor({});
  assert.equal(spec.clientAuth, "none");
  assert.equal(spec.pkce, "required");
  assert.equal(settings.clientSecret, "");
  assert.equal(settings.tokenUrl, "https://auth.openai.com/oauth/token");
  const url = new URL(buildAuthorizeUrl(spec, settings, { state: "st", codeChallenge: "ch" }));
  assert.equal(url.origin + url.pathname, "https://auth.openai.com/oauth/authorize");
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    response_type: "code",
    client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
    redirect_uri: "http://localhost:1455/auth/callback",
    scope: "openid profile email offline_access",
    state: "st",
    code_challenge: "ch",
    code_challenge_method: "S256",
    id_token_add_organizations: "true",
    codex_cli_simplified_flow: "true",
    originator: "codex_cli_rs",
  });
});

Deno.test("openai-codex endpoints move with OPENAI_CODEX_* variables", () => {
  const { settings } = settingsFor({
    OPENAI_CODEX_AUTH_URL: "http://127.0.0.1:9/authorize",
    OPENAI_CODEX_TOKEN_URL: "http://127.0.0.1:9/token",
    OPENAI_CODEX_REFRESH_URL: "http://127.0.0.1:9/refresh",
    OPENAI_CODEX_REDIRECT_URI: "http://127.0.0.1:7777/auth/callback",
    OPENAI_CODEX_CLIENT_ID: "other-client",
  });
  assert.equal(settings.authorizeUrl, "http://127.0.0.1:9/authorize");
  assert.equal(settings.tokenUrl, "http://127.0.0.1:9/token");
  assert.equal(settings.refreshUrl, "http://127.0.0.1:9/refresh");
  assert.equal(settings.redirectUri, "http://127.0.0.1:7777/auth/callback");
  assert.equal(settings.clientId, "other-client");
  assert.equal(redirectPortFromEnv({ OPENAI_CODEX_REDIRECT_PORT: "4242" }, "openai-codex"), 4242);
  assert.equal(redirectPortFromEnv({}, "openai-codex"), undefined);
  assert.throws(
    () => redirectPortFromEnv({ OPENAI_CODEX_REDIRECT_PORT: "70000" }, "openai-codex"),
    (error: unknown) =>
      error instanceof ClawauthError && error.code === "usage" &&
      /OPENAI_CODEX_REDIRECT_PORT must be a port number/.test(error.message),
  );
  assert.equal(localClientEntry("toString"), undefined);
});

Deno.test("openAiAccountId() reads chatgpt_account_id from a JWT's https://api.openai.com/auth claim", () => {
  const b64 = (value: unknown) =>
    new TextEncoder().encode(JSON.stringify(value)).toBase64({
      alphabet: "base64url",
      omitPadding: true,
    });
  const jwt = (claims: unknown) => `${b64({ alg: "none" })}.${b64(claims)}.sig`;
  assert.equal(
    openAiAccountId(jwt({ "https://api.openai.com/auth": { chatgpt_account_id: "acct-1" } })),
    "acct-1",
  );
  assert.equal(openAiAccountId(jwt({ sub: "u" })), undefined);
  assert.equal(openAiAccountId("not-a-jwt"), undefined);
  assert.equal(openAiAccountId(undefined), undefined);
});
