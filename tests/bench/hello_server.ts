/**
 * The benchmark's ceiling: a bare `Deno.serve` hello-world, run as its own process like the
 * real server, and driven by the same load generator.
 *
 * Prints `{"msg":"listening","url":...}` once it listens (PORT, default 0 = any free port).
 */

const BODY = '{"hello":"world"}';

const server = Deno.serve(
  {
    hostname: "127.0.0.1",
    port: Number(Deno.env.get("PORT") ?? 0),
    onListen({ hostname, port }) {
      console.log(JSON.stringify({ msg: "listening", url: `http://${hostname}:${port}` }));
    },
  },
  () => new Response(BODY, { headers: { "content-type": "application/json" } }),
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    server.shutdown().then(() => Deno.exit(0));
  });
}
