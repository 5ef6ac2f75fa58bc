import assert from "node:assert/strict";
import { CONFIRMATION_CODE_ALPHABET, newConfirmationCode } from "../../server/confirmation_code.ts";
import { createCsrfGuard } from "../../server/csrf.ts";

Deno.test("newConfirmationCode() makes XXXX-XXXX codes from the RFC 8628 alphabet, all letters used", () => {
  const seen = new Set<string>();
  const codes = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const code = newConfirmationCode();
    assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    for (const char of code.replace("-", "")) seen.add(char);
    codes.add(code);
  }
  assert.equal(seen.size, CONFIRMATION_CODE_ALPHABET.length);
  assert.equal(codes.size, 2000, "no repeats in 2000 draws of 20^8");
});

Deno.test("the CSRF token verifies only for its own cookie and session", async () => {
  const guard = createCsrfGuard("secret");
  const cookie = guard.newCookieValue();
  const session = crypto.randomUUID();
  const token = await guard.token(cookie, session);
  assert.ok(guard.isCookieValue(cookie));
  assert.equal(await guard.verify(token, cookie, session), true);
  assert.equal(await guard.verify(token, guard.newCookieValue(), session), false);
  assert.equal(await guard.verify(token, cookie, crypto.randomUUID()), false);
  assert.equal(await createCsrfGuard("other").verify(token, cookie, session), false);
  for (const bad of [undefined, "", "x", "A".repeat(43), `${token}A`]) {
    assert.equal(await guard.verify(bad, cookie, session), false, String(bad));
  }
  assert.equal(guard.isCookieValue("short"), false);
  assert.equal(guard.isCookieValue(undefined), false);
});
