/**
 * Reads the Codex CLI's `auth.json` for `clawauth token import codex`. Format and path are the
 * Codex CLI's own (`openai/codex`, Rust), checked in its source:
 *
 * - `$CODEX_HOME/auth.json`, `CODEX_HOME` defaulting to `~/.codex`
 *   (`codex-rs/login/src/auth/storage.rs` `get_auth_file` = `codex_home.join("auth.json")`).
 * - `AuthDotJson` (storage.rs): `{ auth_mode?, "OPENAI_API_KEY": string | null,
 *   tokens?: TokenData, last_refresh?: RFC 3339, agent_identity?, personal_access_token? }`.
 * - `TokenData` (`codex-rs/login/src/token_data.rs`): `{ id_token: <JWT string>, access_token:
 *   <JWT>, refresh_token, account_id: string | null }`; the id token's
 *   `https://api.openai.com/auth` claim carries `chatgpt_account_id` (and `email` at the top
 *   level or in `https://api.openai.com/profile`); the access token's `exp` is its expiry
 *   (`parse_jwt_expiration`).
 *
 * `tokens` becomes an `openai-codex` OAuth profile refreshed at OpenAI with the Codex CLI's
 * public client (providers/local_clients.ts); `OPENAI_API_KEY` becomes an `openai` API key.
 * When the Codex CLI keeps its login in the OS keyring (`cli_auth_credentials_store = "keyring"`)
 * there is no `auth.json` to read.
 */

import {
  type ImportSource,
  jwtClaims,
  mapProfileId,
  oauthCandidateFields,
  obj,
  readSourceJson,
  str,
} from "./import_types.ts";

/** `--codex-home` > `$CODEX_HOME` > `~/.codex`. */
export function codexHome(env: Record<string, string | undefined>, flag?: string): string {
  if (flag) return flag;
  if (env.CODEX_HOME) return env.CODEX_HOME;
  return `${env.HOME ?? env.USERPROFILE ?? "."}/.codex`;
}

/** Reads `<codexHome>/auth.json`; the profiles are named `name` (default `default`). */
export async function readCodex(
  options: { codexHome: string; name: string },
): Promise<ImportSource> {
  const path = `${options.codexHome}/auth.json`;
  const out: ImportSource = { files: [], missing: [], candidates: [], problems: [], orders: [] };
  const read = await readSourceJson(path);
  if (!read.ok) {
    if (read.missing) out.missing.push(path);
    else out.problems.push({ source: path, sourceKey: "", reason: `the file ${read.reason}` });
    return out;
  }
  const auth = obj(read.value);
  if (!auth) {
    out.problems.push({ source: path, sourceKey: "", reason: "the file is not a JSON object" });
    return out;
  }
  out.files.push(path);

  const tokens = obj(auth.tokens);
  if (tokens) {
    const id = mapProfileId("openai-codex", options.name);
    const access = str(tokens.access_token);
    const refresh = str(tokens.refresh_token);
    const idToken = str(tokens.id_token);
    if (!id) {
      out.problems.push({ source: path, sourceKey: "tokens", reason: "invalid profile name" });
    } else if (!access && !refresh) {
      out.problems.push({
        source: path,
        sourceKey: "tokens",
        reason: "tokens without access_token or refresh_token",
      });
    } else {
      const idClaims = jwtClaims(idToken);
      const auth = (claims: Record<string, unknown> | undefined) =>
        obj(claims?.["https://api.openai.com/auth"]);
      const accountId = str(tokens.account_id) ?? str(auth(idClaims)?.chatgpt_account_id) ??
        str(auth(jwtClaims(access))?.chatgpt_account_id);
      const email = str(idClaims?.email) ??
        str(obj(idClaims?.["https://api.openai.com/profile"])?.email);
      const exp = jwtClaims(access)?.exp;
      const expiresAt = typeof exp === "number" && exp > 0 ? exp * 1000 : undefined;
      out.candidates.push({
        source: path,
        sourceKey: "tokens",
        ...id,
        ...oauthCandidateFields({ accountId, email, access, refresh, idToken, expiresAt }),
      });
    }
  }

  const apiKey = str(auth.OPENAI_API_KEY);
  if (apiKey) {
    const id = mapProfileId("openai", options.name);
    if (id) {
      out.candidates.push({
        source: path,
        sourceKey: "OPENAI_API_KEY",
        ...id,
        type: "api_key",
        origin: "pasted",
        secret: { key: apiKey, access_token: apiKey },
      });
    }
  }

  if (out.candidates.length === 0 && !tokens) {
    out.problems.push({
      source: path,
      sourceKey: "",
      reason: auth.agent_identity !== undefined || auth.personal_access_token !== undefined
        ? "only an agent identity or personal access token, which clawauth does not import"
        : "no ChatGPT tokens and no OPENAI_API_KEY in it",
      fix: "log in with: clawauth login local openai-codex",
    });
  }
  return out;
}
