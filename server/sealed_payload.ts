/**
 * The plaintext sealed to a session's X25519 key, built in one place so every field the
 * payload gains (identity now, others later) is added here once.
 */

import type { SealedIdentity, SealedTokenPayload } from "../shared/wire.ts";

/** What a sealed payload is made of. */
export interface SealedPayloadInput {
  provider: string;
  /** Epoch milliseconds the server received the token response. */
  issuedAt: number;
  tokenData: Record<string, unknown>;
  identity?: SealedIdentity;
}

/** The `{provider, issuedAt, tokenData, identity?}` payload of a claim. */
export function buildSealedPayload(input: SealedPayloadInput): SealedTokenPayload {
  const payload: SealedTokenPayload = {
    provider: input.provider,
    issuedAt: new Date(input.issuedAt).toISOString(),
    tokenData: input.tokenData,
  };
  if (input.identity !== undefined) payload.identity = input.identity;
  return payload;
}
