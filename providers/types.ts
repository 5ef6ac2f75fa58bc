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
  /**
   * Encoding of the token request body: `form` (RFC 6749 §4.1.3, the default) or `json` (what
   * Notion's official SDK and Atlassian's reference send).
   */
  tokenBody?: "form" | "json";
  tokenResponse: TokenResponseStyle;
  /** Where this provider puts the error code of a refused token request, and which codes mean
   * "log in again" (read by `processTokenResponse`). */
  errorShape?: ErrorShapeSpec;
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
  /**
   * Where the account's identity sits: in the userinfo answer (`source: "userinfo"`, GET
   * `userinfoUrl` with the access token) or in the token response itself (`"token_response"`:
   * Notion `owner.user`, Slack `authed_user`, Dropbox `account_id`). Paths are dot-separated
   * (`data.0.id`). `id` is the stable account id; `login`/`email`/`name` are for people.
   */
  identity?: IdentitySpec;
  /**
   * Authorize parameters that force the provider's consent screen even for a returning user
   * (`prompt=consent`, Twitch `force_verify=true`, Spotify `show_dialog=true`).
   */
  consentParams?: Record<string, string>;
  /** Token revocation endpoint (RFC 7009 or the provider's own). */
  revoke?: RevokeSpec;
  /** The provider's API: base URL for relative paths and the only hosts a token may be sent to. */
  api?: ApiSpec;
  /**
   * Environment variables the provider's own tools read the token from (`GH_TOKEN` for the
   * GitHub CLI), set by `clawauth exec` beside `CLAWAUTH_ACCESS_TOKEN`.
   */
  toolEnv?: string[];
  /**
   * The authorization server's issuer identifier, when known (OIDC discovery); the callback
   * checks `iss` against it when the provider sends one (RFC 9207).
   */
  issuer?: string;
  /**
   * True when the provider always sends `iss` in its authorization response (OIDC discovery
   * `authorization_response_iss_parameter_supported`): a callback without `iss` is refused.
   *
   * @see https://www.rfc-editor.org/rfc/rfc9207#section-3
   */
  issuerInResponse?: boolean;
  /** Free-text quirks worth knowing. */
  notes?: string;
  /**
   * The source that settled each field (`tokenUrl`, `revoke`, `identity`, …): a documentation
   * URL or an official SDK file, with "unconfirmed: …" where none did.
   */
  sources?: Record<string, string>;
  /** `builtin` for the registry, `custom` for operator-defined providers. */
  source?: "builtin" | "custom";
}

/** Where an account's identity is read from, and which fields hold what. */
export interface IdentitySpec {
  source: "userinfo" | "token_response";
  /**
   * Extra headers for the userinfo request (Notion `Notion-Version`); `{client_id}` in a value is
   * replaced by the deployment's client id (Twitch `Client-Id`).
   */
  headers?: Record<string, string>;
  /** Dot path of the stable account id (`id`, `sub`, `owner.user.id`). */
  id: string;
  login?: string;
  email?: string;
  name?: string;
}

/**
 * How a provider reports a refused token request, beyond RFC 6749 §5.2's `error` field.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export interface ErrorShapeSpec {
  /** Field holding the error code when it is not `error` (Notion: `code`). */
  codeField?: string;
  /** Field holding the human message when it is not `error_description` (Twitch: `message`). */
  messageField?: string;
  /**
   * Codes, or exact messages, that mean what `invalid_grant` means (the code or refresh token is
   * invalid, expired, revoked or spent): GitHub `bad_refresh_token`, Twitch
   * `Invalid refresh token`. Compared case-insensitively.
   */
  invalidGrant?: string[];
  /** The documented shape of a refused refresh, verbatim, for people and the conformance suite. */
  example?: string;
}

/** How a token is revoked at the provider. */
export interface RevokeSpec {
  url: string;
  /**
   * `rfc7009`: POST form `token=…&token_type_hint=…` with client authentication as `clientAuth`;
   * `github`: DELETE `/applications/{client_id}/grant` with Basic auth and JSON `{access_token}`;
   * `bearer`: POST with the access token as Bearer (Slack `auth.revoke`, Dropbox).
   */
  style: "rfc7009" | "github" | "bearer";
  clientAuth: ClientAuthMethod;
  /** Which token to send (revoking the refresh token usually revokes the grant). */
  token: "refresh_token" | "access_token";
  /** Body encoding of an `rfc7009` request: `form` (default, RFC 7009 §2.1) or `json` (Notion). */
  encoding?: "form" | "json";
}

/** A provider's API for `clawauth api` / `exec`. */
export interface ApiSpec {
  /** Base URL that relative paths resolve against (`https://api.github.com`). */
  baseUrl: string;
  /** Hosts a token may be sent to (exact host names). */
  hosts: string[];
  /** Headers the API requires on every call (Notion `Notion-Version`). */
  headers?: Record<string, string>;
}

/** The per-deployment settings of one provider, resolved from the environment or config. */
export interface ProviderSettings {
  clientId: string;
  /** Empty for a public client. */
  clientSecret: string;
  redirectUri: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Refresh grant endpoint set by `<PREFIX>_REFRESH_URL` (else spec `refreshUrl`, else `tokenUrl`). */
  refreshUrl?: string;
  /** Revocation endpoint (`<PREFIX>_REVOKE_URL` > spec `revoke.url`). */
  revokeUrl?: string;
  /** Identity endpoint (`<PREFIX>_USERINFO_URL` > spec `userinfoUrl`). */
  userinfoUrl?: string;
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
