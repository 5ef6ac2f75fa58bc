// The conformance fixtures of all 20 builtin providers, in the registry's order.

import type { ProviderFixture } from "./_types.ts";
import { airtable } from "./airtable.ts";
import { asana } from "./asana.ts";
import { bitbucket } from "./bitbucket.ts";
import { box } from "./box.ts";
import { calendly } from "./calendly.ts";
import { digitalocean } from "./digitalocean.ts";
import { discord } from "./discord.ts";
import { dropbox } from "./dropbox.ts";
import { fathom } from "./fathom.ts";
import { figma } from "./figma.ts";
import { github } from "./github.ts";
import { gitlab } from "./gitlab.ts";
import { linear } from "./linear.ts";
import { notion } from "./notion.ts";
import { reddit } from "./reddit.ts";
import { slack } from "./slack.ts";
import { spotify } from "./spotify.ts";
import { todoist } from "./todoist.ts";
import { trello } from "./trello.ts";
import { twitch } from "./twitch.ts";

export const FIXTURES: readonly ProviderFixture[] = [
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
