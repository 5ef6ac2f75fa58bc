// CLAWAUTH_REFRESH_KEYS: the first key signs, every listed key verifies; a key removed from the
// list makes its bindings unknown; malformed settings name the problem, never the secret.

import assert from "node:assert/strict";
import { encodeBase64, encodeBase64Url } from "../../shared/base64.ts";
import { isClawauthError } from "../../shared/errors.ts";
import {
  createBinding,
  importRefreshKeys,
  parseRefreshKeys,
  verifyBinding,
} from "../../server/refresh_binding.ts";

const STATE = "state-secret-0123456789abcdef0123456789";
const K1 = encodeBase64(new Uint8Array(32).fill(1));
const K2 = encodeBase64Url(new Uint8Array(48).fill(2));
const INPUT = { provider: "demo", refreshToken: "rt-1", jkt: "thumb" };

async function keys(value: string | undefined) {
  const env = { STATE_SIGNING_SECRET: STATE, CLAWAUTH_REFRESH_KEYS: value };
  return await importRefreshKeys(parseRefreshKeys(env)!, STATE);
}

Deno.test("refresh keys: unset derives one key from STATE_SIGNING_SECRET under kid 'state'", async () => {
  const derived = await keys(undefined);
  assert.equal(derived.source, "STATE_SIGNING_SECRET");
  const binding = await createBinding(derived, INPUT);
  assert.match(binding, /^v1\.state\./);
  // Deterministic across instances and restarts: a second import verifies it.
  assert.equal(await verifyBinding(await keys(undefined), binding, INPUT), "ok");
  const otherSecret = await importRefreshKeys(
    parseRefreshKeys({ STATE_SIGNING_SECRET: "another-secret" })!,
    "another-secret",
  );
  assert.equal(await verifyBinding(otherSecret, binding, INPUT), "mismatch");
  assert.equal(parseRefreshKeys({}), undefined);
});

Deno.test("refresh keys: rotation keeps old bindings, the newest signs, a removed key is unknown", async () => {
  const before = await keys(`k1:${K1}`);
  const old = await createBinding(before, INPUT);
  assert.match(old, /^v1\.k1\./);
  const rotated = await keys(`k2:${K2},k1:${K1}`);
  assert.equal(await verifyBinding(rotated, old, INPUT), "ok", "old binding still verifies");
  assert.match(await createBinding(rotated, INPUT), /^v1\.k2\./, "the first (newest) key signs");
  const removed = await keys(`k2:${K2}`);
  assert.equal(await verifyBinding(removed, old, INPUT), "unknown_kid");
  // Moving off the derived key: 'state' keeps it verifying.
  const derivedBinding = await createBinding(await keys(undefined), INPUT);
  assert.equal(await verifyBinding(await keys(`k1:${K1},state`), derivedBinding, INPUT), "ok");
});

Deno.test("refresh keys: a binding is for one provider, one token and one key", async () => {
  const k = await keys(`k1:${K1}`);
  const binding = await createBinding(k, INPUT);
  assert.equal(await verifyBinding(k, binding, { ...INPUT, provider: "other" }), "mismatch");
  assert.equal(await verifyBinding(k, binding, { ...INPUT, refreshToken: "rt-2" }), "mismatch");
  assert.equal(await verifyBinding(k, binding, { ...INPUT, jkt: "other" }), "mismatch");
  assert.equal(await verifyBinding(k, "v1.k1.short", INPUT), "malformed");
});

Deno.test("refresh keys: malformed settings are server_misconfigured without the secret", () => {
  for (
    const value of [
      "k1",
      `k1:${encodeBase64(new Uint8Array(16))}`,
      `k1:${K1},k1:${K1}`,
      `state:${K1}`,
      "k1:!!!",
      " , ",
    ]
  ) {
    try {
      parseRefreshKeys({ STATE_SIGNING_SECRET: STATE, CLAWAUTH_REFRESH_KEYS: value });
      assert.fail(`accepted ${value}`);
    } catch (error) {
      assert.ok(isClawauthError(error) && error.code === "server_misconfigured", String(error));
      assert.ok(!error.message.includes(K1), "the secret is not echoed");
    }
  }
  assert.throws(() => parseRefreshKeys({ CLAWAUTH_REFRESH_KEYS: "state" }), /STATE_SIGNING_SECRET/);
});
