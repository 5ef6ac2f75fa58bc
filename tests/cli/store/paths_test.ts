import assert from "node:assert/strict";
import { resolveStatePaths } from "../../../cli/store/paths.ts";
import { isClawauthError } from "../../../shared/errors.ts";

Deno.test("resolveStatePaths() follows CLAWAUTH_STATE_DIR > agent > XDG > HOME, per OS", () => {
  const rows: [string, Record<string, string>, typeof Deno.build.os, object][] = [
    ["HOME default", { HOME: "/home/a" }, "linux", {
      stateDir: "/home/a/.local/state/clawauth",
      keychainService: "clawauth",
      sessionKeychainService: "clawauth:sessions",
    }],
    ["XDG_STATE_HOME", { HOME: "/home/a", XDG_STATE_HOME: "/x/state" }, "linux", {
      stateDir: "/x/state/clawauth",
      keychainService: "clawauth",
      sessionKeychainService: "clawauth:sessions",
    }],
    ["relative XDG_STATE_HOME is ignored", { HOME: "/home/a", XDG_STATE_HOME: "rel" }, "darwin", {
      stateDir: "/home/a/.local/state/clawauth",
      keychainService: "clawauth",
      sessionKeychainService: "clawauth:sessions",
    }],
    ["agent", { HOME: "/home/a", CLAWAUTH_AGENT: "bot-1" }, "linux", {
      stateDir: "/home/a/.local/state/clawauth/agents/bot-1",
      keychainService: "clawauth:agent:bot-1",
      sessionKeychainService: "clawauth:agent:bot-1:sessions",
      agent: "bot-1",
    }],
    [
      "explicit dir and service beat the agent",
      {
        HOME: "/home/a",
        CLAWAUTH_AGENT: "bot-1",
        CLAWAUTH_STATE_DIR: "/srv/claw",
        CLAWAUTH_KEYCHAIN_SERVICE: "svc",
      },
      "linux",
      {
        stateDir: "/srv/claw",
        keychainService: "svc",
        sessionKeychainService: "svc:sessions",
        agent: "bot-1",
      },
    ],
    ["session service override", { HOME: "/h", CLAWAUTH_SESSION_SERVICE: "sess" }, "linux", {
      stateDir: "/h/.local/state/clawauth",
      keychainService: "clawauth",
      sessionKeychainService: "sess",
    }],
    ["windows LOCALAPPDATA", { LOCALAPPDATA: "C:\\Users\\a\\AppData\\Local" }, "windows", {
      stateDir: "C:\\Users\\a\\AppData\\Local\\clawauth",
      keychainService: "clawauth",
      sessionKeychainService: "clawauth:sessions",
    }],
    ["windows agent", { USERPROFILE: "C:\\Users\\a", CLAWAUTH_AGENT: "b" }, "windows", {
      stateDir: "C:\\Users\\a\\AppData\\Local\\clawauth\\agents\\b",
      keychainService: "clawauth:agent:b",
      sessionKeychainService: "clawauth:agent:b:sessions",
      agent: "b",
    }],
    [
      "empty values are unset",
      { HOME: "/h", CLAWAUTH_STATE_DIR: "", CLAWAUTH_AGENT: " " },
      "linux",
      {
        stateDir: "/h/.local/state/clawauth",
        keychainService: "clawauth",
        sessionKeychainService: "clawauth:sessions",
      },
    ],
  ];
  for (const [name, env, os, expected] of rows) {
    assert.deepEqual(resolveStatePaths(env, os), expected, name);
  }
});

Deno.test("resolveStatePaths() makes a relative CLAWAUTH_STATE_DIR absolute", () => {
  const paths = resolveStatePaths({ CLAWAUTH_STATE_DIR: "rel/dir" }, "linux");
  assert.equal(paths.stateDir, `${Deno.cwd()}/rel/dir`);
});

Deno.test("resolveStatePaths() refuses a CLAWAUTH_AGENT that could escape the directory", () => {
  for (const agent of ["../x", "a/b", ".hidden", "x".repeat(65)]) {
    assert.throws(
      () => resolveStatePaths({ HOME: "/h", CLAWAUTH_AGENT: agent }, "linux"),
      (e: unknown) =>
        isClawauthError(e) && e.code === "usage" &&
        e.message.endsWith(`current value is '${agent}'`),
    );
  }
});

Deno.test("resolveStatePaths() says which variable to set when there is no home", () => {
  assert.throws(
    () => resolveStatePaths({}, "linux"),
    (e: unknown) =>
      isClawauthError(e) && e.code === "storage_failed" &&
      e.message === "cannot locate the state directory: HOME is not set; set CLAWAUTH_STATE_DIR",
  );
  assert.throws(
    () => resolveStatePaths({}, "windows"),
    (e: unknown) => isClawauthError(e) && /LOCALAPPDATA is not set/.test(e.message),
  );
});
