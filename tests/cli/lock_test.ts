import assert from "node:assert/strict";
import { lockPathFor, withLock } from "../../cli/lock.ts";
import { isClawauthError } from "../../shared/errors.ts";

const LOCK_MODULE = new URL("../../cli/lock.ts", import.meta.url).href;

/** A worker that increments `<dir>/counter` under the lock and logs enter/exit. */
const COUNTER_WORKER = `
import { withLock } from ${JSON.stringify(LOCK_MODULE)};
const [dir, id] = Deno.args;
await withLock(dir + "/counter.lock", async () => {
  Deno.writeTextFileSync(dir + "/log", "enter " + id + "\\n", { append: true });
  const value = Number(Deno.readTextFileSync(dir + "/counter"));
  // Give a peer every chance to interleave if the lock did not exclude it.
  await new Promise((resolve) => setTimeout(resolve, 10));
  Deno.writeTextFileSync(dir + "/counter", String(value + 1));
  Deno.writeTextFileSync(dir + "/log", "exit " + id + "\\n", { append: true });
});
`;

/** A worker that takes the lock, says so, and holds it until killed. */
const HOLDER_WORKER = `
import { withLock } from ${JSON.stringify(LOCK_MODULE)};
await withLock(Deno.args[0], async () => {
  await Deno.stdout.write(new TextEncoder().encode("locked\\n"));
  await new Promise(() => setInterval(() => {}, 60_000));
});
`;

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "clawauth-lock-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function writeWorker(dir: string, name: string, source: string): Promise<string> {
  const path = `${dir}/${name}.ts`;
  await Deno.writeTextFile(path, source);
  return path;
}

function spawnDeno(script: string, args: string[], stdout: "piped" | "null" = "null") {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--allow-read", "--allow-write", script, ...args],
    stdin: "null",
    stdout,
    stderr: "piped",
  }).spawn();
}

/** Starts a holder process and resolves once it reports holding the lock. */
async function startHolder(dir: string, lockPath: string) {
  const script = await writeWorker(dir, "holder", HOLDER_WORKER);
  const child = spawnDeno(script, [lockPath], "piped");
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("locked\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("holder exited before taking the lock");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return {
    child,
    async kill() {
      child.kill("SIGKILL");
      const status = await child.status;
      await child.stdout.cancel();
      await child.stderr.cancel();
      return status;
    },
  };
}

Deno.test("withLock() excludes across processes: 10 processes increment a counter without losing an update", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/counter`, "0");
    const script = await writeWorker(dir, "counter", COUNTER_WORKER);
    const children = Array.from({ length: 10 }, (_, i) => spawnDeno(script, [dir, String(i)]));
    const results = await Promise.all(children.map((child) => child.output()));
    for (const result of results) {
      assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
    }
    assert.equal(await Deno.readTextFile(`${dir}/counter`), "10");
    const log = (await Deno.readTextFile(`${dir}/log`)).trim().split("\n");
    assert.equal(log.length, 20);
    for (let i = 0; i < log.length; i += 2) {
      const id = log[i].replace("enter ", "");
      assert.equal(log[i], `enter ${id}`, "no process entered while another was inside");
      assert.equal(log[i + 1], `exit ${id}`);
    }
  });
});

Deno.test("withLock() is not blocked by a holder that was killed with SIGKILL", async () => {
  await withTempDir(async (dir) => {
    const lockPath = `${dir}/locks/github/default.lock`;
    const holder = await startHolder(dir, lockPath);
    const probe = await Deno.open(lockPath, { read: true, write: true });
    try {
      assert.equal(await probe.tryLock(true), false, "the holder really holds the lock");
    } finally {
      probe.close();
    }
    const status = await holder.kill();
    assert.equal(status.signal, "SIGKILL");
    const value = await withLock(lockPath, () => "taken", { timeoutMs: 10_000 });
    assert.equal(value, "taken");
  });
});

Deno.test("withLock() gives up with lock_timeout while a live process holds the lock (injected clock)", async () => {
  await withTempDir(async (dir) => {
    const lockPath = `${dir}/busy.lock`;
    const holder = await startHolder(dir, lockPath);
    try {
      let clock = 1_000_000;
      const waits: { path: string; holderPid?: number }[] = [];
      let ran = false;
      const error = await withLock(lockPath, () => {
        ran = true;
      }, {
        timeoutMs: 30_000,
        now: () => clock,
        sleep: (ms) => {
          clock += ms;
          return Promise.resolve();
        },
        onWait: (info) => waits.push(info),
      }).catch((e) => e);
      assert.equal(ran, false);
      assert.ok(isClawauthError(error));
      assert.equal(error.code, "lock_timeout");
      assert.equal(
        error.message,
        `could not take the lock ${lockPath} within 30 s: process ${holder.child.pid} holds it`,
      );
      assert.deepEqual(waits, [{ path: lockPath, holderPid: holder.child.pid }]);
      assert.ok(clock - 1_000_000 >= 30_000);
    } finally {
      await holder.kill();
    }
  });
});

Deno.test("withLock() releases the lock when the function throws", async () => {
  await withTempDir(async (dir) => {
    const lockPath = `${dir}/x.lock`;
    await assert.rejects(
      withLock(lockPath, () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(await withLock(lockPath, () => 7, { timeoutMs: 1 }), 7);
  });
});

Deno.test("withLock() runs callers of one process one at a time, in order", async () => {
  await withTempDir(async (dir) => {
    const lockPath = `${dir}/x.lock`;
    const events: string[] = [];
    let inside = 0;
    await Promise.all(Array.from({ length: 5 }, (_, i) =>
      withLock(lockPath, async () => {
        inside++;
        assert.equal(inside, 1);
        events.push(`in ${i}`);
        await Promise.resolve();
        events.push(`out ${i}`);
        inside--;
      })));
    assert.deepEqual(
      events,
      [0, 1, 2, 3, 4].flatMap((i) => [`in ${i}`, `out ${i}`]),
    );
  });
});

Deno.test("withLock() creates the lock file 0600 in a 0700 directory and keeps it", async () => {
  await withTempDir(async (dir) => {
    const lockPath = lockPathFor(`${dir}/state`, "github:work");
    assert.equal(lockPath, `${dir}/state/locks/github/work.lock`);
    await withLock(lockPath, () => {});
    assert.equal(Deno.statSync(lockPath).mode! & 0o777, 0o600);
    assert.equal(Deno.statSync(`${dir}/state/locks/github`).mode! & 0o777, 0o700);
  });
});

Deno.test("lockPathFor() uses the default profile and refuses ids that could escape the directory", () => {
  assert.equal(lockPathFor("/s", "github"), "/s/locks/github/default.lock");
  for (const bad of ["../x", "github:../x", "github:a/b", "GitHub:x", ""]) {
    assert.throws(
      () => lockPathFor("/s", bad),
      (e: unknown) => isClawauthError(e) && e.code === "usage",
    );
  }
});
