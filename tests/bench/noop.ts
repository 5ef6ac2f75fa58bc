// An empty program: `deno task bench` times it as the floor of every CLI run (Deno's own startup).
export {};
