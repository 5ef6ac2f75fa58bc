/**
 * Checks of request bodies: each failure is a 400 whose message names the field and the rule
 * it broke, and shows the bad value when it is not secret (keys and tokens are never shown).
 */

import { PROVIDER_NAME_PATTERN } from "../providers/custom.ts";
import { decodeBase64 } from "../shared/base64.ts";
import { ClawauthError, ERROR_CODES } from "../shared/errors.ts";

const MAX_PROVIDER_LENGTH = 64;
const MAX_SCOPE_LENGTH = 1000;
const MAX_REFRESH_TOKEN_LENGTH = 8192;

function invalid(message: string): ClawauthError {
  return new ClawauthError(ERROR_CODES.INVALID_REQUEST, message, { status: 400 });
}

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** Parses a JSON object body; 400 `invalid_json` when it is not one. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ClawauthError(
      ERROR_CODES.INVALID_JSON,
      `request body must be JSON: ${error instanceof Error ? error.message : String(error)}`,
      { status: 400 },
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ClawauthError(
      ERROR_CODES.INVALID_JSON,
      `request body must be a JSON object: got ${typeName(value)}`,
      { status: 400 },
    );
  }
  return value as Record<string, unknown>;
}

/** `provider`: a registry name (`[a-z0-9_-]`, at most 64 characters). */
export function readProviderName(body: Record<string, unknown>): string {
  const value = body.provider;
  if (typeof value !== "string") {
    throw invalid(`'provider' must be a string: got ${typeName(value)}`);
  }
  if (value.length > MAX_PROVIDER_LENGTH || !PROVIDER_NAME_PATTERN.test(value)) {
    throw invalid(
      `'provider' must be 1 to ${MAX_PROVIDER_LENGTH} characters of a-z, 0-9, '_' or '-': got ${
        JSON.stringify(value.slice(0, MAX_PROVIDER_LENGTH + 1))
      }`,
    );
  }
  return value;
}

/** A 32-byte public key in standard base64 (the key itself is never shown in a message). */
export function readPublicKey(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string") {
    throw invalid(`'${field}' must be a base64 string: got ${typeName(value)}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(value);
  } catch {
    throw invalid(`'${field}' must be standard base64: it has characters or padding outside it`);
  }
  if (bytes.length !== 32) {
    throw invalid(`'${field}' must be a 32-byte key: got ${bytes.length} bytes`);
  }
  return value;
}

/** Optional `scope`: printable text, at most 1000 characters. */
export function readScope(body: Record<string, unknown>): string | undefined {
  const value = body.scope;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw invalid(`'scope' must be a string: got ${typeName(value)}`);
  }
  if (value.length > MAX_SCOPE_LENGTH || !/^[\x20-\x7E]*$/.test(value)) {
    throw invalid(`'scope' must be at most ${MAX_SCOPE_LENGTH} printable ASCII characters`);
  }
  return value.trim() === "" ? undefined : value;
}

/** Optional `ttlSeconds`: a finite number (the caller clamps it). */
export function readTtlSeconds(body: Record<string, unknown>): number | undefined {
  const value = body.ttlSeconds;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw invalid(
      `'ttlSeconds' must be a number of seconds: got ${
        typeof value === "number" ? String(value) : typeName(value)
      }`,
    );
  }
  return value;
}

/** `refreshToken`: a non-empty string (never shown). */
export function readRefreshToken(body: Record<string, unknown>): string {
  const value = body.refreshToken;
  if (typeof value !== "string" || value === "") {
    throw invalid(
      `'refreshToken' must be a non-empty string: got ${
        value === "" ? "an empty string" : typeName(value)
      }`,
    );
  }
  if (value.length > MAX_REFRESH_TOKEN_LENGTH || !/^[\x21-\x7E]+$/.test(value)) {
    throw invalid(
      `'refreshToken' must be at most ${MAX_REFRESH_TOKEN_LENGTH} printable characters without spaces`,
    );
  }
  return value;
}

/** Optional `refreshBinding`: `v1.<kid>.<mac>` (checked in full by the proof check). */
export function readRefreshBinding(body: Record<string, unknown>): string | undefined {
  const value = body.refreshBinding;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length > 200 || !/^[\x21-\x7E]+$/.test(value)) {
    throw invalid("'refreshBinding' must be a string of at most 200 printable characters");
  }
  return value;
}

/** Optional `accessToken` (for `/revoke`): like a refresh token, never shown. */
export function readOptionalAccessToken(body: Record<string, unknown>): string | undefined {
  const value = body.accessToken;
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== "string" || value === "" || value.length > MAX_REFRESH_TOKEN_LENGTH ||
    !/^[\x21-\x7E]+$/.test(value)
  ) {
    throw invalid(
      `'accessToken' must be at most ${MAX_REFRESH_TOKEN_LENGTH} printable characters without spaces`,
    );
  }
  return value;
}
