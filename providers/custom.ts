/**
 * Operator-defined providers: a generic OAuth 2.0 provider described by its endpoints, or an
 * OpenID provider described by its issuer (endpoints from the discovery document).
 *
 * Config comes from `CLAWAUTH_PROVIDERS` (inline JSON) or `CLAWAUTH_PROVIDERS_FILE` (a path),
 * never both. The JSON is an array of entries, or `{ "providers": [...] }`:
 *
 * ```json
 * [{ "name": "demo", "type": "oidc", "issuer": "https://idp.example.com",
 *    "scopes": ["openid", "offline_access"], "authorizeParams": { "prompt": "consent" } },
 *  { "name": "acme", "type": "oauth2", "authorizeUrl": "https://acme.example/oauth/authorize",
 *    "tokenUrl": "https://acme.example/oauth/token", "clientAuth": "body", "pkce": "supported" }]
 * ```
 *
 * Fields: `name` (`[a-z0-9_-]+`, not a server route), `displayName`, `type` (`oauth2` |
 * `oidc`), `issuer` (oidc), `authorizeUrl` and `tokenUrl` (required for oauth2, override the
 * discovery document for oidc), `refreshUrl` (refresh grant endpoint when not `tokenUrl`),
 * `userinfoUrl`, `clientId`, `clientSecret`, `redirectUri`,
 * `clientAuth` (`basic` | `body` | `none`), `pkce` (`required` | `supported` | `none`),
 * `scopes` (default scopes), `scopeSeparator`, `scopeParam` (authorize parameter for scopes,
 * default `scope`), `authorizeParams`, `tokenHeaders`,
 * `tokenResponse` (`oauth2` | `github` | `slack`), `tokenBody` (`form` | `json`), `errorShape`
 * (`{ "codeField"?, "messageField"?, "invalidGrant"?, "example"? }`), `refresh` (boolean or
 * `{ "supported", "rotates"? }`). Unknown fields are refused (they are usually typos).
 * The client id and secret may instead come from `<PREFIX>_CLIENT_ID` / `<PREFIX>_CLIENT_SECRET`
 * (see ./settings.ts; the environment wins).
 *
 * URLs must be `https:`; `http:` is accepted only for loopback hosts (tests, local IdPs).
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */

import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";
import { CORE_AUTHORIZE_PARAMS } from "./authorize_url.ts";
import type {
  ApiSpec,
  ClientAuthMethod,
  ErrorShapeSpec,
  IdentitySpec,
  PkceSupport,
  ProviderSettings,
  ProviderSpec,
  RevokeSpec,
  TokenResponseStyle,
} from "./types.ts";

/**
 * Pattern every provider name matches.
 *
 * @see ./custom.ts module doc (the provider config format)
 */
export const PROVIDER_NAME_PATTERN = /^[a-z0-9_-]+$/;

/**
 * Longest provider name accepted.
 *
 * @see ./custom.ts module doc (the provider config format)
 */
export const MAX_PROVIDER_NAME_LENGTH = 64;

/**
 * Names that would collide with the server's routes (`/{provider}/{sessionId}`).
 *
 * @see ./custom.ts module doc (the provider config format)
 */
export const RESERVED_PROVIDER_NAMES: readonly string[] = [
  "callback",
  "init",
  "status",
  "claim",
  "refresh",
  "providers",
  "healthz",
  "readyz",
  "v1",
];

/**
 * Env var holding inline provider JSON.
 *
 * @see ./custom.ts module doc (the provider config format)
 */
export const PROVIDERS_ENV = "CLAWAUTH_PROVIDERS";
/**
 * Env var holding the path of a provider JSON file.
 *
 * @see ./custom.ts module doc (the provider config format)
 */
export const PROVIDERS_FILE_ENV = "CLAWAUTH_PROVIDERS_FILE";

