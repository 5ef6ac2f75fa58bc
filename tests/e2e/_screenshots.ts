// Screenshots of every page a person can meet in the handoff, for review by eye:
//   deno run -A tests/e2e/_screenshots.ts [outDir]   (default /tmp/clawauth-pages)
// Real server process, real oidc-provider upstream, headless chromium at a 390 px phone width.

import { completeLoginInBrowser, launchBrowser, type Page } from "../fixtures/browser.ts";
import { startServerProcess } from "../fixtures/server_process.ts";
import { agentClaim, agentStart, startHandoff } from "./_handoff.ts";

const outDir = Deno.args[0] ?? "/tmp/clawauth-pages";
await Deno.mkdir(outDir, { recursive: true });
const setup = await startHandoff();
const browser = await launchBrowser();

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${outDir}/${name}.png`, fullPage: true });
  const kind = await page.evaluate("document.body.dataset.page || ''");
  console.log(`${name}.png  data-page=${kind}  ${page.url()}`);
}

async function phone(): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1 });
  return page;
}

async function click(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
}

async function signIn(page: Page, account: string, consent: "allow" | "deny" = "allow") {
  await page.type("input[name=login]", account);
  await page.type("input[name=password]", `${account}-password`);
  await click(page, "#login-submit");
  if (await page.evaluate("document.body.dataset.page") === "consent") {
    await click(page, consent === "allow" ? "#consent-allow" : "#consent-deny");
  }
}

try {
  // Confirmation page, then success.
  const a = await agentStart(setup.url, "demo");
  const human = await phone();
  await human.goto(a.init.shortAuthUrl, { waitUntil: "load" });
  await shoot(human, "01-confirm");
  await click(human, "#continue");
  await signIn(human, "alice");
  await shoot(human, "02-success");
  await human.goto(a.init.shortAuthUrl, { waitUntil: "load" });
  await shoot(human, "03-already-completed");
  // Another browser opens a completed, unclaimed sign-in.
  const other = await phone();
  await other.goto(a.init.shortAuthUrl, { waitUntil: "load" });
  await shoot(other, "04-used-elsewhere");
  await agentClaim(setup.url, a.init.sessionId, a.keys);
  await human.goto(a.init.shortAuthUrl, { waitUntil: "load" });
  await shoot(human, "05-already-claimed");

  // Declined at the provider.
  const d = await agentStart(setup.url, "demo");
  const decliner = await phone();
  await decliner.goto(d.init.shortAuthUrl, { waitUntil: "load" });
  await click(decliner, "#continue");
  await signIn(decliner, "alice", "deny");
  await shoot(decliner, "06-declined");

  // Two browsers: the second sees "already used", the first is warned at its callback.
  const c = await agentStart(setup.url, "demo");
  const first = await phone();
  await first.goto(c.init.shortAuthUrl, { waitUntil: "load" });
  await click(first, "#continue");
  const second = await phone();
  await second.goto(c.init.shortAuthUrl, { waitUntil: "load" });
  await shoot(second, "07-confirm-bound-elsewhere");
  await click(second, "#continue");
  await shoot(second, "08-contested-second-browser");
  await signIn(first, "alice");
  await shoot(first, "09-contested-first-browser-callback");

  // Expired or unknown link.
  const expired = await phone();
  await expired.goto(`${setup.url}/demo/${crypto.randomUUID()}`, { waitUntil: "load" });
  await shoot(expired, "10-expired");

  // A cross-site form post.
  const x = await agentStart(setup.url, "demo");
  const site = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
    new Response(
      `<form method="post" action="${x.init.shortAuthUrl}"></form><script>document.forms[0].submit()</script>`,
      { headers: { "content-type": "text/html" } },
    ));
  const victim = await phone();
  await victim.goto(`http://localhost:${site.addr.port}/`, { waitUntil: "load" });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await shoot(victim, "11-cross-site-refused");
  await site.shutdown();

  // Too many opens from one address.
  const limited = await startServerProcess({
    env: { STATE_SIGNING_SECRET: "x".repeat(40), CLAWAUTH_LINK_RATE_LIMIT: "1" },
  });
  try {
    const page = await phone();
    await page.goto(`${limited.url}/demo/${crypto.randomUUID()}`, { waitUntil: "load" });
    await page.goto(`${limited.url}/demo/${crypto.randomUUID()}`, { waitUntil: "load" });
    await shoot(page, "12-rate-limited");
  } finally {
    await limited.stop();
  }

  // Desktop width, for comparison.
  const wide = await agentStart(setup.url, "demo");
  const desk = await (await browser.createBrowserContext()).newPage();
  await desk.setViewport({ width: 1200, height: 800 });
  await desk.goto(wide.init.shortAuthUrl, { waitUntil: "load" });
  await shoot(desk, "13-confirm-desktop");
  void completeLoginInBrowser;
} finally {
  await browser.close();
  await setup.stop();
}
