/**
 * The builtin provider registry: the 20 providers of the clawauth skill, as data, one file per
 * provider under `./builtin/`.
 *
 * Each entry cites the documentation or official SDK source its endpoints and quirks were
 * checked against (`docs`, and per field in `sources`). Anything those did not confirm is said
 * there and in `notes` ("unconfirmed: …"), never guessed silently. Default scopes are the
 * smallest set that lets a token name its account.
 *
 * @see ./types.ts
 */

import type { ProviderSpec } from "./types.ts";
import { airtable } from "./builtin/airtable.ts";
import { asana } from "./builtin/asana.ts";
import { bitbucket } from "./builtin/bitbucket.ts";
import { box } from "./builtin/box.ts";
import { calendly } from "./builtin/calendly.ts";
import { digitalocean } from "./builtin/digitalocean.ts";
import { discord } from "./builtin/discord.ts";
import { dropbox } from "./builtin/dropbox.ts";
import { fathom } from "./builtin/fathom.ts";
import { figma } from "./builtin/figma.ts";
import { github } from "./builtin/github.ts";
import { gitlab } from "./builtin/gitlab.ts";
import { linear } from "./builtin/linear.ts";
import { notion } from "./builtin/notion.ts";
import { reddit } from "./builtin/reddit.ts";
import { slack } from "./builtin/slack.ts";
import { spotify } from "./builtin/spotify.ts";
import { todoist } from "./builtin/todoist.ts";
import { trello } from "./builtin/trello.ts";
import { twitch } from "./builtin/twitch.ts";

const SPECS: ProviderSpec[] = [
  notion,
  github,
  discord,
  linear,
  airtable,
  todoist,
  asana,
  trello,
  dropbox,
  digitalocean,
  slack,
  gitlab,
  reddit,
  figma,
  spotify,
  bitbucket,
  box,
  calendly,
  fathom,
  twitch,
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
