import assert from "node:assert/strict";
import { createServerClient, parseRetryAfter, quoteServerText } from "../../cli/server_client.ts";
import { isClawauthError } from "../../shared/errors.ts";

Deno.test("parseRetryAfter() reads seconds or an HTTP date, at least 1 s, at most an hour", () => {
  const now = Date.parse("2030-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("5", now), 5);
  assert.equal(parseRetryAfter("0", now), 1);
  assert.equal(parseRetryAfter("999999", now), 3600);
  assert.equal(parseRetryAfter("Tue, 01 Jan 2030 00:00:30 GMT", now), 30);
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter("soon", now), undefined);
});

Deno.test("quoteServerText() strips control characters and shortens long server text", () => {
  assert.equal(quoteServerText("bad\u001b[31m\nthing\u0007"), "bad [31m thing");
  const long = quoteServerText("x".repeat(1000));
  assert.equal(long.length, 300);
  assert.ok(long.endsWith("..."));
});

Deno.test("createServerClient() reports an unreachable server as transient server_unreachable", async () => {
  const client = createServerClient({ serverUrl: "http://127.0.0.1:9/", fetch });
  assert.equal(client.serverUrl, "http://127.0.0.1:9");
  await assert.rejects(client.providers(), (error) => {
    assert.ok(isClawauthError(error));
    assert.equal(error.code, "server_unreachable");
    assert.equal(error.status, 0);
    assert.equal(error.details.transient, true);
    assert.match(
      error.message,
      /^cannot reach the clawauth server at http:\/\/127\.0\.0\.1:9 \(\/providers\)/,
    );
    return true;
  });
});