/**
 * Timeout of one OIDC discovery request.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export const DISCOVERY_TIMEOUT_MS = 15_000;

const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = ["basic", "body", "none"];
const PKCE_VALUES: readonly PkceSupport[] = ["required", "supported", "none"];
const TOKEN_RESPONSE_STYLES: readonly TokenResponseStyle[] = ["oauth2", "github", "slack"];
const ALLOWED_FIELDS: readonly string[] = [
  "name",
  "displayName",
  "type",
  "issuer",
  "authorizeUrl",
  "tokenUrl",
  "refreshUrl",
  "userinfoUrl",
  "clientId",
  "clientSecret",
  "redirectUri",
  "clientAuth",
  "pkce",
  "scopes",
  "scopeSeparator",
  "scopeParam",
  "authorizeParams",
  "tokenHeaders",
  "tokenBody",
  "tokenResponse",
  "errorShape",
  "refresh",
  "identity",
  "consentParams",
  "revoke",
  "api",
  "toolEnv",
];
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_TOKEN_HEADERS = ["authorization", "content-type", "content-length", "host"];

/**
 * One validated entry of the operator's provider config.
 *
 * @see ./custom.ts module doc (the provider config format)
 */
export interface CustomProviderDef {
  name: string;
  displayName?: string;
  type: "oauth2" | "oidc";
  issuer?: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  userinfoUrl?: string;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  clientAuth?: ClientAuthMethod;
  pkce?: PkceSupport;
  scopes?: string[];
  scopeSeparator?: string;
  scopeParam?: string;
  authorizeParams?: Record<string, string>;
  tokenHeaders?: Record<string, string>;
  tokenBody?: "form" | "json";
  tokenResponse?: TokenResponseStyle;
  errorShape?: ErrorShapeSpec;
  refresh?: { supported: boolean; rotates?: boolean };
  identity?: IdentitySpec;
  consentParams?: Record<string, string>;
  revoke?: RevokeSpec;
  api?: ApiSpec;
  toolEnv?: string[];
}

/**
 * Inputs of {@linkcode loadCustomProviders}.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export interface LoadCustomProvidersOptions {
  env: Record<string, string | undefined>;
  /** Used for OIDC discovery; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Reads `CLAWAUTH_PROVIDERS_FILE`; defaults to `Deno.readTextFile`. */
  readTextFile?: (path: string) => Promise<string>;
}

/**
 * Output of {@linkcode loadCustomProviders}.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export interface LoadedCustomProviders {
  /** Specs, in config order, with `source: "custom"`. */
  specs: ProviderSpec[];
  /** Per provider name: client id/secret/redirect URI given in the JSON (for resolveProviderSettings). */
  overrides: Record<string, Partial<ProviderSettings>>;
}

function invalid(message: string): ClawauthError {
  return new ClawauthError(ERROR_CODES.INVALID_REQUEST, message, { status: 500 });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * True when `value` is an absolute `https:` URL, or an `http:` URL on a loopback host,
 * without credentials or fragment.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1 (no fragment)
 */
export function isAcceptableEndpoint(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== "" || url.password !== "" || url.hash !== "") return false;
  return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
}

function stringMap(
  value: unknown,
  where: { path: string; name: string },
  checkKey: (key: string) => string | undefined,
): Record<string, string> {
  const { path, name } = where;
  if (!isRecord(value)) {
    throw invalid(`${path} (${name}) must be an object of strings: got ${typeName(value)}`);
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") {
      throw invalid(`${path}.${key} (${name}) must be a string: got ${typeName(item)}`);
    }
    const problem = checkKey(key);
    if (problem) throw invalid(`${path}.${key} (${name}) ${problem}`);
    out[key] = item;
  }
  return out;
}

