/**
 * Reads OpenClaw's credential files for `clawauth token import openclaw`. Formats and paths
 * are OpenClaw's own (`openclaw/openclaw`), checked in its source:
 *
 * - `<stateDir>/agents/<agentId>/agent/auth-profiles.json`, the current format
 *   (`src/agents/auth-profiles/persisted.ts` `coercePersistedAuthProfileStore`, `paths.ts`
 *   `resolveAuthStorePath`): `{ version, profiles: { "<provider>:<profileId>": credential },
 *   order?: { <provider>: [profileId…] }, lastGood?: { <provider>: profileId }, usageStats? }`.
 *   A credential (`credential-schema.ts` `inlineAuthProfileCredentialSchema`) is one of
 *   `{type:"api_key", provider, key, email?}`, `{type:"token", provider, token, expires?, email?}`,
 *   `{type:"oauth", provider, access, refresh, expires, email?, accountId?, idToken?, …}`;
 *   older entries say `mode` for `type`, `apiKey` for `api_key`/`key`, and may hold secret
 *   references (`keyRef`, `tokenRef`, or an object in `key`/`token`) instead of a secret.
 * - the legacy flat format (`legacy-flat-credential.ts` `coerceLegacyAuthStore`): the same
 *   credentials keyed by provider with no `profiles` wrapper, imported as `<provider>:default`
 *   (`applyLegacyAuthStore`); found in an old `auth-profiles.json` or the agent's `auth.json`.
 * - `<OPENCLAW_OAUTH_DIR or stateDir/credentials>/oauth.json`, legacy and import-only
 *   (`persisted.ts` `mergeOAuthFileIntoStore`, `src/config/paths.ts` `resolveOAuthPath`):
 *   `{ <provider>: { access, refresh, expires, email?, accountId?, … } }` → `<provider>:default`
 *   unless that profile already exists.
 * - `stateDir` is `$OPENCLAW_STATE_DIR` or `~/.openclaw` (the seeds: "all of the above also
 *   respect $OPENCLAW_STATE_DIR"); the default agent id is `main` (`src/routing/session-key.ts`
 *   `DEFAULT_AGENT_ID`).
 */

import {
  type ImportCandidate,
  type ImportSource,
  jwtClaims,
  mapProfileId,
  oauthCandidateFields,
  obj,
  readSourceJson,
  str,
} from "./import_types.ts";

/** OpenClaw's default agent (`DEFAULT_AGENT_ID`). */
export const OPENCLAW_DEFAULT_AGENT = "main";

/** Where OpenClaw keeps its state: `--state-dir` > `$OPENCLAW_STATE_DIR` > `~/.openclaw`. */
export function openclawStateDir(
  env: Record<string, string | undefined>,
  flag?: string,
): string {
  if (flag) return flag;
  if (env.OPENCLAW_STATE_DIR) return env.OPENCLAW_STATE_DIR;
  return `${env.HOME ?? env.USERPROFILE ?? "."}/.openclaw`;
}

/** The files {@linkcode readOpenclaw} reads, in order. */
export function openclawPaths(
  stateDir: string,
  agent: string,
  env: Record<string, string | undefined>,
): { authProfiles: string; legacyAuth: string; oauth: string } {
  const agentDir = `${stateDir}/agents/${agent}/agent`;
  const oauthDir = env.OPENCLAW_OAUTH_DIR || `${stateDir}/credentials`;
  return {
    authProfiles: `${agentDir}/auth-profiles.json`,
    legacyAuth: `${agentDir}/auth.json`,
    oauth: `${oauthDir}/oauth.json`,
  };
}

function credentialType(entry: Record<string, unknown>): string | undefined {
  const raw = str(entry.type) ?? str(entry.mode);
  if (raw === "apiKey") return "api_key";
  if (raw) return raw;
  if (str(entry.key) ?? str(entry.apiKey)) return "api_key";
  if (str(entry.token)) return "token";
  if (str(entry.access) && str(entry.refresh)) return "oauth";
  return undefined;
}

