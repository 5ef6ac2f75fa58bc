// `deno task demo` end to end: the demo runs as its own process (PORT=0), the CLI runs from
// source against it, the human's part is driven over HTTP, and Ctrl-C (SIGINT) stops everything:
// the task exits 0 and neither the server nor the demo provider listens any more.

import assert from "node:assert/strict";
import { authorizeOverHttp } from "../fixtures/oidc_provider.ts";
import { REPO_ROOT, runCli } from "../fixtures/run_cli.ts";

interface DemoProcess {
  child: Deno.ChildProcess;
  /** Resolves once the process exited and its output is read. */
  exited: Promise<Deno.CommandStatus>;
  serverUrl: string;
  issuer: string;
  output(): string;
}

async function startDemo(): Promise<DemoProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    // The README's command itself; `deno task` passes SIGINT on to the demo it runs.
    args: ["task", "--quiet", `--config=${REPO_ROOT}/deno.json`, "demo"],
    cwd: REPO_ROOT,
    env: { PORT: "0", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const drained = Promise.all(
    [child.stdout, child.stderr].map((stream) =>
      stream.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({
          write(chunk) {
            text += chunk;
          },
        }),
      )
    ),
  );
  const deadline = Date.now() + 60_000;
  let ready: { url: string; issuer: string } | undefined;
  while (ready === undefined) {
    const line = text.split("\n").find((l) => l.startsWith('{"msg":"listening"'));
    if (line) ready = JSON.parse(line);
    else if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.status;
      await drained;
      throw new Error(`the demo did not start within 60 s:\n${text}`);
    } else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const output = () => text;
  const exited = child.status.then(async (status) => {
    await drained;
    return status;
  });
  return {
    child,
    exited,
    serverUrl: ready.url,
    issuer: ready.issuer,
    output,
  };
}

async function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  try {
    const conn = await Deno.connect({ hostname, port: Number(port) });
    conn.close();
    return false;
  } catch (error) {
    return error instanceof Deno.errors.ConnectionRefused;
  }
}

Deno.test("deno task demo: login start → approve → claim → token get, then Ctrl-C stops everything", async () => {
  const demo = await startDemo();
  const stateDir = await Deno.makeTempDir({ prefix: "clawauth-demo-test-" });
  try {
    const output = demo.output();
    for (
      const expected of [
        "deno task install",
        `export CLAWAUTH_SERVER_URL=${demo.serverUrl}`,
        "clawauth login start demo --json",
        "clawauth login claim <sessionId> --json",
        "clawauth token get demo --json",
        "alice / alice-password",
        "CLAWAUTH_KEYCHAIN=file",
      ]
    ) {
      assert.ok(output.includes(expected), `the demo's instructions lack: ${expected}\n${output}`);
    }
    assert.ok(!output.includes("Unsupported runtime"), `no oidc-provider runtime noise: ${output}`);

    const env = {
      CLAWAUTH_SERVER_URL: demo.serverUrl,
      CLAWAUTH_STATE_DIR: stateDir,
      CLAWAUTH_KEYCHAIN: "file",
    };
    const start = await runCli(["login", "start", "demo", "--json"], { env });
    assert.equal(start.code, 0, start.stderr);
    const started = start.json() as { sessionId: string; shortAuthUrl: string; provider: string };
    assert.equal(started.provider, "demo");

    const { callbackUrl, cookies } = await authorizeOverHttp(started.shortAuthUrl, {
      account: "alice",
      password: "alice-password",
    });
    assert.equal(callbackUrl.origin, demo.serverUrl);
    const callback = await cookies.fetch(callbackUrl, { method: "GET" });
    const page = await callback.text();
    assert.equal(callback.status, 200, page);

    const claim = await runCli(["login", "claim", started.sessionId, "--json"], { env });
    assert.equal(claim.code, 0, claim.stdout + claim.stderr);
    assert.equal((claim.json() as { status: string }).status, "completed");

    const get = await runCli(["token", "get", "demo", "--json"], { env });
    assert.equal(get.code, 0, get.stdout + get.stderr);
    const token = (get.json() as { token: { access_token: string } }).token;
    assert.equal(typeof token.access_token, "string");

    // The demo provider accepts the token: it is alice's.
    const discovery = await (await fetch(`${demo.issuer}/.well-known/openid-configuration`))
      .json();
    const userinfo = await fetch(discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    assert.equal(userinfo.status, 200);
    assert.equal((await userinfo.json()).sub, "alice");

    demo.child.kill("SIGINT");
    const status = await demo.exited;
    assert.equal(status.code, 0, demo.output());
    assert.ok(await refusesConnections(demo.serverUrl), "the server still listens after SIGINT");
    assert.ok(
      await refusesConnections(demo.issuer),
      "the demo provider still listens after SIGINT",
    );
  } finally {
    // `deno task` runs the demo as its child; a SIGKILL of the task alone would orphan the demo,
    // which holds the output pipes open and would hang this test instead of failing it.
    await new Deno.Command("pkill", { args: ["-KILL", "-P", String(demo.child.pid)] }).output()
      .catch(() => {});
    try {
      demo.child.kill("SIGKILL");
    } catch { /* exited already */ }
    await demo.exited;
    await Deno.remove(stateDir, { recursive: true });
  }
});
