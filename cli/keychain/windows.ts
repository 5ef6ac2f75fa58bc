/**
 * Windows Credential Manager (generic credentials, target `<service>:<account>`) through
 * PowerShell and the Win32 Credential API (CredReadW / CredWriteW / CredDeleteW via
 * Add-Type). `cmdkey` cannot read a secret back, so it is not used.
 *
 * PowerShell runs as `powershell.exe -NoProfile -NonInteractive -Command -` and reads one line
 * from stdin: the operation's variables (every value base64, so no quoting can break out)
 * followed by the base64 script. The secret travels inside that line, never on argv. The
 * blob is the secret's UTF-8 bytes; blobs hold at most 2560 bytes, longer secrets are split
 * (see `_chunked.ts`). ERROR_NOT_FOUND (1168) → `null`.
 */
import { ClawauthError } from "../../shared/errors.ts";
import { decodeBase64, encodeBase64 } from "../../shared/base64.ts";
import {
  bindTool,
  type BoundTool,
  type RunCommandResult,
  type ShellKeychainOptions,
} from "./run_command.ts";
import { type ItemStore, SplitItemKeychain } from "./_chunked.ts";

/** CRED_MAX_CREDENTIAL_BLOB_SIZE. */
const MAX_BLOB_BYTES = 2560;
const NOT_FOUND_EXIT = 3;
/** Add-Type compiles C# on first use; give PowerShell more time than the other tools. */
const WINDOWS_TIMEOUT_MS = 30_000;
export const POWERSHELL_ARGS = ["-NoProfile", "-NonInteractive", "-Command", "-"] as const;

/** The PowerShell script run for every operation. Reads $ca_op, $ca_target, $ca_user, $ca_blob. */
export const CREDENTIAL_SCRIPT = String.raw`
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if (-not ('ClawauthCredential' -as [type])) {
Add-Type -TypeDefinition @'
using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
public static class ClawauthCredential {
  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  private struct CREDENTIAL {
    public int Flags;
    public int Type;
    public string TargetName;
    public string Comment;
    public System.Runtime.InteropServices.ComTypes.FILETIME LastWritten;
    public int CredentialBlobSize;
    public IntPtr CredentialBlob;
    public int Persist;
    public int AttributeCount;
    public IntPtr Attributes;
    public string TargetAlias;
    public string UserName;
  }
  [DllImport("advapi32.dll", EntryPoint = "CredReadW", CharSet = CharSet.Unicode, SetLastError = true)]
  private static extern bool CredRead(string target, int type, int flags, out IntPtr credential);
  [DllImport("advapi32.dll", EntryPoint = "CredWriteW", CharSet = CharSet.Unicode, SetLastError = true)]
  private static extern bool CredWrite(ref CREDENTIAL credential, int flags);
  [DllImport("advapi32.dll", EntryPoint = "CredDeleteW", CharSet = CharSet.Unicode, SetLastError = true)]
  private static extern bool CredDelete(string target, int type, int flags);
  [DllImport("advapi32.dll", EntryPoint = "CredFree")]
  private static extern void CredFree(IntPtr buffer);
  private const int CRED_TYPE_GENERIC = 1;
  private const int CRED_PERSIST_LOCAL_MACHINE = 2;
  private const int ERROR_NOT_FOUND = 1168;

  public static byte[] Read(string target) {
    IntPtr pointer;
    if (!CredRead(target, CRED_TYPE_GENERIC, 0, out pointer)) {
      int error = Marshal.GetLastWin32Error();
      if (error == ERROR_NOT_FOUND) { return null; }
      throw new Win32Exception(error);
    }
    try {
      CREDENTIAL credential = (CREDENTIAL)Marshal.PtrToStructure(pointer, typeof(CREDENTIAL));
      byte[] data = new byte[credential.CredentialBlobSize];
      if (credential.CredentialBlobSize > 0) {
        Marshal.Copy(credential.CredentialBlob, data, 0, credential.CredentialBlobSize);
      }
      return data;
    } finally {
      CredFree(pointer);
    }
  }

  public static void Write(string target, string user, byte[] data) {
    CREDENTIAL credential = new CREDENTIAL();
    credential.Type = CRED_TYPE_GENERIC;
    credential.TargetName = target;
    credential.UserName = user;
    credential.Persist = CRED_PERSIST_LOCAL_MACHINE;
    credential.CredentialBlobSize = data.Length;
    credential.CredentialBlob = Marshal.AllocHGlobal(Math.Max(data.Length, 1));
    try {
      Marshal.Copy(data, 0, credential.CredentialBlob, data.Length);
      if (!CredWrite(ref credential, 0)) { throw new Win32Exception(Marshal.GetLastWin32Error()); }
    } finally {
      for (int i = 0; i < data.Length; i++) { Marshal.WriteByte(credential.CredentialBlob, i, 0); }
      Marshal.FreeHGlobal(credential.CredentialBlob);
    }
  }

  public static void Delete(string target) {
    if (!CredDelete(target, CRED_TYPE_GENERIC, 0)) {
      int error = Marshal.GetLastWin32Error();
      if (error != ERROR_NOT_FOUND) { throw new Win32Exception(error); }
    }
  }
}
'@
}
function ConvertFrom-ClawauthBase64([string]$text) {
  return [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($text))
}
try {
  $target = ConvertFrom-ClawauthBase64 $ca_target
  if ($ca_op -eq 'get') {
    $data = [ClawauthCredential]::Read($target)
    if ($null -eq $data) {
      [Console]::Out.Write('clawauth:not-found')
      [Environment]::Exit(3)
    }
    [Console]::Out.Write('clawauth:found:' + [Convert]::ToBase64String($data))
    [Environment]::Exit(0)
  }
  if ($ca_op -eq 'set') {
    $user = ConvertFrom-ClawauthBase64 $ca_user
    [ClawauthCredential]::Write($target, $user, [Convert]::FromBase64String($ca_blob))
    [Console]::Out.Write('clawauth:ok')
    [Environment]::Exit(0)
  }
  if ($ca_op -eq 'delete') {
    [ClawauthCredential]::Delete($target)
    [Console]::Out.Write('clawauth:ok')
    [Environment]::Exit(0)
  }
  [Console]::Error.Write('clawauth: unknown operation')
  [Environment]::Exit(2)
} catch {
  [Console]::Error.Write('clawauth: ' + $_.Exception.Message)
  [Environment]::Exit(1)
}
`;

