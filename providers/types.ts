/**
 * The provider registry's data model: everything the server needs to send a person to a
 * provider, exchange the code and refresh a token, and everything the CLI needs to run a
 * local PKCE login against a public client.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749 (OAuth 2.0)
 * @see https://www.rfc-editor.org/rfc/rfc7636 (PKCE)
 */

/** How the client authenticates at the token endpoint. */
export type ClientAuthMethod =
  /** `Authorization: Basic base64(client_id:client_secret)` (client_secret_basic). */
  | "basic"
  /** `client_id` and `client_secret` in the form body (client_secret_post). */
  | "body"
  /** Public client: only `client_id` in the body (PKCE login from the CLI). */
  | "none";

/** Whether the provider requires, accepts or ignores PKCE (S256). */
export type PkceSupport = "required" | "supported" | "none";

/**
 * How the token endpoint reports success and failure:
 * - `oauth2`: RFC 6749 §5 (JSON; errors with 4xx and an `error` field);
 * - `github`: errors come back with HTTP 200 and an `error` field; `Accept: application/json` needed;
 * - `slack`: `ok:false` + `error` with HTTP 200; user tokens are under `authed_user`.
 */
export type TokenResponseStyle = "oauth2" | "github" | "slack";

/** One provider's static description. */
export interface ProviderSpec {
  /** Registry key, lower case `[a-z0-9_-]+` (`github`). */
  name: string;
  /** Human name (`GitHub`). */
  displayName: string;
  /** Documented authorize endpoint. */
  authorizeUrl: string;
  /** Documented token endpoint (also used for refresh unless `refreshUrl` is set). */
  tokenUrl: string;
  /**
   * Endpoint for the refresh grant when it is not `tokenUrl` (Figma:
   * `https://api.figma.com/v1/oauth/refresh`). Added by the providers engineer.
   */
  refreshUrl?: string;
  clientAuth: ClientAuthMethod;
  pkce: PkceSupport;
  /** Separator of the `scope` parameter (`" "` per RFC 6749; some providers use `","`). */
  scopeSeparator: string;
  /** Scopes requested when the caller names none (may be empty). */
  defaultScopes: string[];
  /**
   * Authorize parameter that carries the scopes, when not `scope` (Slack user tokens:
   * `user_scope`). Added by the providers engineer.
   */
  scopeParam?: string;
  /** Extra authorize parameters, e.g. Dropbox `token_access_type=offline`. */
  authorizeParams?: Record<string, string>;
  /** Extra headers sent to the token endpoint (GitHub `accept: application/json`). */
  tokenHeaders?: Record<string, string>;
  tokenResponse: TokenResponseStyle;
  /** Whether this provider issues refresh tokens (given `authorizeParams`/scopes above). */
  refresh: {
    supported: boolean;
    /** True when each refresh returns a new refresh token and spends the old one. */
    rotates?: boolean;
    note?: string;
  };
  /** Where an operator registers the OAuth app. */
  registerUrl: string;
  /** The documentation pages the endpoints and quirks above come from. */
  docs: string[];
  /** Userinfo / identity endpoint, where one exists (used to name the account). */
  userinfoUrl?: string;
  /** Free-text quirks worth knowing. */
  notes?: string;
  /** `builtin` for the registry, `custom` for operator-defined providers. */
  source?: "builtin" | "custom";
}

/** The per-deployment settings of one provider, resolved from the environment or config. */
export interface ProviderSettings {
  clientId: string;
  /** Empty for a public client. */
  clientSecret: string;
  redirectUri: string;
  authorizeUrl: string;
  tokenUrl: string;
}

/** A provider ready to use: spec plus settings. */
export interface ConfiguredProvider {
  spec: ProviderSpec;
  settings: ProviderSettings;
}

/** Outcome of reading a token endpoint's answer. */
export type TokenResponseResult =
  | { ok: true; tokenData: Record<string, unknown> }
  | {
    ok: false;
    /** OAuth error code (`invalid_grant`) or a synthetic one (`invalid_response`, `http_503`). */
    error: string;
    /** Human description; never contains a token. */
    description: string;
    /** True when retrying later may succeed (network, 5xx, 429). */
    transient: boolean;
  };
