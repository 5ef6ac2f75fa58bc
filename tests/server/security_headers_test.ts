import assert from "node:assert/strict";
import { SECURITY_HEADERS } from "../../server/middleware/security_headers.ts";
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

const EXPECTED = {
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
};

function assertHeaders(name: string, response: Response) {
  for (const [header, value] of Object.entries(EXPECTED)) {
    assert.equal(response.headers.get(header), value, `${name}: ${header}`);
  }
}

Deno.test("the security headers are the documented ones", () => {
  assert.deepEqual(SECURITY_HEADERS, EXPECTED);
});

Deno.test("every response carries the security headers, errors and 404s included", async () => {
  const server = await startTestServer();
  const misconfigured = await startTestServer({ env: { STATE_SIGNING_SECRET: "" } });
  try {
    const { init, keys } = await initSession(server);
    const opened = await openShortLink(server, init);
    const { response: redirect, cookies } = opened;
    const cases: [string, () => Promise<Response>][] = [
      ["healthz", () => server.request("/healthz")],
      ["readyz", () => server.request("/readyz")],
      ["providers", () => server.request("/providers")],
      ["v1 providers", () => server.request("/v1/providers")],
      ["init ok", async () => (await initSessionResponse())],
      ["init bad json", () => server.request("/init", { method: "POST", body: "{" })],
      ["short link redirect", () => Promise.resolve(redirect)],
      ["short link unknown", () => server.request(`/${UPSTREAM_PROVIDER}/${crypto.randomUUID()}`)],
      ["callback without state", () => server.request("/callback")],
      [
        "callback with provider error",
        () => sendCallback(server, callbackUrlFor(opened, { error: "access_denied" }), cookies),
      ],
      [
        "status signed",
        () => signedGet(server, { action: "status", sessionId: init.sessionId, keys }),
      ],
      ["status unsigned", () => server.request(`/status/${init.sessionId}`)],
      ["claim", () => signedGet(server, { action: "claim", sessionId: init.sessionId, keys })],
      [
        "claim unknown",
        () => signedGet(server, { action: "claim", sessionId: crypto.randomUUID(), keys }),
      ],
      ["refresh bad", () => server.request("/refresh", { method: "POST", body: "[]" })],
      ["not found", () => server.request("/no/such/route")],
      ["method not allowed", () => server.request("/init", { method: "DELETE" })],
      ["misconfigured", () => misconfigured.request("/providers")],
      ["misconfigured healthz", () => misconfigured.request("/healthz")],
    ];
    const initSessionResponse = async () => {
      const fresh = newClientKeys();
      return await server.request("/init", {
        method: "POST",
        body: JSON.stringify({
          provider: UPSTREAM_PROVIDER,
          verifyKey: fresh.verifyKey,
          boxPublicKey: fresh.boxPublicKey,
        }),
      });
    };
    const statuses = new Set<number>();
    for (const [name, send] of cases) {
      const response = await send();
      statuses.add(response.status);
      assertHeaders(name, response);
      await response.body?.cancel();
    }
    assert.deepEqual(
      [...statuses].sort((a, b) => a - b),
      [200, 303, 400, 401, 404, 405, 500],
      "the loop covered success, redirects, client errors and server errors",
    );
  } finally {
    await server.close();
    await misconfigured.close();
  }
});
