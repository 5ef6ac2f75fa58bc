/**
 * Claim-then-store, shared by `login claim` and `login wait`.
 *
 * The claim is one-time: once the server hands the sealed token over, it is gone. So:
 * 1. prove storage works (CredentialStore.checkWritable) BEFORE claiming;
 * 2. claim with the session's signing key; open the blob with its box key;
 * 3. trust nothing the server sent: the provider sealed inside the blob must be the local
 *    session's (else `provider_mismatch`, nothing stored);
 * 4. never replace another account: when the profile holds an account with another stable id
 *    (the sealed identity, else the id_token's `sub`), the token is stored under a free
 *    profile name instead and the claim fails with `account_mismatch` naming both accounts
 *    and the fix (`--profile <name>` or `--replace`); the stored account stays untouched;
 * 5. store under the profile's lock; if storing fails anyway, write the decrypted token to a
 *    0600 recovery file and name it in the error;
 * 6. remove the session's key material (also when the server answered with an error).
 */
import { decodeBase64 } from "../../shared/base64.ts";
import { ClawauthError, ERROR_CODES, isClawauthError } from "../../shared/errors.ts";
import { openSealedJson } from "../../shared/seal.ts";
import type { CliContext, CommandResult } from "../context.ts";
import type { Keychain } from "../keychain/keychain.ts";
import { lockPathFor, withLock } from "../lock.ts";
import { maskTokenData } from "../output.ts";
import { createServerClient, type ServerClient } from "../server_client.ts";
import {
  accountFromTokenData,
  CredentialStore,
  secretFromTokenData,
} from "../store/credentials.ts";
import { writeRecoveryFile } from "../store/recovery.ts";
import {
  checkProfileAccount,
  type ClaimedIdentity,
  describeIdentity,
  parseSealedIdentity,
  type ProfileCheck,
} from "./claim_identity.ts";
import {
  loadSession,
  readClaimTombstone,
  removeSession,
  type SessionMaterial,
  type SessionStoreContext,
  writeClaimTombstone,
} from "../store/sessions_index.ts";

/** Time limit for taking the profile lock while storing a claimed token. */
const STORE_LOCK_TIMEOUT_MS = 60_000;

/** A login session ready to use: its index entry plus decoded keys. */
export interface LoadedSession {
  material: SessionMaterial;
  signSecretKey: Uint8Array;
  boxSecretKey: Uint8Array;
  /** Server the session lives on (the one it was started on). */
  serverUrl: string;
  store: SessionStoreContext;
}

/** Options of {@linkcode claimLoginSession}. */
export interface ClaimOptions {
  sessionId: string;
  /** Profile name to store under (default: the one given at `login start`, else `default`). */
  profile?: string;
  /** Show token values unmasked in the output. */
  reveal: boolean;
  /** `claim` (login claim) or `wait` (login wait): the `action` field of the output. */
  action?: "claim" | "wait";
  /** Store into the profile even when it holds another account. */
  replace?: boolean;
}

