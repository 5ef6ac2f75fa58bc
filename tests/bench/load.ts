/**
 * A small HTTP/1.1 load generator (wrk-like) for the benchmarks.
 *
 * It speaks HTTP/1.1 over raw keep-alive TCP connections instead of `fetch`, so the client costs
 * little CPU on a machine where it shares two cores with the server it measures. Requests are
 * prepared ahead as bytes (`encodeRequest`): signed requests need a fresh nonce each, and signing
 * while measuring would bill the generator's crypto to the server.
 *
 * Two modes:
 * - closed loop (default): each connection sends its next request as soon as the previous
 *   answer arrived; gives the maximum throughput at that concurrency.
 * - paced (`intervalMs`): each connection sends one request every `intervalMs`, phases spread
 *   evenly. Latency is measured from the actual send; how late each send was against its
 *   schedule is reported apart (`lateP99Ms`): a connection still waiting for a slow answer
 *   sends late, and so does a generator starved of CPU.
 */

/** One request to send, before encoding. */
export interface RequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** Options of {@linkcode runLoad}. */
export interface LoadOptions {
  /** Base URL (`http://127.0.0.1:8787`); only `http:` is supported. */
  url: string;
  /** Concurrent keep-alive connections. */
  connections: number;
  /**
   * Returns the encoded request number `index` sent on connection `connection`, or `undefined`
   * when the prepared requests are used up (that connection then stops).
   */
  next: (index: number, connection: number) => Uint8Array | undefined;
  /** Stop after this many requests in total. */
  requests?: number;
  /** Stop sending after this long (requests in flight still complete). */
  durationMs?: number;
  /** Paced mode: one request per connection every `intervalMs`. */
  intervalMs?: number;
  /** Keeps the response bodies (for checks); off by default. */
  keepBodies?: boolean;
}

/** What {@linkcode runLoad} measured. */
export interface LoadResult {
  requests: number;
  /** Transport failures (connection refused or reset, malformed answer). */
  errors: number;
  /** Count of answers per HTTP status. */
  statuses: Record<number, number>;
  elapsedMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Paced mode: 99th percentile of how late a request left against its schedule. */
  lateP99Ms: number;
  /** Response bodies in completion order when `keepBodies` is set. */
  bodies: { status: number; body: string }[];
}

const ENCODER = new TextEncoder();
const LATIN1 = new TextDecoder("latin1");
const UTF8 = new TextDecoder();
const CRLFCRLF = [13, 10, 13, 10];

