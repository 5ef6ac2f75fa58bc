// The provider conformance suite: ONE table-driven test over all 20 builtin providers. For each,
// a loopback stand-in (tests/fixtures/provider_standin.ts) answers exactly as the provider
// documents (tests/e2e/conformance/<provider>.ts cites the doc of every behaviour) and refuses
// any request the provider would refuse. Every endpoint is moved onto the stand-in through the
// operator settings `<PREFIX>_AUTH_URL/_TOKEN_URL/_REFRESH_URL/_USERINFO_URL/_REVOKE_URL`.
//
// Per provider: authorize parameters (scope, PKCE, consent, offline access) → the token request
// (client authentication, body encoding, verifier, redirect URI) → identity → refresh (rotation
// or not, and what the CLI keeps) → a refused refresh (invalid_grant, never transient) →
// revocation; then the real server (in process) runs login (naming the account in the sealed
// claim), claim and refresh, and the CLI claims (showing the identity), refreshes through the
// server, and turns the refusal into needs_login with the fix command.

import assert from "node:assert/strict";
import { mergeRefreshedSecret } from "../../cli/flows/refresh.ts";
import { secretFromTokenData } from "../../cli/store/credentials.ts";
import { buildAuthorizeUrl, pkceApplies } from "../../providers/authorize_url.ts";
import { fetchIdentity } from "../../providers/identity.ts";
import { createPkcePair } from "../../providers/pkce.ts";
import { createRegistry } from "../../providers/registry.ts";
import { revokeToken } from "../../providers/revoke.ts";
import { providerEnvNames, resolveProviderSettings } from "../../providers/settings.ts";
import { tokenRequest } from "../../providers/token_request.ts";
import { startProviderStandin } from "../fixtures/provider_standin.ts";
import { BASE_URL, startTestServer } from "../server/_harness.ts";
import { cliPath, serverLogin, serverRefresh } from "./_conformance_server.ts";
import { FIXTURES } from "./conformance/_all.ts";

const registry = createRegistry();

