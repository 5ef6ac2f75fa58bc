/**
 * Built-in public clients for `clawauth login local`: providers whose own command-line tools
 * log in with a public OAuth client (no secret) and PKCE from the user's machine, so clawauth
 * can do the same without any operator configuration.
 *
 * Today one entry: `openai-codex`, the ChatGPT (Codex) login the credential-store documents
 * describe (seeds 001–003, "OpenAI Codex (ChatGPT OAuth)"). Every value below was checked
 * against the open-source Codex CLI, `openai/codex` (Rust, `codex-rs/login/`):
 *
 * - client id `app_EMoamEEZ73f0CkXaXp7hrann`: `codex-rs/login/src/auth/manager.rs`,
 *   `pub const CLIENT_ID: &str = "app_EMoamEEZ73f0CkXaXp7hrann";` (the same id the refresh
 *   grant sends).
 * - issuer `https://auth.openai.com`, authorize `{issuer}/oauth/authorize`, token
 *   `{issuer}/oauth/token`: `codex-rs/login/src/server.rs`, `const DEFAULT_ISSUER` and
 *   `build_authorize_url` / `exchange_code_for_tokens`; refresh at
 *   `const REFRESH_TOKEN_URL: &str = "https://auth.openai.com/oauth/token"` (manager.rs).
 * - redirect `http://localhost:1455/auth/callback`: server.rs `const DEFAULT_PORT: u16 = 1455`,
 *   `format!("http://localhost:{actual_port}/auth/callback")`, listener bound on
 *   `127.0.0.1:{port}` (`bind_server`). (The Codex CLI falls back to a second registered port,
 *   1457, when 1455 is busy; clawauth falls back to pasting the redirect URL instead.)
 * - PKCE S256 with a 64-byte verifier, `state` of 32 random bytes: `codex-rs/login/src/pkce.rs`,
 *   server.rs `generate_state`.
 * - extra authorize parameters, in `build_authorize_url`: `id_token_add_organizations=true`,
 *   `codex_cli_simplified_flow=true`, `originator=<originator>` where the originator defaults to
 *   `codex_cli_rs` (`codex-rs/login/src/auth/default_client.rs`,
 *   `pub const DEFAULT_ORIGINATOR: &str = "codex_cli_rs"`).
 * - scopes: the documents and maintained clients (OpenClaw's `@mariozechner/pi-ai`, most
 *   third-party ports) ask for `openid profile email offline_access`; the current Codex CLI
 *   adds `api.connectors.read api.connectors.invoke` for its connectors feature. clawauth asks
 *   for the four standard scopes (`--scope` asks for more).
 * - account id: `https://api.openai.com/auth` → `chatgpt_account_id` in the token's JWT claims
 *   (token_data.rs `AuthClaims`, server.rs `jwt_auth_claims`); the Codex CLI reads it from the
 *   id_token, OpenClaw from the access token: cli/store/credentials.ts reads either.
 *
 * Every endpoint can be moved by the environment with the usual `<PREFIX>_…` names
 * (providers/settings.ts), prefix `OPENAI_CODEX`: `OPENAI_CODEX_AUTH_URL`,
 * `OPENAI_CODEX_TOKEN_URL`, `OPENAI_CODEX_REFRESH_URL`, `OPENAI_CODEX_REDIRECT_URI`,
 * `OPENAI_CODEX_CLIENT_ID`, plus `OPENAI_CODEX_REDIRECT_PORT` (see {@linkcode redirectPortEnvName}).
 */

import type { ProviderSettings, ProviderSpec } from "./types.ts";

/** A built-in public client: its spec plus the settings a provider config would carry. */
export interface LocalClientEntry {
  spec: ProviderSpec;
  /** Defaults the environment may override (`<PREFIX>_CLIENT_ID`, `<PREFIX>_REDIRECT_URI`, …). */
  defaults: Pick<ProviderSettings, "clientId" | "redirectUri">;
}

/** The Codex CLI's public client id (`codex-rs/login/src/auth/manager.rs` `CLIENT_ID`). */
export const OPENAI_CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

/** The redirect URI registered for that client (`codex-rs/login/src/server.rs`). */
export const OPENAI_CODEX_REDIRECT_URI = "http://localhost:1455/auth/callback";

/** The JWT claim that holds the ChatGPT account (`codex-rs/login/src/token_data.rs`). */
export const OPENAI_AUTH_CLAIM = "https://api.openai.com/auth";

const OPENAI_CODEX: LocalClientEntry = {
  spec: {
    name: "openai-codex",
    displayName: "OpenAI Codex (ChatGPT)",
    authorizeUrl: "https://auth.openai.com/oauth/authorize",
    tokenUrl: "https://auth.openai.com/oauth/token",
    clientAuth: "none",
    pkce: "required",
    scopeSeparator: " ",
    defaultScopes: ["openid", "profile", "email", "offline_access"],
    authorizeParams: {
      id_token_add_organizations: "true",
      codex_cli_simplified_flow: "true",
      originator: "codex_cli_rs",
    },
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      rotates: true,
      note: "refresh grant with client_id at the token endpoint (codex-rs manager.rs)",
    },
    registerUrl: "https://github.com/openai/codex",
    docs: [
      "https://github.com/openai/codex/blob/main/codex-rs/login/src/server.rs",
      "https://github.com/openai/codex/blob/main/codex-rs/login/src/auth/manager.rs",
      "https://github.com/openai/codex/blob/main/codex-rs/login/src/token_data.rs",
    ],
    issuer: "https://auth.openai.com",
    notes:
      "ChatGPT subscription login of the Codex CLI; the account id is the access token's https://api.openai.com/auth chatgpt_account_id claim",
    source: "builtin",
  },
  defaults: { clientId: OPENAI_CODEX_CLIENT_ID, redirectUri: OPENAI_CODEX_REDIRECT_URI },
};

/** Every built-in public client, by name. */
export const LOCAL_CLIENTS: Readonly<Record<string, LocalClientEntry>> = Object.freeze({
  "openai-codex": OPENAI_CODEX,
});

/** The built-in public client named `name`, or `undefined`. */
export function localClientEntry(name: string): LocalClientEntry | undefined {
  return Object.hasOwn(LOCAL_CLIENTS, name) ? LOCAL_CLIENTS[name] : undefined;
}

/** `<PREFIX>_REDIRECT_PORT`: moves only the port of the redirect URI (tests, busy ports). */
export function redirectPortEnvName(prefix: string): string {
  return `${prefix}_REDIRECT_PORT`;
}
