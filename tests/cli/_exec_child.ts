// The child of the `clawauth exec` tests: reports what it received (argv, its own
// /proc/self/cmdline, the token-related environment) as JSON on stdout, then acts on argv:
//   exit <n>          exit with code n
//   kill-self <SIG>   kill itself with that signal
//   wait-signal <f>   print "ready" on stderr, wait for SIGTERM, write "got SIGTERM" to f, exit 42
const NAMES = [
  "CLAWAUTH_ACCESS_TOKEN",
  "CLAWAUTH_REFRESH_TOKEN",
  "CLAWAUTH_PROVIDER",
  "CLAWAUTH_TOKEN_TYPE",
  "CLAWAUTH_EXEC",
  "MY_IDP_ACCESS_TOKEN",
  "MY_IDP_REFRESH_TOKEN",
  "MY_TOOL_TOKEN",
  "UNRELATED_SETTING",
];
const env: Record<string, string | null> = {};
for (const name of NAMES) env[name] = Deno.env.get(name) ?? null;
let cmdline = "";
try {
  cmdline = Deno.readTextFileSync("/proc/self/cmdline").replaceAll("\0", " ");
} catch {
  cmdline = "(unavailable)";
}
console.log(JSON.stringify({ argv: Deno.args, cmdline, env }));

const [action, value] = Deno.args;
if (action === "exit") Deno.exit(Number(value));
if (action === "kill-self") Deno.kill(Deno.pid, value as Deno.Signal);
if (action === "wait-signal") {
  Deno.addSignalListener("SIGTERM", () => {
    Deno.writeTextFileSync(value, "got SIGTERM");
    Deno.exit(42);
  });
  console.error("ready");
  setTimeout(() => {}, 60_000);
}