function parseEntry(entry: unknown, index: number): CustomProviderDef {
  const at = `providers[${index}]`;
  if (!isRecord(entry)) throw invalid(`${at} must be an object: got ${typeName(entry)}`);
  for (const key of Object.keys(entry)) {
    if (!ALLOWED_FIELDS.includes(key)) {
      throw invalid(`${at}.${key} is not a known field (allowed: ${ALLOWED_FIELDS.join(", ")})`);
    }
  }

  const name = entry.name;
  if (typeof name !== "string") {
    throw invalid(`${at}.name must be a string: got ${typeName(name)}`);
  }
  if (!PROVIDER_NAME_PATTERN.test(name) || name.length > MAX_PROVIDER_NAME_LENGTH) {
    throw invalid(
      `${at}.name must be 1 to ${MAX_PROVIDER_NAME_LENGTH} characters of [a-z0-9_-]: got ${
        show(name)
      }`,
    );
  }
  if (RESERVED_PROVIDER_NAMES.includes(name)) {
    throw invalid(`${at}.name ${show(name)} is reserved (it would collide with a server route)`);
  }
  const field = (key: string) => `${at}.${key} (${name})`;

  const optionalString = (key: string): string | undefined => {
    const value = entry[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value.trim() === "") {
      throw invalid(`${field(key)} must be a non-empty string: got ${show(value)}`);
    }
    return value;
  };
  const secretString = (key: string): string | undefined => {
    const value = entry[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value === "") {
      throw invalid(`${field(key)} must be a non-empty string: got ${typeName(value)}`);
    }
    return value;
  };
  const optionalUrl = (key: string): string | undefined => {
    const value = optionalString(key);
    if (value !== undefined && !isAcceptableEndpoint(value)) {
      throw invalid(
        `${
          field(key)
        } must be an absolute https URL (http only on loopback), without credentials or fragment: got ${
          show(value)
        }`,
      );
    }
    return value;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const value = entry[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || !allowed.includes(value as T)) {
      throw invalid(`${field(key)} must be one of ${allowed.join(", ")}: got ${show(value)}`);
    }
    return value as T;
  };

  const type = entry.type;
  if (type !== "oauth2" && type !== "oidc") {
    throw invalid(`${field("type")} must be "oauth2" or "oidc": got ${show(type)}`);
  }
  const def: CustomProviderDef = { name, type };
  const displayName = optionalString("displayName");
  if (displayName !== undefined) def.displayName = displayName;

  const issuer = optionalUrl("issuer");
  const authorizeUrl = optionalUrl("authorizeUrl");
  const tokenUrl = optionalUrl("tokenUrl");
  const refreshUrl = optionalUrl("refreshUrl");
  const userinfoUrl = optionalUrl("userinfoUrl");
  const redirectUri = optionalUrl("redirectUri");
  if (type === "oidc" && issuer === undefined) {
    throw invalid(`${field("issuer")} is required when type is "oidc"`);
  }
  if (type === "oauth2") {
    if (issuer !== undefined) {
      throw invalid(`${field("issuer")} is only allowed when type is "oidc"`);
    }
    if (authorizeUrl === undefined) {
      throw invalid(`${field("authorizeUrl")} is required when type is "oauth2"`);
    }
    if (tokenUrl === undefined) {
      throw invalid(`${field("tokenUrl")} is required when type is "oauth2"`);
    }
  }
  if (issuer !== undefined) def.issuer = issuer;
  if (authorizeUrl !== undefined) def.authorizeUrl = authorizeUrl;
  if (tokenUrl !== undefined) def.tokenUrl = tokenUrl;
  if (refreshUrl !== undefined) def.refreshUrl = refreshUrl;
  if (userinfoUrl !== undefined) def.userinfoUrl = userinfoUrl;
  if (redirectUri !== undefined) def.redirectUri = redirectUri;

  const clientId = secretString("clientId");
  const clientSecret = secretString("clientSecret");
  if (clientId !== undefined) def.clientId = clientId;
  if (clientSecret !== undefined) def.clientSecret = clientSecret;

  const clientAuth = oneOf("clientAuth", CLIENT_AUTH_METHODS);
  if (clientAuth !== undefined) def.clientAuth = clientAuth;
  const pkce = oneOf("pkce", PKCE_VALUES);
  if (pkce !== undefined) def.pkce = pkce;
  if (clientAuth === "none" && pkce === "none") {
    throw invalid(
      `${field("pkce")} must not be "none" when clientAuth is "none" (a public client needs PKCE)`,
    );
  }
  const tokenResponse = oneOf("tokenResponse", TOKEN_RESPONSE_STYLES);
  if (tokenResponse !== undefined) def.tokenResponse = tokenResponse;
  const tokenBody = oneOf("tokenBody", ["form", "json"] as const);
  if (tokenBody !== undefined) def.tokenBody = tokenBody;
  if (entry.errorShape !== undefined) {
    def.errorShape = parseErrorShape(entry.errorShape, field("errorShape"));
  }

  if (entry.scopes !== undefined) {
    const scopes = entry.scopes;
    if (!Array.isArray(scopes)) {
      throw invalid(`${field("scopes")} must be an array of strings: got ${typeName(scopes)}`);
    }
    scopes.forEach((scope, i) => {
      if (typeof scope !== "string" || !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope)) {
        throw invalid(
          `${field(`scopes[${i}]`)} must be a non-empty scope token without spaces or quotes: got ${
            show(scope)
          }`,
        );
      }
    });
    def.scopes = [...scopes] as string[];
  }
  if (entry.scopeSeparator !== undefined) {
    const separator = entry.scopeSeparator;
    if (typeof separator !== "string" || separator === "" || separator.length > 3) {
      throw invalid(
        `${field("scopeSeparator")} must be a string of 1 to 3 characters: got ${show(separator)}`,
      );
    }
    def.scopeSeparator = separator;
  }
  if (entry.scopeParam !== undefined) {
    const scopeParam = entry.scopeParam;
    if (
      typeof scopeParam !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(scopeParam) ||
      (scopeParam !== "scope" && CORE_AUTHORIZE_PARAMS.includes(scopeParam))
    ) {
      throw invalid(
        `${
          field("scopeParam")
        } must be a parameter name of [A-Za-z0-9_.-] other than the core authorize parameters: got ${
          show(scopeParam)
        }`,
      );
    }
    def.scopeParam = scopeParam;
  }
  if (entry.authorizeParams !== undefined) {
    def.authorizeParams = stringMap(
      entry.authorizeParams,
      { path: `${at}.authorizeParams`, name },
      (key) =>
        CORE_AUTHORIZE_PARAMS.includes(key)
          ? "is set by clawauth and cannot be configured"
          : undefined,
    );
  }
  if (entry.tokenHeaders !== undefined) {
    def.tokenHeaders = stringMap(
      entry.tokenHeaders,
      { path: `${at}.tokenHeaders`, name },
      (key) =>
        !HEADER_NAME_PATTERN.test(key)
          ? "is not a valid header name"
          : FORBIDDEN_TOKEN_HEADERS.includes(key.toLowerCase())
          ? "is set by clawauth and cannot be configured"
          : undefined,
    );
  }
  if (entry.refresh !== undefined) {
    const refresh = entry.refresh;
    if (typeof refresh === "boolean") def.refresh = { supported: refresh };
    else if (
      isRecord(refresh) && typeof refresh.supported === "boolean" &&
      (refresh.rotates === undefined || typeof refresh.rotates === "boolean") &&
      Object.keys(refresh).every((key) => key === "supported" || key === "rotates")
    ) {
      def.refresh = { supported: refresh.supported };
      if (refresh.rotates !== undefined) def.refresh.rotates = refresh.rotates;
    } else {
      throw invalid(
        `${
          field("refresh")
        } must be a boolean or { "supported": boolean, "rotates"?: boolean }: got ${show(refresh)}`,
      );
    }
  }
  if (entry.identity !== undefined) def.identity = parseIdentity(entry.identity, field("identity"));
  if (entry.consentParams !== undefined) {
    def.consentParams = stringMap(
      entry.consentParams,
      { path: `${at}.consentParams`, name },
      (key) =>
        CORE_AUTHORIZE_PARAMS.includes(key)
          ? "is set by clawauth and cannot be configured"
          : undefined,
    );
  }
  if (entry.revoke !== undefined) def.revoke = parseRevoke(entry.revoke, field("revoke"));
  if (entry.api !== undefined) def.api = parseApi(entry.api, field("api"));
  if (entry.toolEnv !== undefined) {
    const toolEnv = entry.toolEnv;
    if (
      !Array.isArray(toolEnv) ||
      !toolEnv.every((item) => typeof item === "string" && /^[A-Z][A-Z0-9_]{0,63}$/.test(item))
    ) {
      throw invalid(
        `${field("toolEnv")} must be an array of environment names ([A-Z][A-Z0-9_]*): got ${
          show(toolEnv)
        }`,
      );
    }
    def.toolEnv = [...toolEnv] as string[];
  }
  return def;
}

