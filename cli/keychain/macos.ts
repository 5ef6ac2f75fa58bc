/**
 * macOS login keychain through `/usr/bin/security`, generic passwords with `-s <service>
 * -a <account>`.
 *
 * Writing: `security -i` reads `add-generic-password -U -s "S" -a "A" -w "V"` from stdin, so
 * the secret never reaches argv. Values are stored as `clawauth-b64:<base64>`: `security`
 * prints a password containing newlines or non-ASCII bytes as hex, and base64 needs no
 * quoting. Its interactive parser takes lines of at most 4096 bytes; longer secrets are split
 * (see `_chunked.ts`). Reading: `find-generic-password -s S -a A -w` (exit 44 = not found).
 * A value without our prefix (written by clawauth 0.4 or by hand) is returned as it is.
 */
import { ClawauthError } from "../../shared/errors.ts";
import { decodeBase64, encodeBase64 } from "../../shared/base64.ts";
import { type ItemStore, SplitItemKeychain } from "./_chunked.ts";
import {
  bindTool,
  type BoundTool,
  type RunCommandResult,
  type ShellKeychainOptions,
} from "./run_command.ts";

const VALUE_PREFIX = "clawauth-b64:";
const NOT_FOUND_EXIT = 44;
const MAX_LINE_BYTES = 4096;
/** Names are put inside double quotes on the interactive line; keep them to safe characters. */
const NAME_PATTERN = /^[A-Za-z0-9._:@+#=\/-]{1,256}$/;

/** macOS Keychain via `security`. */
export class MacosKeychain extends SplitItemKeychain {
  readonly name = "macos";
  readonly #tool: BoundTool;
  protected readonly items: ItemStore;

  constructor(options: ShellKeychainOptions = {}) {
    super();
    this.#tool = bindTool(options, { command: "/usr/bin/security" });
    this.items = {
      readItem: (service, account) => this.#find(service, account),
      writeItem: (service, account, value) => this.#add(service, account, value),
      deleteItem: (service, account) => this.#delete(service, account),
      maxValueBytes: (service, account) => maxValueBytes(service, account),
    };
  }

  override async get(service: string, account: string): Promise<string | null> {
    checkNames(service, account);
    return await super.get(service, account);
  }

  override async store(service: string, account: string, secret: string): Promise<void> {
    checkNames(service, account);
    return await super.store(service, account, secret);
  }

  override async remove(service: string, account: string): Promise<void> {
    checkNames(service, account);
    return await super.remove(service, account);
  }

  async #find(service: string, account: string): Promise<string | null> {
    const result = await this.#tool(
      ["find-generic-password", "-s", service, "-a", account, "-w"],
      undefined,
    );
    if (result.code === NOT_FOUND_EXIT) return null;
    if (result.code !== 0) throw failure("find-generic-password", result);
    const value = result.stdout.replace(/\r?\n$/, "");
    if (!value.startsWith(VALUE_PREFIX)) return value;
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(
        decodeBase64(value.slice(VALUE_PREFIX.length)),
      );
    } catch {
      throw new ClawauthError(
        "keychain_error",
        `keychain item ${service} / ${account} is not valid clawauth data; remove it and log in again`,
      );
    }
  }

  async #add(service: string, account: string, value: string): Promise<void> {
    const line = addLine(service, account, value);
    const result = await this.#tool(["-i"], line);
    // `security -i` may exit 0 after a failed command; its message on stderr tells.
    if (result.code !== 0 || result.stderr.trim() !== "") {
      throw failure("add-generic-password", result);
    }
  }

  async #delete(service: string, account: string): Promise<void> {
    const result = await this.#tool(
      ["delete-generic-password", "-s", service, "-a", account],
      undefined,
    );
    if (result.code === 0 || result.code === NOT_FOUND_EXIT) return;
    throw failure("delete-generic-password", result);
  }
}

function encodeValue(value: string): string {
  return VALUE_PREFIX + encodeBase64(new TextEncoder().encode(value));
}

/** The interactive command line that stores `value` (secret: only ever written to stdin). */
function addLine(service: string, account: string, value: string): string {
  return `add-generic-password -U -s "${service}" -a "${account}" -w "${encodeValue(value)}"\n`;
}

function maxValueBytes(service: string, account: string): number {
  const overhead = new TextEncoder().encode(addLine(service, account, "")).length;
  const room = MAX_LINE_BYTES - overhead - 16; // margin for the parser's own terminator
  return Math.floor(room / 4) * 3;
}

function checkNames(service: string, account: string): void {
  for (const [label, value] of [["service", service], ["account", account]]) {
    if (!NAME_PATTERN.test(value)) {
      throw new ClawauthError(
        "keychain_error",
        `keychain ${label} '${value}' may only hold letters, digits and . _ : @ + # = / -`,
      );
    }
  }
}

function failure(operation: string, result: RunCommandResult): ClawauthError {
  const reason = result.stderr.trim().split("\n")[0]?.trim() || `exit status ${result.code}`;
  return new ClawauthError(
    "keychain_error",
    `security ${operation} failed: ${reason}`,
    { details: { exitCode: result.code } },
  );
}