/** Encodes one HTTP/1.1 keep-alive request for `host` (`127.0.0.1:8787`). */
export function encodeRequest(host: string, spec: RequestSpec): Uint8Array {
  const body = spec.body === undefined
    ? new Uint8Array()
    : typeof spec.body === "string"
    ? ENCODER.encode(spec.body)
    : spec.body;
  let head = `${spec.method} ${spec.path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(spec.headers ?? {})) head += `${name}: ${value}\r\n`;
  if (body.length > 0 || spec.method === "POST" || spec.method === "PUT") {
    head += `content-length: ${body.length}\r\n`;
  }
  head += "\r\n";
  const headBytes = ENCODER.encode(head);
  const out = new Uint8Array(headBytes.length + body.length);
  out.set(headBytes);
  out.set(body, headBytes.length);
  return out;
}

/** Value at quantile `q` (0..1) of ascending `sorted` (nearest rank). */
export function quantile(sorted: Float64Array | number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** Buffered reader of HTTP/1.1 responses on one connection. */
class ResponseReader {
  #conn: Deno.Conn;
  #buf = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  async #fill(): Promise<void> {
    if (this.#start > 0 && this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
    }
    if (this.#end === this.#buf.length) {
      if (this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      } else {
        const bigger = new Uint8Array(this.#buf.length * 2);
        bigger.set(this.#buf);
        this.#buf = bigger;
      }
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#end));
    if (n === null) throw new Error("connection closed by server");
    this.#end += n;
  }

  #indexOf(pattern: number[], from: number): number {
    const buf = this.#buf;
    outer: for (let i = from; i <= this.#end - pattern.length; i++) {
      for (let j = 0; j < pattern.length; j++) {
        if (buf[i + j] !== pattern[j]) continue outer;
      }
      return i;
    }
    return -1;
  }

  async #line(): Promise<string> {
    let at: number;
    while ((at = this.#indexOf([13, 10], this.#start)) < 0) await this.#fill();
    const text = LATIN1.decode(this.#buf.subarray(this.#start, at));
    this.#start = at + 2;
    return text;
  }

  async #bytes(n: number): Promise<Uint8Array> {
    while (this.#end - this.#start < n) await this.#fill();
    const out = this.#buf.subarray(this.#start, this.#start + n);
    this.#start += n;
    return out;
  }

  /** Reads one response; returns its status, body (when asked) and whether the server closes. */
  async read(keepBody: boolean): Promise<{ status: number; body: string; close: boolean }> {
    let headEnd: number;
    // Offset from #start where the search resumes; #fill may move #start.
    let scanned = 0;
    while ((headEnd = this.#indexOf(CRLFCRLF, this.#start + scanned)) < 0) {
      scanned = Math.max(0, this.#end - this.#start - 3);
      await this.#fill();
    }
    const head = LATIN1.decode(this.#buf.subarray(this.#start, headEnd));
    this.#start = headEnd + 4;
    const lines = head.split("\r\n");
    const status = Number(lines[0].split(" ")[1]);
    if (!Number.isInteger(status)) throw new Error(`malformed status line: ${lines[0]}`);
    let length = 0;
    let chunked = false;
    let close = false;
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(":");
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i].slice(colon + 1).trim().toLowerCase();
      if (name === "content-length") length = Number(value);
      else if (name === "transfer-encoding") chunked = value.includes("chunked");
      else if (name === "connection") close = value === "close";
    }
    let body = "";
    if (chunked) {
      const parts: string[] = [];
      for (;;) {
        const size = parseInt(await this.#line(), 16);
        if (size === 0) {
          while ((await this.#line()) !== "");
          break;
        }
        const chunk = await this.#bytes(size);
        if (keepBody) parts.push(UTF8.decode(chunk));
        await this.#bytes(2);
      }
      body = parts.join("");
    } else if (length > 0) {
      const bytes = await this.#bytes(length);
      if (keepBody) body = UTF8.decode(bytes);
    }
    return { status, body, close };
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Drives `url` with `connections` concurrent connections and measures every answer. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { connections, next, requests = Infinity, durationMs = Infinity, intervalMs } = options;
  if (requests === Infinity && durationMs === Infinity) {
    throw new TypeError("runLoad needs `requests` or `durationMs`");
  }
  const target = new URL(options.url);
  const hostname = target.hostname.replace(/^\[|\]$/g, "");
  const port = Number(target.port || 80);
  const latencies: number[] = [];
  const lateness: number[] = [];
  const statuses: Record<number, number> = {};
  const bodies: { status: number; body: string }[] = [];
  let issued = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;

  async function connection(id: number): Promise<void> {
    let conn: Deno.TcpConn | undefined;
    let reader: ResponseReader | undefined;
    let scheduled = started + (intervalMs ? (intervalMs * id) / connections : 0);
    try {
      for (;;) {
        if (intervalMs) {
          if (scheduled >= deadline) break;
          await sleep(scheduled - performance.now());
        }
        if (issued >= requests || performance.now() >= deadline) break;
        const bytes = next(issued, id);
        if (bytes === undefined) break;
        issued++;
        const sentAt = performance.now();
        if (intervalMs) lateness.push(sentAt - scheduled);
        try {
          if (!conn) {
            conn = await Deno.connect({ hostname, port });
            conn.setNoDelay(true);
            reader = new ResponseReader(conn);
          }
          await writeAll(conn, bytes);
          const answer = await reader!.read(options.keepBodies ?? false);
          latencies.push(performance.now() - sentAt);
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          if (options.keepBodies) bodies.push({ status: answer.status, body: answer.body });
          if (answer.close) {
            conn.close();
            conn = undefined;
          }
        } catch {
          errors++;
          try {
            conn?.close();
          } catch { /* already closed */ }
          conn = undefined;
        }
        if (intervalMs) scheduled += intervalMs;
      }
    } finally {
      try {
        conn?.close();
      } catch { /* already closed */ }
    }
  }

  await Promise.all(Array.from({ length: connections }, (_, id) => connection(id)));
  const elapsedMs = performance.now() - started;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    statuses,
    elapsedMs,
    requestsPerSecond: (latencies.length / elapsedMs) * 1000,
    p50Ms: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
    lateP99Ms: quantile(Float64Array.from(lateness).sort(), 0.99),
    bodies,
  };
}
