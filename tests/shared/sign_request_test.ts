import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { decodeBase64 } from "../../shared/base64.ts";
import { canonicalRequest, NONCE_PATTERN } from "../../shared/canonical_request.ts";
import { signRequest } from "../../shared/sign_request.ts";
import { verifyRequestSignature } from "../../shared/verify_request.ts";

const keys = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(7));
const publicKey = keys.publicKey as Uint8Array<ArrayBuffer>;

Deno.test("canonicalRequest() joins the 0.4 fields with | and upper-cases the method", () => {
  assert.equal(
    canonicalRequest({
      timestamp: "1700000000",
      sessionId: "s",
      method: "get",
      path: "/status/s",
      nonce: "n",
    }),
    "1700000000|s|GET|/status/s|n",
  );
});

Deno.test("signRequest() produces a signature tweetnacl (the 0.4 worker) accepts", async () => {
  const headers = await signRequest(keys.secretKey, {
    sessionId: "abc",
    path: "/claim/abc",
    timestamp: 1700000000,
    nonce: "nonce-nonce-nonce",
  });
  assert.equal(headers["x-timestamp"], "1700000000");
  assert.equal(headers["x-request-nonce"], "nonce-nonce-nonce");
  const message = new TextEncoder().encode("1700000000|abc|GET|/claim/abc|nonce-nonce-nonce");
  assert.ok(
    nacl.sign.detached.verify(message, decodeBase64(headers["x-signature"]), keys.publicKey),
  );
});

Deno.test("signRequest() defaults to a fresh base64url nonce that passes NONCE_PATTERN", async () => {
  const a = await signRequest(keys.secretKey, { sessionId: "s", path: "/status/s" });
  const b = await signRequest(keys.secretKey, { sessionId: "s", path: "/status/s" });
  assert.match(a["x-request-nonce"], NONCE_PATTERN);
  assert.notEqual(a["x-request-nonce"], b["x-request-nonce"]);
});

Deno.test("verifyRequestSignature() accepts a tweetnacl signature and rejects other messages", async () => {
  const message = "1|s|GET|/status/s|nnnnnnnnnnnn";
  const signature = nacl.sign.detached(new TextEncoder().encode(message), keys.secretKey);
  const sig = signature as Uint8Array<ArrayBuffer>;
  assert.equal(await verifyRequestSignature(publicKey, message, sig), true);
  assert.equal(
    await verifyRequestSignature(publicKey, "1|s|GET|/claim/s|nnnnnnnnnnnn", sig),
    false,
  );
  const other = nacl.sign.keyPair().publicKey as Uint8Array<ArrayBuffer>;
  assert.equal(await verifyRequestSignature(other, message, sig), false);
});

Deno.test("verifyRequestSignature() returns false for a wrong-length signature", async () => {
  assert.equal(await verifyRequestSignature(publicKey, "m", new Uint8Array(63)), false);
});
