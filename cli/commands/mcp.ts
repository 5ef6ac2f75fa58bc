/** Placeholder replaced below. */
export const MCP_USAGE = "";
export function runMcp(): never {
  throw new Error("todo");
}