const DOT_PATH_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

function parseIdentity(value: unknown, at: string): IdentitySpec {
  const keys = ["source", "headers", "id", "login", "email", "name"];
  if (!isRecord(value) || !Object.keys(value).every((key) => keys.includes(key))) {
    throw invalid(`${at} must be an object with fields ${keys.join(", ")}: got ${show(value)}`);
  }
  if (value.source !== "userinfo" && value.source !== "token_response") {
    throw invalid(`${at}.source must be "userinfo" or "token_response": got ${show(value.source)}`);
  }
  const identity: IdentitySpec = { source: value.source, id: "" };
  for (const key of ["id", "login", "email", "name"] as const) {
    const path = value[key];
    if (path === undefined && key !== "id") continue;
    if (typeof path !== "string" || !DOT_PATH_PATTERN.test(path)) {
      throw invalid(`${at}.${key} must be a dot path such as "user.id": got ${show(path)}`);
    }
    identity[key] = path;
  }
  if (value.headers !== undefined) {
    identity.headers = stringMap(
      value.headers,
      { path: `${at}.headers`, name: at },
      (key) => !HEADER_NAME_PATTERN.test(key) ? "is not a valid header name" : undefined,
    );
  }
  return identity;
}

function parseRevoke(value: unknown, at: string): RevokeSpec {
  const keys = ["url", "style", "clientAuth", "token"];
  if (!isRecord(value) || !Object.keys(value).every((key) => keys.includes(key))) {
    throw invalid(`${at} must be an object with fields ${keys.join(", ")}: got ${show(value)}`);
  }
  if (typeof value.url !== "string" || !isAcceptableEndpoint(value.url)) {
    throw invalid(`${at}.url must be an https URL (http only on loopback): got ${show(value.url)}`);
  }
  const style = value.style ?? "rfc7009";
  if (style !== "rfc7009" && style !== "github" && style !== "bearer") {
    throw invalid(`${at}.style must be one of rfc7009, github, bearer: got ${show(style)}`);
  }
  const clientAuth = value.clientAuth ?? "basic";
  if (!CLIENT_AUTH_METHODS.includes(clientAuth as ClientAuthMethod)) {
    throw invalid(
      `${at}.clientAuth must be one of ${CLIENT_AUTH_METHODS.join(", ")}: got ${show(clientAuth)}`,
    );
  }
  const token = value.token ?? "refresh_token";
  if (token !== "refresh_token" && token !== "access_token") {
    throw invalid(`${at}.token must be "refresh_token" or "access_token": got ${show(token)}`);
  }
  return { url: value.url, style, clientAuth: clientAuth as ClientAuthMethod, token };
}

