import assert from "node:assert/strict";
import nacl from "tweetnacl";
import { decodeBase64, encodeBase64 } from "../../shared/base64.ts";
import { ClawauthError } from "../../shared/errors.ts";
import { openSealedJson, sealJson } from "../../shared/seal.ts";

const recipient = nacl.box.keyPair();
const payload = {
  provider: "github",
  issuedAt: "2026-01-01T00:00:00.000Z",
  tokenData: { access_token: "t" },
};

Deno.test("sealJson() round-trips through openSealedJson()", () => {
  assert.deepEqual(
    openSealedJson(sealJson(payload, recipient.publicKey), recipient.secretKey),
    payload,
  );
});

Deno.test("sealJson() opens with plain nacl.box.open, as the 0.4 CLI does", () => {
  const box = sealJson(payload, recipient.publicKey);
  const opened = nacl.box.open(
    decodeBase64(box.ciphertext),
    decodeBase64(box.nonce),
    decodeBase64(box.ephemeralPublicKey),
    recipient.secretKey,
  );
  assert.ok(opened);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(opened)), payload);
});

Deno.test("sealJson() uses a fresh ephemeral key and nonce every time", () => {
  const a = sealJson(payload, recipient.publicKey);
  const b = sealJson(payload, recipient.publicKey);
  assert.notEqual(a.ephemeralPublicKey, b.ephemeralPublicKey);
  assert.notEqual(a.nonce, b.nonce);
  assert.notEqual(a.ciphertext, b.ciphertext);
});

Deno.test("openSealedJson() refuses the wrong key, tampering and malformed fields", () => {
  const box = sealJson(payload, recipient.publicKey);
  const ct = decodeBase64(box.ciphertext);
  ct[0] ^= 1;
  const cases: [unknown, Uint8Array, RegExp][] = [
    [box, nacl.box.keyPair().secretKey, /authentication failed/],
    [{ ...box, ciphertext: encodeBase64(ct) }, recipient.secretKey, /authentication failed/],
    [{ ...box, nonce: "!!" }, recipient.secretKey, /not base64/],
    [
      { ...box, nonce: encodeBase64(new Uint8Array(12)) },
      recipient.secretKey,
      /nonce is not 24 bytes/,
    ],
    [
      { ...box, ephemeralPublicKey: encodeBase64(new Uint8Array(5)) },
      recipient.secretKey,
      /not 32 bytes/,
    ],
    [null, recipient.secretKey, /not an object/],
  ];
  for (const [input, key, message] of cases) {
    assert.throws(() => openSealedJson(input, key), (err: unknown) => {
      assert.ok(err instanceof ClawauthError);
      assert.equal(err.code, "decrypt_failed");
      assert.match(err.message, message);
      return true;
    });
  }
});
