/**
 * The verify floor of a signed poll: a bare `Deno.serve` doing only what any signed status must
 * do, without a framework or KV. `POST /init` (`{verifyKey}`) registers a session in memory;
 * `GET /status/{id}` parses the three signature headers, checks the timestamp, verifies the
 * Ed25519 signature with Web Crypto (the imported key cached per session), remembers the nonce
 * in a Map (a replay answers 401) and answers the 0.4 JSON body. The server's status throughput
 * is reported as a ratio of this one's, measured with the same generator in the same run.
 *
 * Prints `{"msg":"listening","url":...}` once it listens (PORT, default 0).
 */

import { decodeBase64 } from "../../shared/base64.ts";

const ENCODER = new TextEncoder();
const PENDING = '{"status":"pending","provider":"demo"}';
const JSON_HEADERS = { "content-type": "application/json" };
const sessions = new Map<string, CryptoKey>();
const nonces = new Map<string, number>();

function answer(status: number, body: string): Response {
  return new Response(body, { status, headers: JSON_HEADERS });
}

async function init(request: Request): Promise<Response> {
  const { verifyKey } = await request.json();
  const key = await crypto.subtle.importKey(
    "raw",
    decodeBase64(verifyKey),
    { name: "Ed25519" },
    false,
    ["verify"],
  );
  const sessionId = crypto.randomUUID();
  sessions.set(sessionId, key);
  return answer(200, JSON.stringify({ sessionId }));
}

async function status(request: Request, path: string): Promise<Response> {
  const sessionId = path.slice("/status/".length);
  const key = sessions.get(sessionId);
  if (key === undefined) return answer(404, '{"code":"session_not_found"}');
  const timestamp = request.headers.get("x-timestamp");
  const nonce = request.headers.get("x-request-nonce");
  const signature = request.headers.get("x-signature");
  if (timestamp === null || nonce === null || signature === null) {
    return answer(401, '{"code":"invalid_signature"}');
  }
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 60) {
    return answer(401, '{"code":"invalid_timestamp"}');
  }
  const message = ENCODER.encode(`${timestamp}|${sessionId}|GET|${path}|${nonce}`);
  if (!await crypto.subtle.verify("Ed25519", key, decodeBase64(signature), message)) {
    return answer(401, '{"code":"invalid_signature"}');
  }
  const nonceKey = `${sessionId}|${nonce}`;
  if (nonces.has(nonceKey)) return answer(401, '{"code":"replay_detected"}');
  nonces.set(nonceKey, Number(timestamp));
  return answer(200, PENDING);
}

const server = Deno.serve(
  {
    hostname: "127.0.0.1",
    port: Number(Deno.env.get("PORT") ?? 0),
    onListen({ hostname, port }) {
      console.log(JSON.stringify({ msg: "listening", url: `http://${hostname}:${port}` }));
    },
  },
  (request) => {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/init") return init(request);
    if (request.method === "GET" && url.pathname.startsWith("/status/")) {
      return status(request, url.pathname);
    }
    return answer(404, '{"code":"not_found"}');
  },
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    server.shutdown().then(() => Deno.exit(0));
  });
}
