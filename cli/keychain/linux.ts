/**
 * Linux (and other freedesktop systems): the Secret Service through libsecret's
 * `secret-tool`, with attributes `service` and `account`. The secret goes to
 * `secret-tool store` on stdin; `lookup` prints it back byte for byte (no newline added when
 * stdout is not a terminal). `lookup` and `clear` exit 1 with empty stderr for "not found".
 */
import { ClawauthError } from "../../shared/errors.ts";
import {
  bindTool,
  type BoundTool,
  type RunCommandResult,
  type ShellKeychainOptions,
} from "./run_command.ts";
import { type ItemStore, SplitItemKeychain } from "./_chunked.ts";

/** secret-tool reads at most 8192 bytes of stdin; stay below it. */
const SECRET_TOOL_MAX_BYTES = 8000;

/** Secret Service via `secret-tool`. */
export class LinuxKeychain extends SplitItemKeychain {
  readonly name = "linux";
  readonly #tool: BoundTool;
  protected readonly items: ItemStore;

  constructor(options: ShellKeychainOptions = {}) {
    super();
    this.#tool = bindTool(options, { command: "secret-tool" });
    this.items = {
      readItem: (service, account) => this.#lookup(service, account),
      writeItem: (service, account, value) => this.#store(service, account, value),
      deleteItem: (service, account) => this.#clear(service, account),
      maxValueBytes: () => SECRET_TOOL_MAX_BYTES,
    };
  }

  /**
   * Checks that the Secret Service answers, with a lookup of an item that does not exist.
   * Resolves `null` when usable, else a one-line reason.
   */
  async probe(): Promise<string | null> {
    try {
      const result = await this.#tool(
        ["lookup", "service", "clawauth-probe", "account", "probe"],
        undefined,
      );
      if (result.code === 0 || (result.code === 1 && result.stderr.trim() === "")) return null;
      return firstLine(result.stderr) || `secret-tool exited with status ${result.code}`;
    } catch (error) {
      return (error as Error).message;
    }
  }

  async #lookup(service: string, account: string): Promise<string | null> {
    const result = await this.#tool(["lookup", "service", service, "account", account], undefined);
    if (result.code === 0) return result.stdout;
    if (result.code === 1 && result.stderr.trim() === "") return null;
    throw failure("lookup", result);
  }

  async #store(service: string, account: string, value: string): Promise<void> {
    const result = await this.#tool(
      ["store", `--label=${service} ${account}`, "service", service, "account", account],
      value,
    );
    if (result.code !== 0 || result.stderr.trim() !== "") throw failure("store", result);
  }

  async #clear(service: string, account: string): Promise<void> {
    const result = await this.#tool(["clear", "service", service, "account", account], undefined);
    if (result.code === 0 || (result.code === 1 && result.stderr.trim() === "")) return;
    throw failure("clear", result);
  }
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}

function failure(operation: string, result: RunCommandResult): ClawauthError {
  const reason = firstLine(result.stderr) || `exit status ${result.code}`;
  return new ClawauthError(
    "keychain_error",
    `secret-tool ${operation} failed: ${reason}`,
    { details: { exitCode: result.code } },
  );
}
