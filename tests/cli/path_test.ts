// cli/path.ts replaces node:path in the CLI (startup cost): it must agree with node:path on
// the paths the CLI builds, for POSIX and Windows.

import assert from "node:assert/strict";
import * as nodePath from "node:path";
import { posix, win32 } from "../../cli/path.ts";

const JOINS: string[][] = [
  ["/home/u/.local/state/clawauth", "profiles", "github"],
  ["/state", "profiles", "github", "work.json"],
  ["/state/", "/locks/", "x.lock"],
  ["relative/dir", "..", "file"],
  ["a", ".", "b", "..", "c"],
  ["/", "x"],
  ["", "x"],
  ["a/"],
  ["../a", "../../b"],
];
const WIN_JOINS: string[][] = [
  ["C:\\Users\\u\\AppData\\Local", "clawauth"],
  ["C:\\state", "profiles", "github", "work.json"],
  ["C:/state/", "locks", "x.lock"],
  ["\\\\server\\share", "dir", "file"],
  ["rel\\dir", "..", "f"],
  ["C:\\a", "..", ".."],
  ["\\root", "x"],
];
const PATHS = [
  "/a/b/c.json",
  "/a/b/",
  "/a",
  "/",
  "a",
  "a/b",
  ".hidden",
  "/state/profiles/github/work.json",
];
const WIN_PATHS = [
  "C:\\a\\b\\c.json",
  "C:\\a\\b\\",
  "C:\\a",
  "C:\\",
  "a\\b",
  "\\\\server\\share\\dir\\file",
  "C:/mixed/sep/file.txt",
];

Deno.test("posix join, dirname, basename, isAbsolute, resolve agree with node:path", () => {
  for (const parts of JOINS) {
    assert.equal(posix.join(...parts), nodePath.posix.join(...parts), JSON.stringify(parts));
  }
  for (const p of PATHS) {
    assert.equal(posix.dirname(p), nodePath.posix.dirname(p), `dirname ${p}`);
    assert.equal(posix.basename(p), nodePath.posix.basename(p), `basename ${p}`);
    assert.equal(posix.isAbsolute(p), nodePath.posix.isAbsolute(p), `isAbsolute ${p}`);
    assert.equal(posix.resolve(p), nodePath.posix.resolve(p), `resolve ${p}`);
  }
  assert.equal(posix.resolve("/a", "b", "../c/"), nodePath.posix.resolve("/a", "b", "../c/"));
});

Deno.test("win32 join, dirname, basename, isAbsolute, resolve agree with node:path", () => {
  for (const parts of WIN_JOINS) {
    assert.equal(win32.join(...parts), nodePath.win32.join(...parts), JSON.stringify(parts));
  }
  for (const p of WIN_PATHS) {
    assert.equal(win32.dirname(p), nodePath.win32.dirname(p), `dirname ${p}`);
    assert.equal(win32.basename(p), nodePath.win32.basename(p), `basename ${p}`);
    assert.equal(win32.isAbsolute(p), nodePath.win32.isAbsolute(p), `isAbsolute ${p}`);
  }
  for (const p of WIN_PATHS.filter((p) => win32.isAbsolute(p))) {
    assert.equal(win32.resolve(p), nodePath.win32.resolve(p), `resolve ${p}`);
  }
  assert.equal(win32.resolve("C:\\a", "b", "..\\c"), nodePath.win32.resolve("C:\\a", "b", "..\\c"));
});
