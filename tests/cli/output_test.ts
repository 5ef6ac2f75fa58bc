import assert from "node:assert/strict";
import { maskSecret, maskTokenData, renderError, renderResult } from "../../cli/output.ts";
import { ClawauthError } from "../../shared/errors.ts";

Deno.test("renderError() prints JSON errors on stdout under --json, with usage → exit 2", () => {
  const usage = renderError(new ClawauthError("usage", "missing <provider>"), true);
  assert.equal(usage.stream, "stdout");
  assert.equal(usage.exitCode, 2);
  assert.deepEqual(JSON.parse(usage.text), {
    error: { code: "usage", message: "missing <provider>", transient: false },
  });

  const failed = renderError(
    new ClawauthError("storage_failed", "could not store", {
      details: { recoveryFile: "/tmp/x.json", code: "ignored" },
    }),
    true,
  );
  assert.equal(failed.exitCode, 1);
  assert.deepEqual(JSON.parse(failed.text), {
    error: {
      code: "storage_failed",
      message: "could not store",
      transient: false,
      recoveryFile: "/tmp/x.json",
    },
  });
});

Deno.test("renderError() prints a message on stderr without --json; unknown errors are internal", () => {
  const human = renderError(new ClawauthError("token_not_found", "no token stored"), false);
  assert.deepEqual(human, {
    stream: "stderr",
    text: "clawauth: no token stored (token_not_found)\n",
    exitCode: 1,
  });
  const internal = renderError(new TypeError("boom"), true);
  assert.equal(internal.exitCode, 1);
  assert.deepEqual(JSON.parse(internal.text).error.code, "internal_error");
});

Deno.test("renderResult() prints JSON or the human text", () => {
  const result = { data: { action: "x", n: 1 }, human: "hello" };
  assert.deepEqual(JSON.parse(renderResult(result, true)), { action: "x", n: 1 });
  assert.equal(renderResult(result, false), "hello\n");
  assert.equal(renderResult({ data: { a: 1, b: null } }, false), "a: 1\nb: -\n");
});

Deno.test("maskTokenData() hides every token value, nested ones too, and keeps the rest", () => {
  const access = "gho_0123456789abcdefghijklmnopqrstuvwxyzAB";
  const masked = maskTokenData({
    access_token: access,
    refresh_token: "r".repeat(20),
    id_token: "short",
    token_type: "bearer",
    expires_in: 3600,
    scope: "read:user",
    authed_user: { id: "U1", access_token: "xoxp-" + "9".repeat(30) },
  }) as Record<string, unknown>;
  assert.equal(masked.access_token, `gho_…(${access.length} chars)`);
  assert.equal(masked.refresh_token, "rrrr…(20 chars)");
  assert.equal(masked.id_token, "…(5 chars)");
  assert.equal(masked.token_type, "bearer");
  assert.equal(masked.expires_in, 3600);
  assert.equal(masked.scope, "read:user");
  assert.deepEqual(masked.authed_user, { id: "U1", access_token: "xoxp…(35 chars)" });
  assert.ok(!JSON.stringify(masked).includes(access.slice(4)));
  assert.equal(maskSecret("abcdefghijklmnopqrstuvwxyz"), "abcd…(26 chars)");
});

Deno.test("renderError() puts transient and fix in the one shape; wait_timeout exits 3", () => {
  const timeout = renderError(
    new ClawauthError("wait_timeout", "timed out", {
      details: { transient: true, fix: "clawauth login wait abc12345", status: "pending" },
    }),
    true,
  );
  assert.equal(timeout.exitCode, 3);
  assert.deepEqual(JSON.parse(timeout.text), {
    error: {
      code: "wait_timeout",
      message: "timed out",
      transient: true,
      fix: "clawauth login wait abc12345",
      status: "pending",
    },
  });
  // A needs_login's fixCommand is also the fix; without --json the fix gets its own line.
  const needs = new ClawauthError("needs_login", "demo:default needs a new login", {
    details: { fixCommand: "clawauth login start demo" },
  });
  assert.equal(JSON.parse(renderError(needs, true).text).error.fix, "clawauth login start demo");
  assert.equal(
    renderError(needs, false).text,
    "clawauth: demo:default needs a new login (needs_login)\nclawauth: fix: clawauth login start demo\n",
  );
});