function parseErrorShape(value: unknown, at: string): ErrorShapeSpec {
  const keys = ["codeField", "messageField", "invalidGrant", "example"];
  if (!isRecord(value) || !Object.keys(value).every((key) => keys.includes(key))) {
    throw invalid(`${at} must be an object with fields ${keys.join(", ")}: got ${show(value)}`);
  }
  const shape: ErrorShapeSpec = {};
  for (const key of ["codeField", "messageField"] as const) {
    const fieldName = value[key];
    if (fieldName === undefined) continue;
    if (typeof fieldName !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(fieldName)) {
      throw invalid(`${at}.${key} must be a field name: got ${show(fieldName)}`);
    }
    shape[key] = fieldName;
  }
  const aliases = value.invalidGrant;
  if (aliases !== undefined) {
    if (
      !Array.isArray(aliases) || aliases.length > 20 ||
      !aliases.every((item) => typeof item === "string" && item.length > 0 && item.length <= 100)
    ) {
      throw invalid(`${at}.invalidGrant must be an array of 1..100-character strings`);
    }
    shape.invalidGrant = [...aliases];
  }
  if (value.example !== undefined) {
    if (typeof value.example !== "string" || value.example.length > 500) {
      throw invalid(`${at}.example must be a string of at most 500 characters`);
    }
    shape.example = value.example;
  }
  return shape;
}

