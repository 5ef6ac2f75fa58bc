import assert from "node:assert/strict";
import { computeCodeChallenge, createPkcePair } from "../../providers/pkce.ts";

Deno.test("computeCodeChallenge() matches the RFC 7636 appendix B example", async () => {
  assert.equal(
    await computeCodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

Deno.test("createPkcePair() makes a fresh 43-char base64url verifier and its challenge", async () => {
  const a = await createPkcePair();
  const b = await createPkcePair();
  assert.match(a.verifier, /^[A-Za-z0-9_-]{43}$/);
  assert.match(a.challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(a.challenge, await computeCodeChallenge(a.verifier));
  assert.notEqual(a.verifier, b.verifier);
});
