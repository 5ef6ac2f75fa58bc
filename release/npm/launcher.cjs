#!/usr/bin/env node
// @ts-check
// The `clawauth` npm package's command: finds the binary of this platform's optional dependency
// (@clawauth/cli-<os>-<cpu>) and runs it with the same arguments, standard streams and exit code.
// Signals sent to this process are passed on to the binary; when the binary dies of a signal,
// this process dies of the same signal (a shell then sees 128 + the signal number).
// Errors of its own: a message on stderr, or `{"error":{"code":"binary_unavailable",...}}` on
// stdout when `--json` is among the arguments; exit code 1.
"use strict";

const childProcess = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

/** `${process.platform}-${process.arch}` → the package carrying that platform's binary. */
const PACKAGES = {
  "linux-x64": "@clawauth/cli-linux-x64",
  "linux-arm64": "@clawauth/cli-linux-arm64",
  "darwin-x64": "@clawauth/cli-darwin-x64",
  "darwin-arm64": "@clawauth/cli-darwin-arm64",
  "win32-x64": "@clawauth/cli-win32-x64",
};
const SOURCE_INSTALL = "the README, section Install";
const FORWARDED_SIGNALS = process.platform === "win32"
  ? ["SIGINT", "SIGTERM", "SIGBREAK"]
  : ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR2", "SIGPIPE"];

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  if (process.argv.slice(2).includes("--json")) {
    process.stdout.write(
      JSON.stringify({ error: { code: "binary_unavailable", message } }) + "\n",
    );
  } else {
    process.stderr.write(`clawauth: ${message}\n`);
  }
  process.exit(1);
}

/** @returns {string} the path of this platform's clawauth binary */
function findBinary() {
  const key = `${process.platform}-${process.arch}`;
  const name = /** @type {Record<string, string>} */ (PACKAGES)[key];
  if (!name) {
    fail(
      `no prebuilt binary for ${key}; prebuilt binaries exist for ` +
        `${Object.keys(PACKAGES).join(", ")}. Run clawauth from source instead ` +
        `(Deno 2.9+: deno task install in a checkout; see ${SOURCE_INSTALL}).`,
    );
  }
  let packageJson;
  try {
    packageJson = require.resolve(`${name}/package.json`);
  } catch {
    fail(
      `the package ${name}, which carries the clawauth binary for ${key}, is not installed. ` +
        `npm skips optional dependencies with --omit=optional or --no-optional, and some ` +
        `lockfiles made on another platform leave them out: reinstall clawauth without those ` +
        `options (npm install clawauth), or install ${name} next to it.`,
    );
  }
  const binary = path.join(
    path.dirname(packageJson),
    "bin",
    process.platform === "win32" ? "clawauth.exe" : "clawauth",
  );
  if (!fs.existsSync(binary)) {
    fail(`${name} is installed but holds no binary at ${binary}; reinstall clawauth.`);
  }
  if (process.platform !== "win32") {
    try {
      fs.accessSync(binary, fs.constants.X_OK);
    } catch {
      try {
        fs.chmodSync(binary, fs.statSync(binary).mode | 0o111);
      } catch {
        // spawn reports the error below
      }
    }
  }
  return binary;
}

function run() {
  const binary = findBinary();
  // Listen before spawning: a signal that comes while the binary starts is not lost. Handlers run
  // from the event loop, so `child` is set by the time one runs.
  /** @type {Array<[string, () => void]>} */
  const handlers = [];
  for (const signal of FORWARDED_SIGNALS) {
    const handler = () => {
      try {
        child.kill(/** @type {NodeJS.Signals} */ (signal));
      } catch {
        // the child has already exited
      }
    };
    try {
      process.on(/** @type {NodeJS.Signals} */ (signal), handler);
      handlers.push([signal, handler]);
    } catch {
      // a signal this platform cannot listen for
    }
  }
  const child = childProcess.spawn(binary, process.argv.slice(2), {
    stdio: "inherit",
    windowsHide: false,
  });
  child.on("error", (error) => {
    fail(`could not run ${binary}: ${error.message}`);
  });
  child.on("exit", (code, signal) => {
    for (const [name, handler] of handlers) process.removeListener(name, handler);
    if (signal) {
      // Die of the same signal, so that our parent sees what the binary's parent would have seen.
      try {
        process.kill(process.pid, signal);
      } catch {
        // fall through to the conventional exit code
      }
      const number = require("node:os").constants.signals[signal] ?? 0;
      process.exit(128 + number);
    }
    process.exit(code ?? 1);
  });
}

run();