function parseApi(value: unknown, at: string): ApiSpec {
  const keys = ["baseUrl", "hosts", "headers"];
  if (!isRecord(value) || !Object.keys(value).every((key) => keys.includes(key))) {
    throw invalid(`${at} must be an object with fields ${keys.join(", ")}: got ${show(value)}`);
  }
  if (typeof value.baseUrl !== "string" || !isAcceptableEndpoint(value.baseUrl)) {
    throw invalid(
      `${at}.baseUrl must be an https URL (http only on loopback): got ${show(value.baseUrl)}`,
    );
  }
  const baseHost = new URL(value.baseUrl).host;
  const hosts = value.hosts ?? [baseHost];
  if (
    !Array.isArray(hosts) ||
    !hosts.every((host) => typeof host === "string" && /^[a-z0-9.-]+(:\d{1,5})?$/.test(host))
  ) {
    throw invalid(`${at}.hosts must be an array of lower-case host names: got ${show(hosts)}`);
  }
  const api: ApiSpec = {
    baseUrl: value.baseUrl,
    hosts: hosts.includes(baseHost) ? [...hosts] : [baseHost, ...hosts],
  };
  if (value.headers !== undefined) {
    api.headers = stringMap(
      value.headers,
      { path: `${at}.headers`, name: at },
      (key) =>
        !HEADER_NAME_PATTERN.test(key)
          ? "is not a valid header name"
          : key.toLowerCase() === "authorization"
          ? "is set by clawauth and cannot be configured"
          : undefined,
    );
  }
  return api;
}

/**
 * Parses and validates the operator's provider JSON. Throws a {@linkcode ClawauthError}
 * (`invalid_request`) whose message names the entry index, the field and the rule broken.
 *
 * @see ./custom.ts module doc (the format)
 */
export function parseCustomProviders(text: string): CustomProviderDef[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(
      `provider config is not valid JSON: ${error instanceof Error ? error.message : error}`,
    );
  }
  let entries: unknown;
  if (Array.isArray(parsed)) entries = parsed;
  else if (isRecord(parsed) && Array.isArray(parsed.providers)) entries = parsed.providers;
  else {
    throw invalid(
      `provider config must be an array of providers or { "providers": [...] }: got ${
        typeName(parsed)
      }`,
    );
  }
  const defs = (entries as unknown[]).map(parseEntry);
  const seen = new Set<string>();
  defs.forEach((def, index) => {
    if (seen.has(def.name)) {
      throw invalid(`providers[${index}].name ${show(def.name)} is defined more than once`);
    }
    seen.add(def.name);
  });
  return defs;
}

interface DiscoveryDocument {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint?: string;
  revocation_endpoint?: string;
  authorization_response_iss_parameter_supported?: boolean;
  token_endpoint_auth_methods_supported?: string[];
  code_challenge_methods_supported?: string[];
  grant_types_supported?: string[];
}

function misconfigured(message: string, cause?: unknown): ClawauthError {
  return new ClawauthError(ERROR_CODES.SERVER_MISCONFIGURED, message, { status: 500, cause });
}

/**
 * The discovery URL of an issuer: `${issuer}/.well-known/openid-configuration`, with a
 * trailing `/` of the issuer removed first.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationRequest
 */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

