/**
 * GitHub (OAuth apps and GitHub Apps' user tokens).
 *
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 */

import type { ProviderSpec } from "../types.ts";

/** GitHub's registry entry; `sources` says what settled each field. */
export const github: ProviderSpec = {
  name: "github",
  displayName: "GitHub",
  authorizeUrl: "https://github.com/login/oauth/authorize",
  tokenUrl: "https://github.com/login/oauth/access_token",
  clientAuth: "body",
  pkce: "supported",
  scopeSeparator: " ",
  defaultScopes: ["read:user"],
  tokenHeaders: { accept: "application/json" },
  tokenResponse: "github",
  errorShape: {
    invalidGrant: ["bad_verification_code", "bad_refresh_token"],
    example:
      'HTTP 200 {"error":"bad_refresh_token","error_description":"The refresh token passed is incorrect or expired.","error_uri":"…"}',
  },
  refresh: {
    supported: true,
    rotates: true,
    note:
      "only GitHub Apps with expiring user tokens issue refresh tokens (rotating); OAuth app tokens do not expire and come without one",
  },
  registerUrl: "https://github.com/settings/developers",
  docs: [
    "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps",
    "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens",
    "https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication",
  ],
  userinfoUrl: "https://api.github.com/user",
  identity: {
    source: "userinfo",
    headers: { "x-github-api-version": "2022-11-28" },
    id: "id",
    login: "login",
    email: "email",
    name: "name",
  },
  consentParams: { prompt: "select_account" },
  revoke: {
    url: "https://api.github.com/applications/{client_id}/grant",
    style: "github",
    clientAuth: "basic",
    token: "access_token",
  },
  api: {
    baseUrl: "https://api.github.com",
    hosts: ["api.github.com", "uploads.github.com"],
    headers: { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" },
  },
  toolEnv: ["GH_TOKEN", "GITHUB_TOKEN"],
  notes:
    "Errors (bad_verification_code, incorrect_client_credentials, redirect_uri_mismatch, bad_refresh_token) come back with HTTP 200 and an `error` field; without Accept: application/json the body is form-encoded. PKCE is S256 only and optional. GitHub has no parameter that forces the consent screen; prompt=select_account forces the account picker.",
  sources: {
    endpoints: "docs.github.com …/authorizing-oauth-apps (authorize, access_token)",
    clientAuth: "docs.github.com …/authorizing-oauth-apps: client_id + client_secret parameters",
    pkce: "github.blog changelog 2025-07-14 (S256, optional)",
    refresh:
      "docs.github.com …/refreshing-user-access-tokens: a used refresh token and its access token stop working (rotation)",
    errors:
      "docs.github.com …/troubleshooting-oauth-app-access-token-request-errors + refreshing-user-access-tokens (bad_refresh_token, HTTP 200)",
    identity:
      "docs.github.com/en/rest/users/users#get-the-authenticated-user (id, login, email, name)",
    consent:
      "docs.github.com …/authorizing-oauth-apps: prompt=select_account forces the account picker",
    revoke:
      "docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization (DELETE /applications/{client_id}/grant, Basic, {access_token}); octokit/oauth-methods deleteAuthorization",
    api:
      "docs.github.com/en/rest (api.github.com, uploads.github.com, X-GitHub-Api-Version 2022-11-28)",
    toolEnv: "cli.github.com/manual/gh_help_environment (GH_TOKEN, GITHUB_TOKEN)",
  },
  source: "builtin",
};
