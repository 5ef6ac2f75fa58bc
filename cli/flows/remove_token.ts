/**
 * `token rm` (and the MCP tool `revoke_access`): revoke a profile's token at the provider,
 * then forget it locally.
 *
 * Revocation by origin: delegated tokens through the server's signed, bound `POST /revoke`
 * (the server holds the client secret); `login local` tokens directly at the provider with
 * the saved public-client definition (providers/revoke.ts); pasted tokens are not revoked
 * (clawauth does not know where they were issued). `keepRemote` skips revocation.
 *
 * When revocation fails for a reason that may pass (network, server or provider down, rate
 * limit), the local record is KEPT unless `force`: it holds the only means to revoke later
 * (the refresh token and, for delegated tokens, the key the server checks), and removing it
 * would leave a live grant nobody can reach. A permanent refusal (the provider offers no
 * revocation, the server refuses an unbound token) removes the record and says so.
 */
import { type RevokeResult, revokeToken } from "../../providers/revoke.ts";
import { ClawauthError, ERROR_CODES, isClawauthError } from "../../shared/errors.ts";
import type { CliContext } from "../context.ts";
import { lockPathFor, withLock } from "../lock.ts";
import { CredentialStore } from "../store/credentials.ts";
import { listProfileMeta, readProfileMeta } from "../store/profiles.ts";
import type { CredentialRecord } from "../store/types.ts";
import { revokeThroughServer } from "./delegated_refresh.ts";
import { readLocalClient, removeLocalClient } from "./local_client.ts";

/** What to remove and how. */
export interface RemoveTokenOptions {
  /** The profile id, `provider:name`. */
  profileId: string;
  /** Do not revoke at the provider; only forget locally. */
  keepRemote?: boolean;
  /** Remove locally even when revocation failed for a reason that may pass. */
  force?: boolean;
}

/**
 * Outcome of the revocation: `revoked`; `skipped` (keepRemote); `unsupported` (the provider
 * offers none); `not_applicable` (pasted token, nothing stored to revoke with); `failed`.
 */
export type RevocationOutcome = "revoked" | "skipped" | "unsupported" | "not_applicable" | "failed";

/** What {@linkcode removeToken} did. */
export interface RemoveTokenResult {
  profile: string;
  provider: string;
  removed: true;
  revoked: boolean;
  revocation: RevocationOutcome;
  /** Human explanation of the revocation outcome (never a token). */
  revocationMessage: string;
}

interface Attempt {
  outcome: RevocationOutcome;
  message: string;
  transient?: boolean;
}

function retryHint(id: string): string {
  const [provider, name] = [id.slice(0, id.indexOf(":")), id.slice(id.indexOf(":") + 1)];
  return `clawauth token rm ${provider}${name === "default" ? "" : ` --profile ${name}`}`;
}

function fromRevokeResult(result: RevokeResult, what: string): Attempt {
  if (result.ok) return { outcome: "revoked", message: `revoked ${what} at the provider` };
  if (result.error === "unsupported") {
    return {
      outcome: "unsupported",
      message:
        `not revoked: ${result.description}; remove the app's access in your account settings there`,
    };
  }
  return {
    outcome: "failed",
    message: `the provider did not revoke ${what}: ${result.description}`,
    transient: result.transient,
  };
}