/** Loads a local login session's keys; `session_not_found` when this machine has none. */
export async function loadLoginSession(
  ctx: CliContext,
  sessionId: string,
  keychain?: Keychain,
  quiet = false,
): Promise<LoadedSession> {
  const store: SessionStoreContext = {
    keychain: keychain ?? await ctx.keychain(),
    sessionKeychainService: ctx.sessionKeychainService,
    stateDir: ctx.stateDir,
  };
  const material = await loadSession(store, sessionId);
  if (material === null) {
    const claimed = await readClaimTombstone(ctx.stateDir, sessionId);
    if (claimed !== null) {
      const [provider, name] = [
        claimed.provider,
        claimed.profile.slice(claimed.provider.length + 1),
      ];
      const fix = `clawauth token get ${provider}${name === "default" ? "" : ` --profile ${name}`}`;
      throw new ClawauthError(
        ERROR_CODES.ALREADY_CLAIMED,
        `login session ${sessionId} was already claimed on this machine (${claimed.claimedAt}), stored as ${claimed.profile}; use it: ${fix}`,
        {
          details: {
            sessionId,
            provider,
            profile: claimed.profile,
            claimedAt: claimed.claimedAt,
            fix,
            transient: false,
          },
        },
      );
    }
    throw new ClawauthError(
      ERROR_CODES.SESSION_NOT_FOUND,
      `no local login session ${sessionId} on this machine (state dir ${ctx.stateDir}, keychain service ${ctx.sessionKeychainService}); ` +
        "list local sessions with `clawauth sessions`, or start a new login with `clawauth login start <provider>`",
      { details: { sessionId } },
    );
  }
  let signSecretKey: Uint8Array;
  let boxSecretKey: Uint8Array;
  try {
    signSecretKey = decodeBase64(material.signSecretKey);
    boxSecretKey = decodeBase64(material.boxSecretKey);
  } catch {
    signSecretKey = new Uint8Array();
    boxSecretKey = new Uint8Array();
  }
  if (signSecretKey.length !== 64 || boxSecretKey.length !== 32) {
    throw new ClawauthError(
      ERROR_CODES.STORAGE_FAILED,
      `the key material of login session ${sessionId} is corrupt; remove it with \`clawauth session-rm ${sessionId}\` and start a new login`,
      { details: { sessionId } },
    );
  }
  if (material.server !== undefined && material.server !== ctx.serverUrl && !quiet) {
    ctx.stderr(
      `clawauth: notice: login session ${sessionId} lives on ${material.server} (the server it was started on), not on the configured ${ctx.serverUrl}; asking ${material.server}\n`,
    );
  }
  return {
    material,
    signSecretKey,
    boxSecretKey,
    serverUrl: material.server ?? ctx.serverUrl,
    store,
  };
}

