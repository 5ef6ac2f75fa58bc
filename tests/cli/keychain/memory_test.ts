import assert from "node:assert/strict";
import { MemoryKeychain } from "../../../cli/keychain/memory.ts";

Deno.test("MemoryKeychain stores, replaces, reads and removes per service and account", async () => {
  const keychain = new MemoryKeychain();
  assert.equal(keychain.name, "memory");
  assert.equal(await keychain.get("s", "a"), null);
  await keychain.store("s", "a", "1");
  await keychain.store("s2", "a", "2");
  await keychain.store("s", "a", "3");
  assert.equal(await keychain.get("s", "a"), "3");
  assert.equal(await keychain.get("s2", "a"), "2");
  await keychain.remove("s", "a");
  await keychain.remove("s", "a");
  assert.equal(await keychain.get("s", "a"), null);
  assert.equal(keychain.size, 1);
});