function expiry(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

function openAiAccount(access: string | undefined): string | undefined {
  return str(obj(jwtClaims(access)?.["https://api.openai.com/auth"])?.chatgpt_account_id);
}

/** Turns one OpenClaw credential into a candidate, or a reason it cannot be imported. */
export function candidateFromCredential(
  raw: unknown,
  at: { source: string; sourceKey: string; provider: string; name: string; prefix?: string },
): ImportCandidate | { reason: string; fix?: string } {
  const entry = obj(raw);
  if (!entry) return { reason: "not a credential object" };
  const type = credentialType(entry);
  const provider = str(entry.provider) ?? at.provider;
  const id = mapProfileId(provider, at.name, at.prefix);
  if (id === null) {
    return {
      reason: `no valid clawauth profile id for ${JSON.stringify(`${provider}:${at.name}`)}`,
    };
  }
  const email = str(entry.email);
  const base = { source: at.source, sourceKey: at.sourceKey, ...id };
  const refFix =
    `store the secret yourself: clawauth token paste ${id.provider} --profile ${id.name}`;
  if (type === "api_key") {
    if (entry.keyRef !== undefined || (entry.key !== undefined && typeof entry.key !== "string")) {
      return {
        reason: "the API key is a secret reference (keyRef), not a stored secret",
        fix: refFix,
      };
    }
    const key = str(entry.key) ?? str(entry.apiKey);
    if (!key) return { reason: "api_key credential without a key" };
    return {
      ...base,
      type: "api_key",
      origin: "pasted",
      ...(email ? { account: { email } } : {}),
      secret: { key, access_token: key },
    };
  }
  if (type === "token") {
    if (
      entry.tokenRef !== undefined || (entry.token !== undefined && typeof entry.token !== "string")
    ) {
      return {
        reason: "the token is a secret reference (tokenRef), not a stored secret",
        fix: refFix,
      };
    }
    const token = str(entry.token);
    if (!token) return { reason: "token credential without a token" };
    const expiresAt = expiry(entry.expires);
    return {
      ...base,
      type: "token",
      origin: "pasted",
      ...(email ? { account: { email } } : {}),
      secret: {
        access_token: token,
        key: token,
        token_type: "Bearer",
        ...(expiresAt ? { expires_at: expiresAt } : {}),
      },
    };
  }
  if (type === "oauth") {
    const access = str(entry.access);
    const refresh = str(entry.refresh);
    if (!access && !refresh) return { reason: "oauth credential without access or refresh token" };
    const accountId = str(entry.accountId) ?? openAiAccount(access);
    const expiresAt = expiry(entry.expires);
    const idToken = str(entry.idToken);
    return {
      ...base,
      ...oauthCandidateFields({ accountId, email, access, refresh, idToken, expiresAt }),
    };
  }
  return { reason: `unknown credential type ${JSON.stringify(String(type ?? "")).slice(0, 40)}` };
}

function splitProfileKey(key: string): { provider: string; name: string } {
  const at = key.indexOf(":");
  return at === -1
    ? { provider: key, name: "default" }
    : { provider: key.slice(0, at), name: key.slice(at + 1) };
}

/** Reads OpenClaw's files for one agent; absent files are listed in `missing`. */
export async function readOpenclaw(options: {
  stateDir: string;
  agent: string;
  env: Record<string, string | undefined>;
  prefix?: string;
}): Promise<ImportSource> {
  const paths = openclawPaths(options.stateDir, options.agent, options.env);
  const out: ImportSource = { files: [], missing: [], candidates: [], problems: [], orders: [] };
  const taken = new Set<string>();
  const add = (
    raw: unknown,
    at: { source: string; sourceKey: string; provider: string; name: string },
    onlyIfNew: boolean,
  ) => {
    const result = candidateFromCredential(raw, { ...at, prefix: options.prefix });
    if ("reason" in result) {
      out.problems.push({ source: at.source, sourceKey: at.sourceKey, ...result });
      return;
    }
    const id = `${result.provider}:${result.name}`;
    if (taken.has(id)) {
      out.problems.push({
        source: at.source,
        sourceKey: at.sourceKey,
        reason: onlyIfNew
          ? `legacy entry not used: ${id} comes from a newer file (as OpenClaw does)`
          : `maps to ${id}, which another entry already uses`,
      });
      return;
    }
    taken.add(id);
    out.candidates.push(result);
  };
  const readFlat = (source: string, record: Record<string, unknown>) => {
    for (const [provider, raw] of Object.entries(record)) {
      add(raw, { source, sourceKey: provider, provider, name: "default" }, true);
    }
  };

  for (
    const [path, kind] of [
      [paths.authProfiles, "profiles"],
      [paths.legacyAuth, "flat"],
      [paths.oauth, "oauth"],
    ] as const
  ) {
    const read = await readSourceJson(path);
    if (!read.ok) {
      if (read.missing) out.missing.push(path);
      else out.problems.push({ source: path, sourceKey: "", reason: `the file ${read.reason}` });
      continue;
    }
    const record = obj(read.value);
    if (!record) {
      out.problems.push({ source: path, sourceKey: "", reason: "the file is not a JSON object" });
      continue;
    }
    out.files.push(path);
    if (kind === "oauth") {
      for (const [provider, raw] of Object.entries(record)) {
        const creds = obj(raw);
        add(
          creds ? { ...creds, type: "oauth", provider } : raw,
          { source: path, sourceKey: provider, provider, name: "default" },
          true,
        );
      }
      continue;
    }
    const profiles = obj(record.profiles);
    if (!profiles) {
      readFlat(path, record);
      continue;
    }
    for (const [key, raw] of Object.entries(profiles)) {
      add(raw, { source: path, sourceKey: key, ...splitProfileKey(key) }, false);
    }
    for (const [provider, list] of Object.entries(obj(record.order) ?? {})) {
      if (!Array.isArray(list)) continue;
      const ids = list.filter((item): item is string => typeof item === "string")
        .map((key) => {
          const parts = splitProfileKey(key.includes(":") ? key : `${provider}:${key}`);
          const id = mapProfileId(parts.provider, parts.name, options.prefix);
          return id ? `${id.provider}:${id.name}` : undefined;
        })
        .filter((id): id is string => id !== undefined);
      const mapped = mapProfileId(provider, "default");
      if (mapped && ids.length > 0) {
        out.orders.push({ source: path, provider: mapped.provider, ids: [...new Set(ids)] });
      }
    }
  }
  return out;
}
