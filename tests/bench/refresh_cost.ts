/**
 * The added cost of a bound refresh: the same `POST /refresh` in process (the real app, an
 * in-memory KV, a provider token endpoint stubbed to answer at once so only clawauth's own
 * work is timed), legacy unbound vs bound (proof signed by the CLI + checks on the server +
 * the new binding in the answer). Prints median milliseconds per refresh (client proof
 * creation included) and the bytes of request (headers + body) and response body.
 *
 *   deno run -A tests/bench/refresh_cost.ts [iterations]
 */
import nacl from "tweetnacl";
import { loadCustomProviders } from "../../providers/custom.ts";
import { createRegistry } from "../../providers/registry.ts";
import { createApp } from "../../server/app.ts";
import { loadConfig } from "../../server/config.ts";
import { createBinding, importRefreshKeys } from "../../server/refresh_binding.ts";
import { encodeBase64 } from "../../shared/base64.ts";
import { createProofHeaders, keyThumbprint } from "../../shared/refresh_proof.ts";

const N = Number(Deno.args[0] ?? 300);
const BASE = "http://clawauth.bench";
const TOKEN_RESPONSE = JSON.stringify({
  access_token: "at-" + "x".repeat(40),
  refresh_token: "rt-" + "y".repeat(40),
  token_type: "Bearer",
  expires_in: 3600,
});

const env = {
  PUBLIC_BASE_URL: BASE,
  STATE_SIGNING_SECRET: "bench-state-secret-0123456789abcdef",
  CLAWAUTH_KV_PATH: ":memory:",
  CLAWAUTH_REFRESH_RATE_LIMIT: "0",
  CLAWAUTH_ALLOW_UNBOUND_REFRESH: "1",
  CLAWAUTH_LOG: "off",
  CLAWAUTH_PROVIDERS: JSON.stringify([{
    name: "demo",
    type: "oauth2",
    authorizeUrl: "http://127.0.0.1:9/authorize",
    tokenUrl: "http://127.0.0.1:9/token",
    clientId: "id",
    clientSecret: "secret",
    refresh: true,
  }]),
};
const config = loadConfig(env);
const custom = await loadCustomProviders({ env });
const app = createApp({
  kv: await Deno.openKv(":memory:"),
  config,
  registry: createRegistry(custom.specs),
  providerOverrides: custom.overrides,
  fetch: () =>
    Promise.resolve(
      new Response(TOKEN_RESPONSE, { headers: { "content-type": "application/json" } }),
    ),
  log: () => {},
});

const refreshToken = "rt-" + "y".repeat(40);
const key = nacl.sign.keyPair();
const keys = await importRefreshKeys(config.refreshKeys!, config.stateSigningSecret);
const binding = await createBinding(keys, {
  provider: "demo",
  refreshToken,
  jkt: await keyThumbprint(key.publicKey),
});
const box = encodeBase64(nacl.box.keyPair().publicKey);

function headerBytes(headers: Record<string, string>): number {
  return Object.entries(headers).reduce((n, [k, v]) => n + k.length + 2 + v.length + 2, 0);
}

async function once(bound: boolean) {
  const body = JSON.stringify({
    provider: "demo",
    refreshToken,
    boxPublicKey: box,
    ...(bound ? { refreshBinding: binding } : {}),
  });
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (bound) {
    Object.assign(
      headers,
      await createProofHeaders(key.secretKey, {
        method: "POST",
        url: `${BASE}/refresh`,
        body,
        now: Date.now(),
      }),
    );
  }
  const response = await app.request(`${BASE}/refresh`, { method: "POST", headers, body });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${response.status} ${text}`);
  return { request: headerBytes(headers) + body.length, response: text.length };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

// Interleaved, so JIT warm-up and machine load hit both alike; medians, not means.
for (let i = 0; i < 30; i++) {
  await once(false);
  await once(true);
}
const times = { unbound: [] as number[], bound: [] as number[] };
let sizes = { unbound: { request: 0, response: 0 }, bound: { request: 0, response: 0 } };
for (let i = 0; i < N; i++) {
  for (const bound of i % 2 === 0 ? [false, true] : [true, false]) {
    const start = performance.now();
    const size = await once(bound);
    times[bound ? "bound" : "unbound"].push(performance.now() - start);
    sizes = { ...sizes, [bound ? "bound" : "unbound"]: size };
  }
}
const unbound = { ms: median(times.unbound), ...sizes.unbound };
const bound = { ms: median(times.bound), ...sizes.bound };
const row = (name: string, r: typeof unbound) =>
  `${name.padEnd(8)} ${
    r.ms.toFixed(3)
  } ms/refresh  request ${r.request} B  response ${r.response} B`;
console.log(`POST /refresh in process, ${N} interleaved iterations (medians), provider stubbed:`);
console.log(row("unbound", unbound));
console.log(row("bound", bound));
console.log(
  `added:   ${(bound.ms - unbound.ms).toFixed(3)} ms, request +${
    bound.request - unbound.request
  } B, response +${bound.response - unbound.response} B`,
);
Deno.exit(0);
