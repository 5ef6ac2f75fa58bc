// Imported before `oidc-provider`: the library prints "oidc-provider WARNING: Unsupported
// runtime…" with console.warn when its module is evaluated under Deno (it checks for a Node.js
// LTS release). The demo and the tests run it on purpose under Deno, so this one line is noise;
// every other warning of the library still goes through.
const UNSUPPORTED_RUNTIME = "oidc-provider WARNING: Unsupported runtime.";
const warn = console.warn;
console.warn = function quietUnsupportedRuntime(...args: unknown[]) {
  if (typeof args[0] === "string" && args[0].includes(UNSUPPORTED_RUNTIME)) {
    console.warn = warn;
    return;
  }
  warn.apply(console, args);
};