Deno.test("conformance: every builtin provider, as its documentation says it behaves", async (t) => {
  assert.deepEqual(
    FIXTURES.map((f) => f.name),
    registry.list().filter((s) => s.source === "builtin").map((s) => s.name),
    "one fixture per builtin provider, in registry order",
  );
  const standin = await startProviderStandin(FIXTURES);
  const env: Record<string, string> = {};
  for (const fixture of FIXTURES) Object.assign(env, standin.env(fixture.name));
  // The raw `/refresh` step below sends a refresh token as a pre-binding client would; the CLI
  // path binds its own.
  const server = await startTestServer({ env: { ...env, CLAWAUTH_ALLOW_UNBOUND_REFRESH: "1" } });
  try {
    for (const fixture of FIXTURES) {
      await t.step(fixture.name, async () => {
        const name = fixture.name;
        const spec = registry.get(name)!;
        // The registry's defaults are the documented endpoints and refresh behaviour.
        const documented = fixture.endpoints.value;
        assert.equal(spec.authorizeUrl, documented.authorize);
        assert.equal(spec.tokenUrl, documented.token);
        assert.equal(spec.refreshUrl, documented.refresh);
        if (spec.identity?.source !== "token_response") {
          assert.equal(spec.userinfoUrl, documented.userinfo);
        }
        assert.equal(spec.revoke?.url, documented.revoke);
        if (spec.refresh.rotates !== undefined) {
          assert.equal(spec.refresh.rotates, fixture.token.rotates.value);
        }
        const resolved = resolveProviderSettings(spec, { env, origin: BASE_URL });
        assert.ok(resolved.ok);
        const settings = resolved.settings;
        // Every endpoint is where the operator put it.
        const names = providerEnvNames(name);
        assert.equal(settings.authorizeUrl, env[names.authorizeUrl]);
        assert.equal(settings.tokenUrl, env[names.tokenUrl]);
        assert.equal(settings.refreshUrl, env[names.refreshUrl]);
        if (env[names.userinfoUrl]) assert.equal(settings.userinfoUrl, env[names.userinfoUrl]);
        if (env[names.revokeUrl]) assert.equal(settings.revokeUrl, env[names.revokeUrl]);
        else assert.equal(settings.revokeUrl, undefined);

        // Authorize: scope, PKCE, consent, offline access (checked by the stand-in).
        const pkce = pkceApplies(spec) ? await createPkcePair() : undefined;
        const authorizeUrl = new URL(
          buildAuthorizeUrl(spec, settings, { state: "st-1", codeChallenge: pkce?.challenge }),
        );
        if (fixture.authorize.pkce.value === "required") {
          assert.equal(authorizeUrl.searchParams.get("code_challenge_method"), "S256");
        }
        if (fixture.authorize.pkce.value === "refused") {
          assert.equal(authorizeUrl.searchParams.has("code_challenge"), false);
        }
        const approved = await fetch(authorizeUrl, { redirect: "manual" });
        await approved.body?.cancel();
        assert.equal(approved.status, 302, `${name}: ${standin.violations(name).join("; ")}`);
        const callback = new URL(approved.headers.get("location")!);
        assert.equal(callback.searchParams.get("state"), "st-1");

        // The token request.
        const exchanged = await tokenRequest(spec, settings, {
          type: "authorization_code",
          code: callback.searchParams.get("code")!,
          codeVerifier: pkce?.verifier,
        });
        assert.ok(exchanged.ok, `${name}: ${JSON.stringify(exchanged)}`);
        const first = secretFromTokenData(name, exchanged.tokenData, Date.now());
        assert.ok(first.access_token?.startsWith("at-"));
        assert.ok(first.refresh_token?.startsWith("rt-"), `${name}: no refresh token`);

        // Identity.
        const identity = await fetchIdentity({ spec, settings, tokenData: exchanged.tokenData });
        const expected = fixture.identity.value;
        if (expected === null) assert.equal(identity.ok, false);
        else assert.deepEqual(identity, { ok: true, identity: expected.expect });

        // Refresh: a rotating provider's new refresh token replaces the stored one; a provider
        // that sends none leaves the stored one in place.
        const refreshed = await tokenRequest(spec, settings, {
          type: "refresh_token",
          refreshToken: first.refresh_token!,
        });
        assert.ok(refreshed.ok, `${name}: ${JSON.stringify(refreshed)}`);
        const fresh = secretFromTokenData(name, refreshed.tokenData, Date.now());
        const merged = mergeRefreshedSecret(first, fresh);
        assert.notEqual(merged.access_token, first.access_token);
        if (fixture.token.rotates.value) {
          assert.notEqual(merged.refresh_token, first.refresh_token);
          assert.equal(merged.refresh_token, fresh.refresh_token);
        } else {
          assert.equal(merged.refresh_token, first.refresh_token);
        }

        // A refused refresh means "log in again", never "retry later".
        const refused = await tokenRequest(spec, settings, {
          type: "refresh_token",
          refreshToken: fixture.token.rotates.value ? first.refresh_token! : "rt-revoked",
        });
        assert.equal(refused.ok, false);
        if (!refused.ok) {
          assert.equal(refused.error, "invalid_grant", `${name}: ${refused.description}`);
          assert.equal(refused.transient, false);
        }

        // The real server: a whole login and claim, a refresh, and a refused refresh.
        const payload = await serverLogin(server, name);
        // The server names the account in the sealed claim, from where the provider puts it.
        assert.deepEqual(payload.identity, expected === null ? undefined : expected.expect);
        const claimed = secretFromTokenData(name, payload.tokenData, Date.now());
        assert.ok(claimed.refresh_token?.startsWith("rt-"));
        const viaServer = await serverRefresh(server, name, claimed.refresh_token!);
        assert.ok(viaServer.ok, `${name}: ${JSON.stringify(viaServer)}`);
        const spent = await serverRefresh(
          server,
          name,
          fixture.token.rotates.value ? claimed.refresh_token! : "rt-revoked",
        );
        assert.deepEqual(spent.ok ? spent : { ...spent, status: 0 }, {
          ok: false,
          status: 0,
          code: "invalid_grant",
          transient: false,
        });

        // Revocation.
        const revoked = await revokeToken({
          spec,
          settings,
          accessToken: merged.access_token,
          refreshToken: merged.refresh_token,
        });
        if (fixture.revoke.value === null) {
          assert.deepEqual(revoked.ok ? "ok" : revoked.error, "unsupported");
        } else {
          assert.ok(revoked.ok, `${name}: ${JSON.stringify(revoked)}`);
        }

        // The CLI: claim, a refresh through the server, and a refused refresh → needs_login.
        const cli = await cliPath(server, name, () => standin.revokeAll(name));
        assert.equal(cli.claim.code, 0, JSON.stringify(cli.claim.json));
        assert.deepEqual(cli.claim.json.identity, expected === null ? null : expected.expect);
        assert.equal(cli.refreshed.code, 0, JSON.stringify(cli.refreshed.json));
        assert.equal(cli.refreshed.json.refresh, "refreshed");
        const [storedBefore, storedAfter] = cli.storedRefreshTokens;
        assert.ok(storedBefore?.startsWith("rt-"));
        if (fixture.token.rotates.value) assert.notEqual(storedAfter, storedBefore);
        else assert.equal(storedAfter, storedBefore, "the stored refresh token is kept");
        // `token rm` removes the second login and revokes it through the server where the
        // provider can.
        assert.equal(cli.removed.code, 0, JSON.stringify(cli.removed.json));
        assert.equal(
          cli.removed.json.revocation,
          fixture.revoke.value === null ? "unsupported" : "revoked",
          JSON.stringify(cli.removed.json),
        );
        assert.notEqual(cli.refused.code, 0);
        assert.equal(cli.refused.json.error.code, "needs_login", JSON.stringify(cli.refused.json));
        assert.match(cli.refused.json.error.message, /clawauth login start/);

        assert.deepEqual(standin.violations(name), []);
      });
    }
  } finally {
    await server.close();
    await standin.close();
  }
});
