/**
 * Linux (and other freedesktop systems): the Secret Service through libsecret's
 * `secret-tool`, with attributes `service` and `account`. The secret goes to
 * `secret-tool store` on stdin; `lookup` prints it back byte for byte (no newline added when
 * stdout is not a terminal). `lookup` and `clear` exit 1 with empty stderr for "not found".
 */
import { ClawauthError } from "../../shared/errors.ts";
import { type CommandRunner, runCommand, type RunCommandResult } from "./run_command.ts";
import { type ItemStore, SplitItemKeychain } from "./_chunked.ts";

/** Options shared by the shell-out backends. */
export interface ShellKeychainOptions {
  /** The tool to run (tests point this at a stand-in executable). */
  command?: string;
  /** Extra environment for the tool (e.g. `DBUS_SESSION_BUS_ADDRESS`). */
  env?: Record<string, string>;
  /** Time limit of each call (default 20 s). */
  timeoutMs?: number;
  /** Runs the child process (default: {@linkcode runCommand}). */
  runner?: CommandRunner;
}

export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 20_000;
/** secret-tool reads at most 8192 bytes of stdin; stay below it. */
const SECRET_TOOL_MAX_BYTES = 8000;

/** Secret Service via `secret-tool`. */
export class LinuxKeychain extends SplitItemKeychain {
  readonly name = "linux";
  readonly #command: string;
  readonly #env?: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #runner: CommandRunner;
  protected readonly items: ItemStore;

  constructor(options: ShellKeychainOptions = {}) {
    super();
    this.#command = options.command ?? "secret-tool";
    this.#env = options.env;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
    this.#runner = options.runner ?? runCommand;
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
      const result = await this.#run(
        ["lookup", "service", "clawauth-probe", "account", "probe"],
        undefined,
      );
      if (result.code === 0 || (result.code === 1 && result.stderr.trim() === "")) return null;
      return firstLine(result.stderr) || `secret-tool exited with status ${result.code}`;
    } catch (error) {
      return (error as Error).message;
    }
  }

  #run(args: string[], stdin: string | undefined): Promise<RunCommandResult> {
    return this.#runner({
      command: this.#command,
      args,
      stdin,
      env: this.#env,
      timeoutMs: this.#timeoutMs,
    });
  }

  async #lookup(service: string, account: string): Promise<string | null> {
    const result = await this.#run(["lookup", "service", service, "account", account], undefined);
    if (result.code === 0) return result.stdout;
    if (result.code === 1 && result.stderr.trim() === "") return null;
    throw failure("lookup", result);
  }

  async #store(service: string, account: string, value: string): Promise<void> {
    const result = await this.#run(
      ["store", `--label=${service} ${account}`, "service", service, "account", account],
      value,
    );
    if (result.code !== 0 || result.stderr.trim() !== "") throw failure("store", result);
  }

  async #clear(service: string, account: string): Promise<void> {
    const result = await this.#run(["clear", "service", service, "account", account], undefined);
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