async function discover(
  def: CustomProviderDef,
  fetchImpl: typeof fetch,
): Promise<DiscoveryDocument> {
  const issuer = def.issuer!;
  const url = discoveryUrl(issuer);
  const where = `provider ${show(def.name)}: OIDC discovery at ${url}`;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
  } catch (error) {
    throw misconfigured(
      `${where} failed: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw misconfigured(`${where} answered HTTP ${response.status}, expected 200`);
  }
  let doc: unknown;
  try {
    doc = await response.json();
  } catch (error) {
    throw misconfigured(`${where} did not return JSON`, error);
  }
  if (!isRecord(doc)) throw misconfigured(`${where} did not return a JSON object`);
  if (doc.issuer !== issuer) {
    throw misconfigured(
      `${where}: document 'issuer' ${show(doc.issuer)} does not match the configured issuer ${
        show(issuer)
      }`,
    );
  }
  for (const key of ["authorization_endpoint", "token_endpoint"] as const) {
    if (typeof doc[key] !== "string" || !isAcceptableEndpoint(doc[key] as string)) {
      throw misconfigured(
        `${where}: '${key}' must be an https URL (http only on loopback): got ${show(doc[key])}`,
      );
    }
  }
  if (
    doc.userinfo_endpoint !== undefined &&
    (typeof doc.userinfo_endpoint !== "string" || !isAcceptableEndpoint(doc.userinfo_endpoint))
  ) {
    throw misconfigured(
      `${where}: 'userinfo_endpoint' must be an https URL: got ${show(doc.userinfo_endpoint)}`,
    );
  }
  if (
    doc.revocation_endpoint !== undefined &&
    (typeof doc.revocation_endpoint !== "string" ||
      !isAcceptableEndpoint(doc.revocation_endpoint))
  ) {
    throw misconfigured(
      `${where}: 'revocation_endpoint' must be an https URL: got ${show(doc.revocation_endpoint)}`,
    );
  }
  for (
    const key of [
      "token_endpoint_auth_methods_supported",
      "code_challenge_methods_supported",
      "grant_types_supported",
    ] as const
  ) {
    const value = doc[key];
    if (
      value !== undefined &&
      !(Array.isArray(value) && value.every((item) => typeof item === "string"))
    ) {
      throw misconfigured(`${where}: '${key}' must be an array of strings`);
    }
  }
  return doc as unknown as DiscoveryDocument;
}

/**
 * Client authentication for a discovered provider: `client_secret_basic` when listed (or
 * when the list is absent: it is the spec's default), else `client_secret_post`, else `none`.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export function pickClientAuth(
  supported: readonly string[] | undefined,
): ClientAuthMethod | undefined {
  if (supported === undefined || supported.includes("client_secret_basic")) return "basic";
  if (supported.includes("client_secret_post")) return "body";
  if (supported.includes("none")) return "none";
  return undefined;
}

function toSpec(def: CustomProviderDef, doc: DiscoveryDocument | undefined): ProviderSpec {
  let clientAuth = def.clientAuth;
  if (clientAuth === undefined && doc) {
    clientAuth = pickClientAuth(doc.token_endpoint_auth_methods_supported);
    if (clientAuth === undefined) {
      throw misconfigured(
        `provider ${
          show(def.name)
        }: the issuer supports none of client_secret_basic, client_secret_post, none (token_endpoint_auth_methods_supported: ${
          show(doc.token_endpoint_auth_methods_supported)
        }); set "clientAuth" explicitly`,
      );
    }
  }
  const pkce = def.pkce ??
    (doc
      ? (doc.code_challenge_methods_supported?.includes("S256") ? "supported" : "none")
      : "none");
  const refreshSupported = def.refresh?.supported ??
    (doc ? (doc.grant_types_supported?.includes("refresh_token") ?? false) : true);
  const authorizeUrl = def.authorizeUrl ?? doc!.authorization_endpoint;
  const tokenUrl = def.tokenUrl ?? doc!.token_endpoint;
  const userinfoUrl = def.userinfoUrl ?? doc?.userinfo_endpoint;
  const spec: ProviderSpec = {
    name: def.name,
    displayName: def.displayName ?? def.name,
    authorizeUrl,
    tokenUrl,
    clientAuth: clientAuth ?? "basic",
    pkce,
    scopeSeparator: def.scopeSeparator ?? " ",
    defaultScopes: def.scopes ?? (def.type === "oidc" ? ["openid"] : []),
    tokenResponse: def.tokenResponse ?? "oauth2",
    refresh: def.refresh?.rotates === undefined
      ? { supported: refreshSupported }
      : { supported: refreshSupported, rotates: def.refresh.rotates },
    registerUrl: def.issuer ?? new URL(authorizeUrl).origin,
    docs: def.issuer ? [discoveryUrl(def.issuer)] : [],
    source: "custom",
  };
  if (def.refreshUrl !== undefined) spec.refreshUrl = def.refreshUrl;
  if (def.scopeParam !== undefined) spec.scopeParam = def.scopeParam;
  if (def.authorizeParams) spec.authorizeParams = { ...def.authorizeParams };
  if (def.tokenHeaders) spec.tokenHeaders = { ...def.tokenHeaders };
  if (def.tokenBody !== undefined) spec.tokenBody = def.tokenBody;
  if (def.errorShape !== undefined) spec.errorShape = { ...def.errorShape };
  if (userinfoUrl !== undefined) spec.userinfoUrl = userinfoUrl;
  if (doc) spec.issuer = doc.issuer;
  // RFC 9207 §3: an issuer that says it always sends `iss` must not be answered without it.
  if (doc?.authorization_response_iss_parameter_supported === true) spec.issuerInResponse = true;
  // OIDC: the standard claims name the account; RFC 7009 revocation when the issuer has it;
  // `prompt=consent` (OIDC Core §3.1.2.1) so a returning user still sees the consent screen.
  const identity = def.identity ??
    (doc && userinfoUrl !== undefined
      ? {
        source: "userinfo" as const,
        id: "sub",
        login: "preferred_username",
        email: "email",
        name: "name",
      }
      : undefined);
  if (identity !== undefined) spec.identity = identity;
  const consentParams = def.consentParams ?? (doc ? { prompt: "consent" } : undefined);
  if (consentParams !== undefined) spec.consentParams = { ...consentParams };
  const revoke = def.revoke ??
    (doc?.revocation_endpoint !== undefined
      ? {
        url: doc.revocation_endpoint,
        style: "rfc7009" as const,
        clientAuth: clientAuth ?? "basic",
        token: "refresh_token" as const,
      }
      : undefined);
  if (revoke !== undefined) spec.revoke = revoke;
  if (def.api !== undefined) spec.api = { ...def.api };
  if (def.toolEnv !== undefined) spec.toolEnv = [...def.toolEnv];
  if (def.refresh === undefined && def.type === "oauth2") {
    spec.notes = 'refresh support assumed (set "refresh" in the provider config to say otherwise)';
  }
  return spec;
}

/**
 * Reads `CLAWAUTH_PROVIDERS` or `CLAWAUTH_PROVIDERS_FILE`, validates the entries
 * ({@linkcode parseCustomProviders}) and turns each into a {@linkcode ProviderSpec}; OIDC
 * entries are completed from their issuer's discovery document (issuer must match exactly;
 * client auth from `token_endpoint_auth_methods_supported`; PKCE `supported` when
 * `code_challenge_methods_supported` has `S256`; refresh when `grant_types_supported` has
 * `refresh_token`). Explicit fields in the config win over discovered ones.
 *
 * Throws {@linkcode ClawauthError}: `invalid_request` for a malformed config,
 * `server_misconfigured` when both variables are set, the file cannot be read or discovery fails.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation
 */
export async function loadCustomProviders(
  options: LoadCustomProvidersOptions,
): Promise<LoadedCustomProviders> {
  const { env, fetch: fetchImpl = fetch, readTextFile = Deno.readTextFile } = options;
  const inline = env[PROVIDERS_ENV];
  const path = env[PROVIDERS_FILE_ENV];
  const hasInline = typeof inline === "string" && inline.trim() !== "";
  const hasPath = typeof path === "string" && path.trim() !== "";
  if (hasInline && hasPath) {
    throw misconfigured(`set only one of ${PROVIDERS_ENV} and ${PROVIDERS_FILE_ENV}`);
  }
  let text: string;
  if (hasInline) text = inline!;
  else if (hasPath) {
    try {
      text = await readTextFile(path!);
    } catch (error) {
      throw misconfigured(
        `${PROVIDERS_FILE_ENV}: cannot read ${show(path)}: ${
          error instanceof Error ? error.message : String(error)
        }`,
        error,
      );
    }
  } else return { specs: [], overrides: {} };

  const defs = parseCustomProviders(text);
  const specs: ProviderSpec[] = [];
  const overrides: Record<string, Partial<ProviderSettings>> = {};
  for (const def of defs) {
    const doc = def.type === "oidc" ? await discover(def, fetchImpl) : undefined;
    specs.push(toSpec(def, doc));
    const override: Partial<ProviderSettings> = {};
    if (def.clientId !== undefined) override.clientId = def.clientId;
    if (def.clientSecret !== undefined) override.clientSecret = def.clientSecret;
    if (def.redirectUri !== undefined) override.redirectUri = def.redirectUri;
    overrides[def.name] = override;
  }
  return { specs, overrides };
}
