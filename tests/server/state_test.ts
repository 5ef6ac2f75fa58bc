import assert from "node:assert/strict";
import { createStateCipher } from "../../server/state.ts";
import { decodeBase64Url } from "../../shared/base64.ts";

const SESSION = crypto.randomUUID();

Deno.test("createStateCipher() round-trips the session id and makes a new state each time", async () => {
  const cipher = createStateCipher("secret");
  const a = await cipher.seal(SESSION);
  const b = await cipher.seal(SESSION);
  assert.match(a, /^[A-Za-z0-9_-]{86}$/);
  assert.notEqual(a, b);
  assert.equal(await cipher.open(a), SESSION);
  assert.equal(await cipher.open(b), SESSION);
});

Deno.test("a state reveals nothing: neither the session id nor anything that decodes to text", async () => {
  const state = await createStateCipher("secret").seal(SESSION);
  assert.ok(!state.includes(SESSION));
  const decoded = new TextDecoder().decode(decodeBase64Url(state));
  assert.ok(!decoded.includes(SESSION));
  assert.ok(!decoded.includes(SESSION.slice(0, 8)));
  assert.throws(() => JSON.parse(decoded));
});

Deno.test("open() refuses a state from another secret, an altered one and garbage", async () => {
  const cipher = createStateCipher("secret");
  const state = await cipher.seal(SESSION);
  assert.equal(await createStateCipher("other").open(state), null);
  const altered = `${state.slice(0, 40)}${state[40] === "A" ? "B" : "A"}${state.slice(41)}`;
  assert.equal(await cipher.open(altered), null);
  for (const bad of [undefined, "", "x", "!!!", "A".repeat(300)]) {
    assert.equal(await cipher.open(bad), null, String(bad));
  }
});