/** A server client for a loaded session (its own server, the context's fetch and clock). */
export function clientFor(ctx: CliContext, session: LoadedSession): ServerClient {
  return createServerClient({ serverUrl: session.serverUrl, fetch: ctx.fetch, now: ctx.now });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function removeQuietly(ctx: CliContext, session: LoadedSession): Promise<void> {
  try {
    await removeSession(session.store, session.material.sessionId);
  } catch (error) {
    ctx.stderr(
      `clawauth: warning: could not remove the key material of session ${session.material.sessionId}: ${
        isClawauthError(error) ? error.message : String(error)
      }\n`,
    );
  }
}

async function recover(
  ctx: CliContext,
  input: { provider: string; profile: string; tokenData: unknown },
): Promise<{ path?: string; problem?: string }> {
  try {
    return { path: await writeRecoveryFile(ctx.stateDir, { ...input, now: ctx.now() }) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Claims a login session once and stores the token (see the module comment). Returns the
 * `login claim` result: `status` pending (exit 0), completed (exit 0) or error (exit 1).
 */
export async function claimLoginSession(
  ctx: CliContext,
  options: ClaimOptions,
  preloaded?: LoadedSession,
): Promise<CommandResult> {
  const action = options.action ?? "claim";
  const session = preloaded ?? await loadLoginSession(ctx, options.sessionId);
  const { material } = session;
  const sessionId = material.sessionId;
  const provider = material.provider;
  const profile = options.profile ?? material.profile ?? "default";
  const profileId = `${provider}:${profile}`;
  const credentials = new CredentialStore({
    keychain: session.store.keychain,
    stateDir: ctx.stateDir,
    keychainService: ctx.keychainService,
    now: ctx.now,
  });
  const base = {
    action,
    sessionId,
    provider,
    profile: profileId,
    keychainService: ctx.keychainService,
    keychainAccount: profileId,
  };

  try {
    await credentials.checkWritable();
  } catch (error) {
    const why = isClawauthError(error) ? error.message : String(error);
    throw new ClawauthError(
      isClawauthError(error) ? error.code : ERROR_CODES.STORAGE_FAILED,
      `cannot store tokens on this machine, so the one-time claim was NOT made (session ${sessionId} can still be claimed once storage works): ${why}`,
      { cause: error, details: { sessionId } },
    );
  }

  const answer = await clientFor(ctx, session).claim(sessionId, session.signSecretKey);

  if (answer.status === "pending") {
    return {
      data: {
        ...base,
        status: "pending",
        tokenData: null,
        storedInKeychain: false,
        error: null,
      },
      human: `Status: pending (${provider}): the user has not finished yet.\n` +
        `Check again later: clawauth login status ${sessionId}`,
    };
  }

  if (answer.status === "error") {
    // The server deleted the failed session; its keys are useless now.
    await removeQuietly(ctx, session);
    const fix = `clawauth login start ${provider}${
      profile === "default" ? "" : ` --profile ${profile}`
    }`;
    throw new ClawauthError(
      ERROR_CODES.SESSION_FAILED,
      `the ${provider} login of session ${sessionId} failed: ${answer.error}; nothing was stored. Start a new login: ${fix}`,
      {
        details: {
          sessionId,
          provider,
          profile: profileId,
          status: "error",
          reason: answer.error,
          storedInKeychain: false,
          fix,
          transient: false,
          envelope: { status: "error", provider, storedInKeychain: false },
        },
      },
    );
  }

  // From here on the server has forgotten the session: the token exists only in memory.
  let payload: unknown;
  try {
    payload = openSealedJson(answer.blob, session.boxSecretKey);
  } catch (error) {
    await removeQuietly(ctx, session);
    throw new ClawauthError(
      ERROR_CODES.DECRYPT_FAILED,
      `the claimed token could not be decrypted with this session's key (${
        isClawauthError(error) ? error.message : String(error)
      }); nothing was stored; start a new login: clawauth login start ${provider}`,
      { cause: error, details: { sessionId } },
    );
  }
  if (!isRecord(payload) || !isRecord(payload.tokenData)) {
    await removeQuietly(ctx, session);
    throw new ClawauthError(
      ERROR_CODES.SERVER_ERROR,
      `the claimed blob of session ${sessionId} holds no token response; nothing was stored; start a new login: clawauth login start ${provider}`,
      { details: { sessionId } },
    );
  }
  const tokenData = payload.tokenData;
  const sealedProvider = typeof payload.provider === "string" ? payload.provider : "";

  if (sealedProvider !== provider || (answer.provider !== "" && answer.provider !== provider)) {
    const saved = await recover(ctx, {
      provider: sealedProvider || "unknown",
      profile,
      tokenData,
    });
    await removeQuietly(ctx, session);
    throw new ClawauthError(
      ERROR_CODES.PROVIDER_MISMATCH,
      `session ${sessionId} was started for ${provider}, but the server returned a token for ${
        JSON.stringify(sealedProvider || answer.provider)
      }; it was NOT stored. ` +
        (saved.path
          ? `The token was written to the recovery file ${saved.path} (mode 0600): inspect it, then delete it.`
          : `Writing a recovery file failed too (${saved.problem}).`),
      {
        details: {
          sessionId,
          expectedProvider: provider,
          receivedProvider: sealedProvider,
          ...(saved.path ? { recoveryFile: saved.path } : {}),
        },
      },
    );
  }

  const now = ctx.now();
  const account = accountFromTokenData(tokenData);
  const identity: ClaimedIdentity | undefined = parseSealedIdentity(payload.identity);
  const receivedId = identity?.id ?? account?.id;
  let storedAccount: Record<string, unknown> | undefined;
  let check: ProfileCheck = {};
  let targetId = profileId;
  try {
    check = await checkProfileAccount(ctx.stateDir, {
      provider,
      profile,
      receivedId,
      receivedLabel: identity?.login ?? identity?.email ?? account?.email,
      replace: options.replace === true,
    });
    if (check.conflict) targetId = `${provider}:${check.conflict.storedAs}`;
    await withLock(lockPathFor(ctx.stateDir, targetId), async () => {
      const before = (await credentials.list(provider)).find((m) => m.id === targetId);
      const record = await credentials.save({
        id: targetId,
        type: "oauth",
        origin: "delegated",
        server: session.serverUrl,
        account,
        identity: identity ?? null,
        secret: secretFromTokenData(provider, tokenData, now),
      });
      storedAccount = record.meta.account;
      const moved = before?.keychainBackend;
      if (moved !== undefined && moved !== record.meta.keychainBackend) {
        ctx.stderr(
          `clawauth: notice: ${targetId} was stored in the ${moved} keychain, which this run cannot reach; the new token is stored in the ${record.meta.keychainBackend} keychain and ${targetId} is read from there from now on\n`,
        );
      }
    }, { timeoutMs: STORE_LOCK_TIMEOUT_MS, now: ctx.now });
  } catch (error) {
    const saved = await recover(ctx, { provider, profile, tokenData });
    await removeQuietly(ctx, session);
    const why = isClawauthError(error) ? error.message : String(error);
    throw new ClawauthError(
      ERROR_CODES.STORAGE_FAILED,
      `the token was claimed but could not be stored (${why}). ` +
        (saved.path
          ? `It was written to the recovery file ${saved.path} (mode 0600); once storage works, store it again (e.g. \`clawauth token paste ${provider}\` with its access_token) and delete the file.`
          : `Writing a recovery file failed too (${saved.problem}); the token is lost: start a new login with \`clawauth login start ${provider}\`.`),
      {
        cause: error,
        details: { sessionId, ...(saved.path ? { recoveryFile: saved.path } : {}) },
      },
    );
  }
  try {
    await writeClaimTombstone(ctx.stateDir, {
      sessionId,
      provider,
      profile: targetId,
      claimedAt: new Date(now).toISOString(),
    }, now);
  } catch {
    // Only a second claim's message depends on it.
  }
  await removeQuietly(ctx, session);

  if (check.conflict) {
    const held = check.conflict.meta.identity ?? check.conflict.meta.account ?? {};
    const heldText = describeIdentity(held);
    const receivedText = describeIdentity(identity ?? account ?? { id: receivedId });
    const storedAs = check.conflict.storedAs;
    throw new ClawauthError(
      ERROR_CODES.ACCOUNT_MISMATCH,
      `profile ${profileId} holds the ${provider} account ${heldText}, but this login is for ` +
        `${receivedText}: ${profileId} was NOT changed. The new account was stored as ` +
        `${provider}:${storedAs} (use it with \`clawauth token get ${provider} --profile ${storedAs}\`). ` +
        `Next time, pick the profile at claim time (\`clawauth login claim <sessionId> --profile <name>\`) ` +
        `or replace the stored account on purpose (\`clawauth login claim <sessionId> --replace\`).`,
      {
        details: {
          sessionId,
          profile: profileId,
          storedAs: `${provider}:${storedAs}`,
          fix: `clawauth token get ${provider} --profile ${storedAs}`,
          storedAccount: held,
          receivedAccount: identity ?? account ?? { id: receivedId },
        },
      },
    );
  }

  const shown = options.reveal ? tokenData : maskTokenData(tokenData) as Record<string, unknown>;
  const hasRefresh = typeof tokenData.refresh_token === "string" ||
    (isRecord(tokenData.authed_user) && typeof tokenData.authed_user.refresh_token === "string");
  const data: Record<string, unknown> = {
    ...base,
    status: "completed",
    tokenData: shown,
    storedInKeychain: true,
    identity: identity ?? null,
    error: null,
  };
  // `profile` names where it is stored; `identity` who the account is (never an `account`
  // object): the server's sealed identity, else what the token response tells.
  if (data.identity === null && storedAccount) data.identity = storedAccount;
  const human = [
    `Status: completed (${provider})`,
    ...(identity !== undefined ? [`Account: ${describeIdentity(identity)}`] : []),
    `Token stored in the ${session.store.keychain.name} keychain: service ${ctx.keychainService}, account ${profileId}` +
    (hasRefresh ? "" : " (no refresh token: a new login is needed when it expires)"),
    `Use it: clawauth token get ${provider}${profile === "default" ? "" : ` --profile ${profile}`}`,
    options.reveal ? `Token response:\n${JSON.stringify(tokenData, null, 2)}` : "",
  ].filter((line) => line !== "").join("\n");
  return { data, human };
}
