// The conformance suite's description of one provider, as the provider documents it: every
// behaviour carries the documentation (or official SDK source) it comes from in `doc`. The
// loopback stand-in (tests/fixtures/provider_standin.ts) answers exactly this, and refuses any
// request that differs from it.

import type { AccountIdentity } from "../../../providers/identity.ts";

/** A documented behaviour and where it is documented. */
export interface Cited<T> {
  value: T;
  doc: string;
}

/** Tokens the stand-in minted for one answer. */
export interface Minted {
  accessToken: string;
  refreshToken: string;
  /** The stand-in's account id (and the configured client id, for shapes that echo it). */
  accountId: string;
}

/** A JSON (or, with `form`, form-encoded) answer and its status. */
export interface Answer {
  status: number;
  body: unknown;
  /** Send `body` form-encoded instead of JSON. */
  form?: boolean;
}

export interface ProviderFixture {
  name: string;
  /** The provider's documented endpoints (the registry's defaults must equal them). */
  endpoints: Cited<{
    authorize: string;
    token: string;
    refresh?: string;
    userinfo?: string;
    revoke?: string;
  }>;
  authorize: {
    /** Exact value of the scope parameter by default (`null`: the parameter is absent). */
    scope: Cited<string | null>;
    /** Authorize parameter that carries the scope (Slack `user_scope`); default `scope`. */
    scopeParam?: string;
    /**
     * `required`: refused without an S256 challenge; `accepted`: used when sent; `refused`: the
     * provider refuses PKCE parameters from this (confidential) client.
     */
    pkce: Cited<"required" | "accepted" | "refused">;
    /** Parameters that force the consent screen (null: none documented). */
    consent: Cited<Record<string, string> | null>;
    /** Other required parameters (offline access and the like). */
    extra?: Cited<Record<string, string>>;
  };
  token: {
    clientAuth: Cited<"basic" | "body">;
    encoding: Cited<"form" | "json">;
    /** Headers the token endpoint needs (GitHub `accept`, Reddit `user-agent`). */
    headers?: Cited<Record<string, string>>;
    /** The refresh grant goes to this path instead of `/token` (Figma `/refresh`). */
    refreshPath?: Cited<string>;
    /** Answer to a valid authorization code. */
    success: Cited<(minted: Minted) => Answer>;
    /** Answer to a valid refresh token. `rotates`: it carries a new refresh token and spends the old. */
    refresh: Cited<(minted: Minted) => Answer>;
    rotates: Cited<boolean>;
    /** Answer to a refresh token that is spent, revoked or unknown. */
    refused: Cited<Answer>;
  };
  identity: Cited<
    | { source: "token_response"; expect: AccountIdentity }
    | {
      source: "userinfo";
      /** Headers the identity endpoint needs; `{client_id}` is the configured client id. */
      headers?: Record<string, string>;
      answer: (accountId: string) => unknown;
      expect: AccountIdentity;
    }
    | null
  >;
  revoke: Cited<
    | {
      method: "POST" | "DELETE";
      /** How the request authenticates: the client (basic/body/none) or the access token. */
      auth: "basic" | "body" | "none" | "bearer";
      encoding: "form" | "json" | "empty";
      /** Body field holding the token (absent for bearer-only requests). */
      tokenField?: string;
      token: "access_token" | "refresh_token";
      answer: Answer;
      /** Path relative to the provider's stand-in root; default `/revoke`. */
      path?: string;
    }
    | null
  >;
}