async function revokeRemote(ctx: CliContext, record: CredentialRecord): Promise<Attempt> {
  const { meta, secret } = record;
  if (meta.origin === "pasted" || meta.type !== "oauth") {
    return {
      outcome: "not_applicable",
      message:
        "not revoked: a pasted token or API key is revoked where it was issued (clawauth does not know where)",
    };
  }
  if (meta.origin === "local") {
    const client = await readLocalClient(ctx.stateDir, meta.id);
    if (client === null) {
      return {
        outcome: "failed",
        message:
          "not revoked: the public-client definition saved by login local is missing, so the revocation endpoint is unknown",
      };
    }
    const result = await revokeToken({
      spec: client.spec,
      settings: client.settings,
      ...(secret.access_token !== undefined ? { accessToken: secret.access_token } : {}),
      ...(secret.refresh_token !== undefined ? { refreshToken: secret.refresh_token } : {}),
      fetch: ctx.fetch,
    });
    return fromRevokeResult(result, "the token");
  }
  if (!secret.refresh_token) {
    return {
      outcome: "failed",
      message:
        "not revoked: this delegated token has no refresh token, so the server cannot check it is yours; remove the app's access in your account settings at the provider",
    };
  }
  try {
    const answer = await revokeThroughServer(ctx, record);
    if (answer.revoked) {
      return { outcome: "revoked", message: "revoked the grant at the provider (via the server)" };
    }
    return {
      outcome: "unsupported",
      message: `not revoked: ${
        answer.message ?? "the provider offers no token revocation"
      }; remove the app's access in your account settings there`,
    };
  } catch (error) {
    if (!isClawauthError(error)) throw error;
    const transient = error.details?.transient === true ||
      error.code === ERROR_CODES.SERVER_UNREACHABLE || error.code === ERROR_CODES.RATE_LIMITED;
    const hint = error.code === ERROR_CODES.UNBOUND_REFRESH_REFUSED
      ? " (this credential was claimed before refresh binding; the server will not act on it)"
      : error.code === ERROR_CODES.NOT_FOUND
      ? " (this server predates /revoke); remove the app's access in your account settings at the provider"
      : "";
    return {
      outcome: "failed",
      message: `not revoked: ${error.message}${hint}`,
      transient,
    };
  }
}

/** Revokes (unless told not to) and removes a stored profile; see the module comment. */
export async function removeToken(
  ctx: CliContext,
  options: RemoveTokenOptions,
): Promise<RemoveTokenResult> {
  const id = options.profileId;
  const provider = id.slice(0, id.indexOf(":"));
  const store = new CredentialStore({
    keychain: await ctx.keychain(),
    stateDir: ctx.stateDir,
    keychainService: ctx.keychainService,
    now: ctx.now,
  });
  const result = await withLock(lockPathFor(ctx.stateDir, id), async () => {
    const meta = await readProfileMeta(ctx.stateDir, id);
    const record = await store.load(id);
    if (meta === null && record === null) return null;
    let attempt: Attempt;
    if (options.keepRemote) {
      attempt = {
        outcome: "skipped",
        message: "not revoked (--keep-remote): the token stays valid at the provider",
      };
    } else if (record === null) {
      attempt = { outcome: "not_applicable", message: "not revoked: no secret was stored" };
    } else {
      attempt = await revokeRemote(ctx, record);
    }
    if (attempt.outcome === "failed" && attempt.transient && !options.force) {
      throw new ClawauthError(
        ERROR_CODES.REVOKE_FAILED,
        `${attempt.message}. ${id} was KEPT so it can still be revoked: retry with \`${
          retryHint(id)
        }\`, or forget it locally anyway with \`${
          retryHint(id)
        } --force\` (the token then stays valid at the provider)`,
        { details: { profile: id, transient: true, removed: false, fix: retryHint(id) } },
      );
    }
    await store.remove(id);
    await removeLocalClient(ctx.stateDir, id);
    return attempt;
  }, { now: ctx.now });
  if (result === null) {
    const others = (await listProfileMeta(ctx.stateDir, provider)).map((m) => m.id);
    const hint = others.length > 0
      ? `; stored profiles of ${provider}: ${others.join(", ")} (name one with --profile)`
      : "";
    throw new ClawauthError(ERROR_CODES.TOKEN_NOT_FOUND, `nothing stored for ${id}${hint}`, {
      details: { profile: id },
    });
  }
  return {
    profile: id,
    provider,
    removed: true,
    revoked: result.outcome === "revoked",
    revocation: result.outcome,
    revocationMessage: result.message,
  };
}
