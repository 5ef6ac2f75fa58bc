/**
 * The client address rate limits count against: the connection's address, or, when the
 * operator says `CLAWAUTH_TRUST_PROXY=<hops>`, the address the outermost trusted proxy saw
 * (`x-forwarded-for` read from the right, since a client can write anything on the left).
 */

import type { Context } from "hono";
import type { AppEnv } from "./services.ts";

export function clientAddress(c: Context<AppEnv>, trustProxyHops: number): string {
  if (trustProxyHops > 0) {
    const forwarded = c.req.header("x-forwarded-for");
    if (forwarded !== undefined) {
      const hops = forwarded.split(",").map((part) => part.trim()).filter((part) => part !== "");
      const address = hops[Math.max(0, hops.length - trustProxyHops)];
      if (address !== undefined) return address.slice(0, 64);
    }
  }
  return c.env?.remoteAddr?.hostname ?? "unknown";
}
