/**
 * The builtin provider registry: the 20 providers of the clawauth skill, as data.
 *
 * Each entry cites the documentation its endpoints and quirks were checked against (`docs`).
 * Anything those pages did not confirm is said in `notes` ("unconfirmed: …"), never guessed
 * silently. Default scopes are the smallest set that lets a token name its account.
 *
 * @see ./types.ts
 */

import type { ProviderSpec } from "./types.ts";

const SPECS: ProviderSpec[] = [
  {
    name: "notion",
    displayName: "Notion",
    authorizeUrl: "https://api.notion.com/v1/oauth/authorize",
    tokenUrl: "https://api.notion.com/v1/oauth/token",
    clientAuth: "basic",
    pkce: "none",
    scopeSeparator: " ",
    defaultScopes: [],
    authorizeParams: { owner: "user" },
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      rotates: true,
      note: "each refresh returns a new access and refresh token; the old refresh token is spent",
    },
    registerUrl: "https://www.notion.so/profile/integrations",
    docs: [
      "https://developers.notion.com/docs/authorization",
      "https://developers.notion.com/reference/create-a-token",
      "https://developers.notion.com/reference/refresh-a-token",
    ],
    userinfoUrl: "https://api.notion.com/v1/users/me",
    notes:
      "Public integration only; no OAuth scopes (the person picks pages). Token endpoint takes HTTP Basic; the reference shows a JSON body, form-encoding is what widely used clients (Arctic) send — unconfirmed in Notion's own docs. The response carries workspace_id/bot_id/owner. /v1/users/me needs a Notion-Version header.",
    source: "builtin",
  },
  {
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
    refresh: {
      supported: true,
      rotates: true,
      note:
        "only GitHub Apps with expiring user tokens issue refresh tokens (rotating); OAuth app tokens do not expire and come without one",
    },
    registerUrl: "https://github.com/settings/developers",
    docs: [
      "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps",
      "https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication",
    ],
    userinfoUrl: "https://api.github.com/user",
    notes:
      "Errors (bad_verification_code, incorrect_client_credentials, redirect_uri_mismatch) come back with HTTP 200 and an `error` field; without Accept: application/json the body is form-encoded. PKCE is S256 only and optional.",
    source: "builtin",
  },
  {
    name: "discord",
    displayName: "Discord",
    authorizeUrl: "https://discord.com/oauth2/authorize",
    tokenUrl: "https://discord.com/api/oauth2/token",
    clientAuth: "basic",
    pkce: "supported",
    scopeSeparator: " ",
    defaultScopes: ["identify"],
    tokenResponse: "oauth2",
    refresh: { supported: true },
    registerUrl: "https://discord.com/developers/applications",
    docs: [
      "https://discord.com/developers/docs/topics/oauth2",
      "https://discord.com/.well-known/oauth-authorization-server",
    ],
    userinfoUrl: "https://discord.com/api/users/@me",
    notes:
      "Authorization-server metadata lists client_secret_basic, client_secret_post and none, and S256. Unconfirmed: whether a refresh spends the old refresh token (treat the newest one as canonical).",
    source: "builtin",
  },
  {
    name: "linear",
    displayName: "Linear",
    authorizeUrl: "https://linear.app/oauth/authorize",
    tokenUrl: "https://api.linear.app/oauth/token",
    clientAuth: "body",
    pkce: "supported",
    scopeSeparator: ",",
    defaultScopes: ["read"],
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      rotates: true,
      note: "24 h access tokens; every app uses refresh tokens since 2026-04-01",
    },
    registerUrl: "https://linear.app/settings/api/applications/new",
    docs: ["https://linear.app/developers/oauth-2-0-authentication"],
    notes:
      "Scopes are comma separated; `read` is always granted. Identity via the GraphQL API (https://api.linear.app/graphql, `viewer`), no REST userinfo. Rotation of the refresh token on each refresh is from third-party guides (unconfirmed on Linear's page).",
    source: "builtin",
  },
  {
    name: "airtable",
    displayName: "Airtable",
    authorizeUrl: "https://airtable.com/oauth2/v1/authorize",
    tokenUrl: "https://airtable.com/oauth2/v1/token",
    clientAuth: "basic",
    pkce: "required",
    scopeSeparator: " ",
    defaultScopes: ["user.email:read"],
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      rotates: true,
      note: "refresh tokens are single use; refresh_expires_in is returned",
    },
    registerUrl: "https://airtable.com/create/oauth",
    docs: ["https://airtable.com/developers/web/api/oauth-reference"],
    userinfoUrl: "https://api.airtable.com/v0/meta/whoami",
    notes:
      "PKCE S256 is mandatory and at least one scope must be requested; scopes must also be enabled on the integration. Confidential integrations authenticate with HTTP Basic.",
    source: "builtin",
  },
  {
    name: "todoist",
    displayName: "Todoist",
    authorizeUrl: "https://app.todoist.com/oauth/authorize",
    tokenUrl: "https://api.todoist.com/oauth/access_token",
    clientAuth: "body",
    pkce: "none",
    scopeSeparator: ",",
    defaultScopes: ["data:read"],
    tokenResponse: "oauth2",
    refresh: { supported: false, note: "tokens do not expire (unconfirmed for the v1 API)" },
    registerUrl: "https://developer.todoist.com/appconsole.html",
    docs: [
      "https://developer.todoist.com/api/v1/#tag/Authorization/OAuth",
      "https://doist.github.io/todoist-api-typescript/authorization",
    ],
    userinfoUrl: "https://api.todoist.com/api/v1/user",
    notes:
      "Older endpoints https://todoist.com/oauth/authorize and /oauth/access_token are still widely used; the app.todoist.com / api.todoist.com pair is what current clients use — the API v1 reference page itself was not readable here (unconfirmed). Scopes are comma separated.",
    source: "builtin",
  },
  {
    name: "asana",
    displayName: "Asana",
    authorizeUrl: "https://app.asana.com/-/oauth_authorize",
    tokenUrl: "https://app.asana.com/-/oauth_token",
    clientAuth: "body",
    pkce: "supported",
    scopeSeparator: " ",
    defaultScopes: [],
    tokenResponse: "oauth2",
    refresh: { supported: true, rotates: false, note: "access tokens last one hour" },
    registerUrl: "https://app.asana.com/0/my-apps",
    docs: [
      "https://developers.asana.com/docs/oauth",
      "https://developers.asana.com/docs/getting-started-with-asana-oauth",
    ],
    userinfoUrl: "https://app.asana.com/api/1.0/users/me",
    notes:
      "Granular scopes (e.g. `users:read`) and full-permission apps are mutually exclusive, so no scope is sent by default; pass --scope for a granular-scope app. Unconfirmed here: PKCE (believed supported) and that refresh never rotates.",
    source: "builtin",
  },
  {
    name: "trello",
    displayName: "Trello",
    authorizeUrl: "https://auth.atlassian.com/authorize",
    tokenUrl: "https://auth.atlassian.com/oauth/token",
    clientAuth: "body",
    pkce: "required",
    scopeSeparator: " ",
    defaultScopes: ["read:member:trello", "offline_access"],
    authorizeParams: { audience: "api.atlassian.com", prompt: "consent" },
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      rotates: true,
      note: "needs offline_access; 1 h access tokens, rotating refresh tokens (90 days)",
    },
    registerUrl: "https://trello.com/power-ups/admin",
    docs: [
      "https://developer.atlassian.com/cloud/trello/guides/rest-api/oauth-2-confidential-client-usage/",
      "https://developer.atlassian.com/cloud/trello/scopes-for-oauth-2-3LO-and-forge-apps/",
      "https://community.developer.atlassian.com/t/rfc-89-introducing-oauth2-to-trello/90359",
    ],
    userinfoUrl: "https://api.trello.com/1/members/me",
    notes:
      "Trello OAuth 2.0 (3LO, PKCE) on Atlassian's authorization server; configure a confidential OAuth 2.0 client on the Trello app. Atlassian documents a JSON token body; form-encoding is accepted (Arctic's Atlassian client). Unconfirmed: whether Trello needs `audience=api.atlassian.com` (some Trello clients omit it).",
    source: "builtin",
  },
  {
    name: "dropbox",
    displayName: "Dropbox",
    authorizeUrl: "https://www.dropbox.com/oauth2/authorize",
    tokenUrl: "https://api.dropboxapi.com/oauth2/token",
    clientAuth: "basic",
    pkce: "supported",
    scopeSeparator: " ",
    defaultScopes: ["account_info.read"],
    authorizeParams: { token_access_type: "offline" },
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      rotates: false,
      note: "short-lived (4 h) access tokens; the refresh token is long-lived",
    },
    registerUrl: "https://www.dropbox.com/developers/apps",
    docs: [
      "https://dropbox.tech/developers/using-oauth-2-0-with-offline-access",
      "https://pub.dev/documentation/routed_auth/0.2.1/routed_auth/DropboxProviderOptions-class.html",
    ],
    userinfoUrl: "https://api.dropboxapi.com/2/users/get_current_account",
    notes:
      "Refresh tokens only with token_access_type=offline. The userinfo endpoint is a POST with no body. The token URL (api.dropboxapi.com; www.dropbox.com/oauth2/token is an older alias) and PKCE support come from Dropbox's SDKs and blog, not a reference page read here.",
    source: "builtin",
  },
  {
    name: "digitalocean",
    displayName: "DigitalOcean",
    authorizeUrl: "https://cloud.digitalocean.com/v1/oauth/authorize",
    tokenUrl: "https://cloud.digitalocean.com/v1/oauth/token",
    clientAuth: "body",
    pkce: "supported",
    scopeSeparator: " ",
    defaultScopes: ["read"],
    tokenResponse: "oauth2",
    refresh: { supported: true },
    registerUrl: "https://cloud.digitalocean.com/account/api/applications",
    docs: [
      "https://docs.digitalocean.com/documentation/oauth",
      "https://docs.digitalocean.com/reference/api/oauth",
    ],
    userinfoUrl: "https://api.digitalocean.com/v2/account",
    notes:
      "Refresh is grant_type=refresh_token on /token (an older page lists a /refresh endpoint). PKCE is documented for public clients. Unconfirmed: whether refresh rotates the refresh token.",
    source: "builtin",
  },
  {
    name: "slack",
    displayName: "Slack",
    authorizeUrl: "https://slack.com/oauth/v2/authorize",
    tokenUrl: "https://slack.com/api/oauth.v2.access",
    clientAuth: "basic",
    pkce: "supported",
    scopeSeparator: ",",
    defaultScopes: ["users:read"],
    scopeParam: "user_scope",
    tokenResponse: "slack",
    refresh: {
      supported: true,
      note: "only when token rotation is enabled for the app (12 h access tokens)",
    },
    registerUrl: "https://api.slack.com/apps",
    docs: [
      "https://docs.slack.dev/reference/methods/oauth.v2.access",
      "https://docs.slack.dev/tools/node-slack-sdk/reference/oauth/interfaces/OAuthV2Response",
    ],
    userinfoUrl: "https://slack.com/api/auth.test",
    notes:
      "Requests a user token (scopes go in `user_scope`); the user token arrives under `authed_user` and is lifted to the top level. Errors come with HTTP 200 and ok:false. Slack asks for HTTP Basic client auth; code_verifier is accepted. Unconfirmed: whether a rotating refresh spends the old refresh token.",
    source: "builtin",
  },
  {
    name: "gitlab",
    displayName: "GitLab",
    authorizeUrl: "https://gitlab.com/oauth/authorize",
    tokenUrl: "https://gitlab.com/oauth/token",
    clientAuth: "body",
    pkce: "supported",
    scopeSeparator: " ",
    defaultScopes: ["read_user"],
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      rotates: true,
      note: "2 h access tokens; a refresh returns a new refresh token",
    },
    registerUrl: "https://gitlab.com/-/user_settings/applications",
    docs: ["https://docs.gitlab.com/api/oauth2/"],
    userinfoUrl: "https://gitlab.com/api/v4/user",
    notes:
      "Self-managed instances: set GITLAB_AUTH_URL and GITLAB_TOKEN_URL. Refresh-token rotation is Doorkeeper's behaviour on gitlab.com (not stated on the page used).",
    source: "builtin",
  },
  {
    name: "reddit",
    displayName: "Reddit",
    authorizeUrl: "https://www.reddit.com/api/v1/authorize",
    tokenUrl: "https://www.reddit.com/api/v1/access_token",
    clientAuth: "basic",
    pkce: "none",
    scopeSeparator: " ",
    defaultScopes: ["identity"],
    authorizeParams: { duration: "permanent" },
    tokenHeaders: { "user-agent": "server:clawauth:1 (delegated OAuth for agents)" },
    tokenResponse: "oauth2",
    refresh: { supported: true, rotates: false, note: "only with duration=permanent" },
    registerUrl: "https://www.reddit.com/prefs/apps",
    docs: ["https://github.com/reddit-archive/reddit/wiki/OAuth2"],
    userinfoUrl: "https://oauth.reddit.com/api/v1/me",
    notes:
      "Create a 'web app'. The token endpoint wants HTTP Basic and a descriptive User-Agent. The wiki is archived (2017); Reddit's current API terms require approval for commercial use.",
    source: "builtin",
  },
  {
    name: "figma",
    displayName: "Figma",
    authorizeUrl: "https://www.figma.com/oauth",
    tokenUrl: "https://api.figma.com/v1/oauth/token",
    refreshUrl: "https://api.figma.com/v1/oauth/refresh",
    clientAuth: "basic",
    pkce: "none",
    scopeSeparator: " ",
    defaultScopes: ["current_user:read"],
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      rotates: false,
      note:
        "refresh at /v1/oauth/refresh; the response has no new refresh token (keep the old one)",
    },
    registerUrl: "https://www.figma.com/developers/apps",
    docs: [
      "https://developers.figma.com/docs/rest-api/authentication/",
      "https://community.auth0.com/t/figma-tokenurl-migration/182728",
    ],
    userinfoUrl: "https://api.figma.com/v1/me",
    notes:
      "The old token URL https://www.figma.com/api/oauth/token was retired on 2025-02-26. The scope `files:read` is deprecated in favour of granular scopes. Unconfirmed: PKCE support (not sent).",
    source: "builtin",
  },
  {
    name: "spotify",
    displayName: "Spotify",
    authorizeUrl: "https://accounts.spotify.com/authorize",
    tokenUrl: "https://accounts.spotify.com/api/token",
    clientAuth: "basic",
    pkce: "supported",
    scopeSeparator: " ",
    defaultScopes: ["user-read-private"],
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      note: "a refresh may or may not return a new refresh token; keep the old one when absent",
    },
    registerUrl: "https://developer.spotify.com/dashboard",
    docs: [
      "https://educative.io/courses/integrate-the-spotify-api-in-javascript/refresh-access-tokens",
      "https://hexdocs.pm/sptfy/Sptfy.OAuth.html",
    ],
    userinfoUrl: "https://api.spotify.com/v1/me",
    notes:
      "Redirect URIs must be HTTPS or a loopback IP literal (not `localhost`). The Spotify pages were not readable here; endpoints were checked against client libraries and tutorials (unconfirmed on developer.spotify.com itself).",
    source: "builtin",
  },
  {
    name: "bitbucket",
    displayName: "Bitbucket",
    authorizeUrl: "https://bitbucket.org/site/oauth2/authorize",
    tokenUrl: "https://bitbucket.org/site/oauth2/access_token",
    clientAuth: "basic",
    pkce: "none",
    scopeSeparator: " ",
    defaultScopes: [],
    tokenResponse: "oauth2",
    refresh: { supported: true, note: "access tokens expire after 2 hours" },
    registerUrl: "https://bitbucket.org/account/workspaces/",
    docs: [
      "https://developer.atlassian.com/cloud/bitbucket/oauth-2/",
      "https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/",
    ],
    userinfoUrl: "https://api.bitbucket.org/2.0/user",
    notes:
      "Not Atlassian 3LO: an OAuth consumer is created under Workspace settings → OAuth consumers, and its permission checkboxes are the scopes (no scope parameter needed). Unconfirmed: PKCE and refresh-token rotation.",
    source: "builtin",
  },
  {
    name: "box",
    displayName: "Box",
    authorizeUrl: "https://account.box.com/api/oauth2/authorize",
    tokenUrl: "https://api.box.com/oauth2/token",
    clientAuth: "body",
    pkce: "none",
    scopeSeparator: " ",
    defaultScopes: [],
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      rotates: true,
      note: "refresh tokens are single use and valid 60 days; access tokens 60 minutes",
    },
    registerUrl: "https://app.box.com/developers/console",
    docs: [
      "https://developer.box.com/guides/authentication/tokens/access-tokens/",
      "https://developer.box.com/guides/authentication/tokens/refresh",
    ],
    userinfoUrl: "https://api.box.com/2.0/users/me",
    notes:
      "Scopes are configured on the app; the optional `scope` parameter can only narrow them. Unconfirmed: PKCE support.",
    source: "builtin",
  },
  {
    name: "calendly",
    displayName: "Calendly",
    authorizeUrl: "https://auth.calendly.com/oauth/authorize",
    tokenUrl: "https://auth.calendly.com/oauth/token",
    clientAuth: "body",
    pkce: "supported",
    scopeSeparator: " ",
    defaultScopes: [],
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      rotates: true,
      note: "2 h access tokens; single-use refresh tokens",
    },
    registerUrl: "https://developer.calendly.com/",
    docs: [
      "https://developer.calendly.com/api-docs/calendly-o-auth/o-auth/get-oauth-authorize",
      "https://developer.calendly.com/how-to-access-calendly-data-on-behalf-of-authenticated-users",
      "https://developer.calendly.com/refresh-token-rotation-guide",
    ],
    userinfoUrl: "https://api.calendly.com/users/me",
    notes:
      "Calendly recommends PKCE (S256) for every app. Scopes (since 2026-03) are chosen when registering the app; unconfirmed whether the authorize endpoint takes a `scope` parameter, so none is sent. Unconfirmed: client auth method (body and HTTP Basic are both used by clients in the wild).",
    source: "builtin",
  },
  {
    name: "fathom",
    displayName: "Fathom",
    authorizeUrl: "https://fathom.video/external/v1/oauth2/authorize",
    tokenUrl: "https://fathom.video/external/v1/oauth2/token",
    clientAuth: "body",
    pkce: "none",
    scopeSeparator: " ",
    defaultScopes: ["public_api"],
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      rotates: true,
      note: "24 h access tokens; refresh tokens are one-time use",
    },
    registerUrl: "https://developers.fathom.ai/oauth",
    docs: [
      "https://developers.fathom.ai/sdks/oauth",
      "https://app.unpkg.com/fathom-typescript@0.0.37/files/src/funcs/withAuthorization.ts",
    ],
    notes:
      "Fathom the meeting notetaker (fathom.video), not Fathom Analytics. Endpoints are those of Fathom's official TypeScript SDK; one page of the docs names https://api.fathom.ai/external/v1/oauth2/token, reported not to work. The single scope is `public_api`. Unconfirmed: PKCE. No userinfo endpoint (API base https://api.fathom.ai/external/v1).",
    source: "builtin",
  },
  {
    name: "twitch",
    displayName: "Twitch",
    authorizeUrl: "https://id.twitch.tv/oauth2/authorize",
    tokenUrl: "https://id.twitch.tv/oauth2/token",
    clientAuth: "body",
    pkce: "none",
    scopeSeparator: " ",
    defaultScopes: [],
    tokenResponse: "oauth2",
    refresh: {
      supported: true,
      note: "confidential clients' refresh tokens do not expire; a refresh returns a refresh token",
    },
    registerUrl: "https://dev.twitch.tv/console/apps",
    docs: [
      "https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/",
      "https://dev.twitch.tv/docs/authentication/",
    ],
    userinfoUrl: "https://api.twitch.tv/helix/users",
    notes:
      "The token response's `scope` is a JSON array. helix/users needs a Client-Id header besides the bearer token (or use https://id.twitch.tv/oauth2/validate). No scope is needed to read the user's public profile.",
    source: "builtin",
  },
];

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/**
 * The builtin providers, in the skill's order; frozen (copy an entry to change it).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749
 */
export const BUILTIN_PROVIDERS: readonly ProviderSpec[] = deepFreeze(SPECS);
