import assert from "node:assert/strict";
import {
  decodeBase64,
  decodeBase64Url,
  encodeBase64,
  encodeBase64Url,
  randomBase64Url,
} from "../../shared/base64.ts";

Deno.test("encodeBase64() matches btoa for every byte value", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.equal(encodeBase64(bytes), btoa(String.fromCharCode(...bytes)));
  assert.deepEqual(decodeBase64(encodeBase64(bytes)), bytes);
});

Deno.test("encodeBase64Url() has no padding and no + or /", () => {
  const bytes = new Uint8Array([0xfb, 0xff, 0xbf, 0xfe]);
  assert.equal(encodeBase64(bytes), "+/+//g==");
  assert.equal(encodeBase64Url(bytes), "-_-__g");
  assert.deepEqual(decodeBase64Url("-_-__g"), bytes);
});

Deno.test("decodeBase64() rejects malformed input", () => {
  for (const bad of ["abc", "ab=c", "a b=", "****", "-_-_"]) {
    assert.throws(() => decodeBase64(bad), TypeError, `accepted ${bad}`);
  }
});

Deno.test("decodeBase64Url() rejects characters outside the alphabet and impossible lengths", () => {
  for (const bad of ["ab+c", "ab/c", "abc=", "a"]) {
    assert.throws(() => decodeBase64Url(bad), TypeError, `accepted ${bad}`);
  }
});

Deno.test("randomBase64Url() gives fresh values of the right length", () => {
  const a = randomBase64Url(16);
  const b = randomBase64Url(16);
  assert.equal(a.length, 22);
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9_-]+$/);
});