const ENCODED_SCRIPT = encodeBase64(new TextEncoder().encode(CREDENTIAL_SCRIPT));

function b64(text: string): string {
  return encodeBase64(new TextEncoder().encode(text));
}

/**
 * The stdin line of one operation: variables, then the script. Everything inside quotes is
 * base64, so nothing in a name or secret can end the string.
 */
export function powershellInput(
  op: "get" | "set" | "delete",
  fields: { target: string; user?: string; blob?: string },
): string {
  return `$ca_op='${op}'; $ca_target='${b64(fields.target)}'; $ca_user='${
    b64(fields.user ?? "")
  }'; $ca_blob='${fields.blob ?? ""}'; ` +
    `Invoke-Expression ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${ENCODED_SCRIPT}')))\n`;
}

/** Windows Credential Manager via PowerShell. */
export class WindowsKeychain extends SplitItemKeychain {
  readonly name = "windows";
  readonly #tool: BoundTool;
  protected readonly items: ItemStore;

  constructor(options: ShellKeychainOptions = {}) {
    super();
    this.#tool = bindTool(options, { command: "powershell.exe", timeoutMs: WINDOWS_TIMEOUT_MS });
    this.items = {
      readItem: (service, account) => this.#read(service, account),
      writeItem: (service, account, value) => this.#write(service, account, value),
      deleteItem: (service, account) => this.#delete(service, account),
      maxValueBytes: () => MAX_BLOB_BYTES,
    };
  }

  #run(stdin: string): Promise<RunCommandResult> {
    return this.#tool([...POWERSHELL_ARGS], stdin);
  }

  async #read(service: string, account: string): Promise<string | null> {
    const result = await this.#run(powershellInput("get", { target: `${service}:${account}` }));
    if (result.code === NOT_FOUND_EXIT && result.stdout.includes("clawauth:not-found")) {
      return null;
    }
    const match = /clawauth:found:([A-Za-z0-9+/=]*)/.exec(result.stdout);
    if (result.code !== 0 || !match) throw failure("read", result);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(decodeBase64(match[1]));
    } catch {
      throw new ClawauthError(
        "keychain_error",
        `credential ${service}:${account} does not hold UTF-8 text; remove it and log in again`,
      );
    }
  }

  async #write(service: string, account: string, value: string): Promise<void> {
    const result = await this.#run(powershellInput("set", {
      target: `${service}:${account}`,
      user: account,
      blob: encodeBase64(new TextEncoder().encode(value)),
    }));
    if (result.code !== 0 || !result.stdout.includes("clawauth:ok")) throw failure("write", result);
  }

  async #delete(service: string, account: string): Promise<void> {
    const result = await this.#run(powershellInput("delete", { target: `${service}:${account}` }));
    if (result.code !== 0 || !result.stdout.includes("clawauth:ok")) {
      throw failure("delete", result);
    }
  }
}

function failure(operation: string, result: RunCommandResult): ClawauthError {
  const reason = result.stderr.trim().split("\n")[0]?.trim() || `exit status ${result.code}`;
  return new ClawauthError(
    "keychain_error",
    `Windows Credential Manager ${operation} failed: ${reason}`,
    { details: { exitCode: result.code } },
  );
}
