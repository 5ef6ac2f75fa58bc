/**
 * Who an account is: read from the provider's identity endpoint (or from the token response
 * itself, for providers that put the account there) during the code exchange, so the agent
 * learns which account it received and a claim never silently swaps accounts.
 *
 * Everything read here comes from the provider, not from the person's browser, but it still
 * reaches an agent's context: values are cut to a short length and stripped of control
 * characters, and the answer is size-capped.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
 */

import type { IdentitySpec, ProviderSettings, ProviderSpec } from "./types.ts";

/**
 * The minimal identity sealed next to `tokenData`: a stable id, and what a person recognises.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims
 */
export interface AccountIdentity {
  /** Stable account id at the provider (`sub`, GitHub's numeric `id` as a string, …). */
  id: string;
  login?: string;
  email?: string;
  name?: string;
}

/**
 * Outcome of {@linkcode fetchIdentity}: the identity, or why there is none (never fatal to a
 * login; the reason is fixed text, never part of the provider's answer).
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponse
 */
export type IdentityResult =
  | { ok: true; identity: AccountIdentity }
  | { ok: false; reason: string };

/** Time limit of one identity request. */
export const IDENTITY_REQUEST_TIMEOUT_MS = 10_000;
/** Largest identity answer read. */
export const IDENTITY_MAX_BYTES = 64 * 1024;
/** Longest value kept for any identity field. */
export const IDENTITY_MAX_FIELD_LENGTH = 200;

/**
 * The value at a dot path (`owner.user.id`, `data.0.id`) of a JSON value, or `undefined`.
 *
 * @see ./types.ts IdentitySpec
 */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function cleanField(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== "string") return undefined;
  // deno-lint-ignore no-control-regex
  const cleaned = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "").trim();
  if (cleaned === "") return undefined;
  return cleaned.length > IDENTITY_MAX_FIELD_LENGTH
    ? cleaned.slice(0, IDENTITY_MAX_FIELD_LENGTH)
    : cleaned;
}

/**
 * Picks the identity fields out of an identity answer (or a token response) per `spec`.
 * `undefined` when the stable id is missing or not a string/integer.
 *
 * @see ./types.ts IdentitySpec
 */
export function extractIdentity(
  spec: IdentitySpec,
  answer: unknown,
): AccountIdentity | undefined {
  const id = cleanField(readPath(answer, spec.id));
  if (id === undefined) return undefined;
  const identity: AccountIdentity = { id };
  for (const key of ["login", "email", "name"] as const) {
    const path = spec[key];
    if (path === undefined) continue;
    const value = cleanField(readPath(answer, path));
    if (value !== undefined) identity[key] = value;
  }
  return identity;
}

/**
 * Options of {@linkcode fetchIdentity}.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoRequest
 */
export interface FetchIdentityOptions {
  spec: ProviderSpec;
  settings: ProviderSettings;
  /** The provider's token response (already checked by processTokenResponse). */
  tokenData: Record<string, unknown>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

async function readCapped(response: Response): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > IDENTITY_MAX_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Reads the account's identity for a fresh token: from the token response
 * (`identity.source: "token_response"`) or by GET of the identity endpoint
 * (`settings.userinfoUrl`, else `spec.userinfoUrl`) with the access token as Bearer.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoRequest
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export async function fetchIdentity(options: FetchIdentityOptions): Promise<IdentityResult> {
  const { spec, settings, tokenData } = options;
  const identitySpec: IdentitySpec | undefined = spec.identity ??
    (spec.userinfoUrl !== undefined || settings.userinfoUrl !== undefined
      ? { source: "userinfo", id: "sub", login: "preferred_username", email: "email", name: "name" }
      : undefined);
  if (identitySpec === undefined) {
    return { ok: false, reason: "the provider has no identity endpoint in the registry" };
  }
  if (identitySpec.source === "token_response") {
    const identity = extractIdentity(identitySpec, tokenData);
    return identity
      ? { ok: true, identity }
      : { ok: false, reason: "the token response does not name the account" };
  }
  const url = settings.userinfoUrl ?? spec.userinfoUrl;
  const accessToken = tokenData.access_token;
  if (url === undefined) return { ok: false, reason: "no identity endpoint is configured" };
  if (typeof accessToken !== "string" || accessToken === "") {
    return { ok: false, reason: "the token response has no access token" };
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(identitySpec.headers ?? {})) {
    // `{client_id}`: Twitch's Helix API wants the app's client id beside the token.
    headers.set(name, value.replaceAll("{client_id}", settings.clientId));
  }
  headers.set("accept", "application/json");
  headers.set("authorization", `Bearer ${accessToken}`);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      headers,
      redirect: "error",
      signal: AbortSignal.timeout(options.timeoutMs ?? IDENTITY_REQUEST_TIMEOUT_MS),
    });
  } catch {
    return { ok: false, reason: "the identity endpoint could not be reached" };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return { ok: false, reason: `the identity endpoint answered HTTP ${response.status}` };
  }
  const text = await readCapped(response).catch(() => undefined);
  if (text === undefined) return { ok: false, reason: "the identity answer is too large" };
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return { ok: false, reason: "the identity answer is not JSON" };
  }
  const identity = extractIdentity(identitySpec, answer);
  return identity
    ? { ok: true, identity }
    : { ok: false, reason: "the identity answer does not name the account" };
}
