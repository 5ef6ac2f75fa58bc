import assert from "node:assert/strict";
import { createStateSigner } from "../../server/state.ts";
import { ClawauthError } from "../../shared/errors.ts";

const CLAIMS = { sessionId: crypto.randomUUID(), provider: "github", expiresAt: 2_000_000 };

async function assertInvalid(promise: Promise<unknown>, message: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ClawauthError);
    assert.equal(error.code, "invalid_state");
    assert.equal(error.status, 400);
    assert.equal(error.message, message);
    return true;
  });
}

Deno.test("createStateSigner() round-trips session, provider and expiry", async () => {
  const signer = createStateSigner("secret");
  const state = await signer.sign(CLAIMS);
  assert.match(state, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(await signer.verify(state, 1_999_999), CLAIMS);
});

Deno.test("createStateSigner() makes a different state each time", async () => {
  const signer = createStateSigner("secret");
  assert.notEqual(await signer.sign(CLAIMS), await signer.sign(CLAIMS));
});

Deno.test("verify() refuses a state signed with another secret", async () => {
  const state = await createStateSigner("other").sign(CLAIMS);
  await assertInvalid(
    createStateSigner("secret").verify(state, 0),
    "the 'state' parameter is not valid (altered or from another server)",
  );
});

Deno.test("verify() refuses a state whose payload was changed", async () => {
  const signer = createStateSigner("secret");
  const [, mac] = (await signer.sign(CLAIMS)).split(".");
  const forged = btoa(JSON.stringify({ sid: CLAIMS.sessionId, p: "slack", exp: 9e15, n: "x" }))
    .replace(/=+$/, "");
  await assertInvalid(
    signer.verify(`${forged}.${mac}`, 0),
    "the 'state' parameter is not valid (altered or from another server)",
  );
});

Deno.test("verify() refuses an expired state", async () => {
  const signer = createStateSigner("secret");
  await assertInvalid(
    signer.verify(await signer.sign(CLAIMS), CLAIMS.expiresAt),
    "this sign-in has expired: ask for a new link",
  );
});

Deno.test("verify() refuses a missing state", async () => {
  await assertInvalid(
    createStateSigner("secret").verify(undefined, 0),
    "the 'state' parameter is missing: start again from the link you were sent",
  );
});
