// The human handoff under attack, in headless chromium against a real server process and the
// real oidc-provider upstream: drive-by navigation and cross-site form posts from another
// origin, and link swaps in both orders between two browsers (two browser contexts, each
// signed in to the provider as a different person).

import assert from "node:assert/strict";
import {
  type Browser,
  type BrowserContext,
  completeLoginInBrowser,
  launchBrowser,
  type Page,
} from "../fixtures/browser.ts";
import {
  agentClaim,
  agentStart,
  agentStatus,
  type HandoffSetup,
  startHandoff,
} from "./_handoff.ts";
import { openBlob } from "./_server_flow.ts";

async function pageKind(page: Page): Promise<string> {
  return String(await page.evaluate("document.body ? document.body.dataset.page || '' : ''"));
}

async function bodyText(page: Page): Promise<string> {
  return String(await page.evaluate("document.body ? document.body.innerText : ''"));
}

/** Waits until the page shows one of the server's pages (or anything, after `timeoutMs`). */
async function settle(page: Page, serverUrl: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const kind = await pageKind(page).catch(() => "");
    if (page.url().startsWith(serverUrl) && kind !== "") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A web page on another origin (a second loopback server) that attacks `link`. */
function startAttackerSite(link: string, csrfToken: string) {
  const pages: Record<string, string> = {
    // Navigates the visitor's browser to the attacker's own link, no click needed.
    "/nav": `<!doctype html><meta http-equiv="refresh" content="0;url=${link}"><p>loading</p>`,
    // An auto-submitting cross-site form aimed at the confirmation page's button.
    "/form": `<!doctype html><form method="post" action="${link}">` +
      `<input type="hidden" name="csrf" value="${csrfToken}"></form>` +
      `<script>document.forms[0].submit()</script>`,
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const html = pages[new URL(req.url).pathname];
    return html === undefined
      ? new Response("not found", { status: 404 })
      : new Response(html, { headers: { "content-type": "text/html" } });
  });
  // "localhost" is another origin (and another site) than the server's 127.0.0.1.
  return { url: `http://localhost:${server.addr.port}`, close: () => server.shutdown() };
}

async function withHandoff(
  fn: (setup: HandoffSetup, browser: Browser) => Promise<void>,
): Promise<void> {
  const setup = await startHandoff();
  const browser = await launchBrowser();
  try {
    await fn(setup, browser);
  } finally {
    await browser.close();
    await setup.stop();
  }
}

/** A person's browser, signed in to the provider as `account` through a login of their own. */
async function signedInBrowser(
  setup: HandoffSetup,
  browser: Browser,
  account: string,
): Promise<BrowserContext> {
  const context = await browser.createBrowserContext();
  const own = await agentStart(setup.url, "quiet");
  const done = await completeLoginInBrowser(browser, own.init.shortAuthUrl, { account, context });
  assert.equal(done.status, 200, done.bodyText);
  return context;
}

Deno.test("drive-by: a page on another origin that navigates to, or posts to, an attacker's link never completes it", async () => {
  await withHandoff(async (setup, browser) => {
    // The victim signed in and approved this OAuth app before: the provider approves a
    // returning user without asking (the `quiet` provider forces no consent screen).
    const victim = await signedInBrowser(setup, browser, "alice");
    const grantsBefore = setup.upstream.counts.authorizationCodeGrants;

    const attacker = await agentStart(setup.url, "quiet");
    const link = attacker.init.shortAuthUrl;
    // The attacker's own CSRF token (for their own cookie) is all they can put in a form.
    const own = await fetch(link);
    const token = (await own.text()).match(/name="csrf" value="([^"]+)"/)?.[1] ?? "x";
    const site = startAttackerSite(link, token);
    try {
      const page = await victim.newPage();
      await page.goto(`${site.url}/nav`, { waitUntil: "load" });
      await settle(page, setup.url);
      assert.equal(await pageKind(page), "confirm", await bodyText(page));
      assert.match(await bodyText(page), new RegExp(attacker.init.confirmationCode!));

      await page.goto(`${site.url}/form`, { waitUntil: "load" });
      await settle(page, setup.url);
      assert.equal(await pageKind(page), "error", await bodyText(page));
      assert.match(await bodyText(page), /did not come from the sign-in page itself/);
      await page.close();
    } finally {
      await site.close();
    }
    const status = await agentStatus(setup.url, attacker.init.sessionId, attacker.keys);
    assert.equal(status.body.status, "pending", "the attacker's login was not completed");
    assert.equal(setup.upstream.counts.authorizationCodeGrants, grantsBefore, "no code exchanged");
    await victim.close();
  });
});

Deno.test("link swap, intruder first: the intruder's account is never delivered", async () => {
  await withHandoff(async (setup, browser) => {
    const human = await browser.createBrowserContext();
    const intruderBrowser = await browser.createBrowserContext();
    const { init, keys } = await agentStart(setup.url, "demo");
    // The intruder got the link first and signs in with their own account.
    const intruder = await completeLoginInBrowser(browser, init.shortAuthUrl, {
      account: "bob",
      context: intruderBrowser,
    });
    assert.equal(intruder.status, 200, intruder.bodyText);
    // The human opens the link later: told what happened, and can stop it.
    const page = await human.newPage();
    await page.goto(init.shortAuthUrl, { waitUntil: "load" });
    assert.equal(await pageKind(page), "used-elsewhere", await bodyText(page));
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("#continue")]);
    assert.equal(await pageKind(page), "contested");
    assert.match(await bodyText(page), /already used in another browser/);

    const claim = await agentClaim(setup.url, init.sessionId, keys);
    assert.equal(claim.status, 400);
    assert.equal(claim.body.code, "session_contested");
    assert.equal(claim.body.blob, undefined, "bob's token was not handed over");
    await human.close();
    await intruderBrowser.close();
  });
});

Deno.test("link swap, human first: the intruder cannot continue and the human is warned", async () => {
  await withHandoff(async (setup, browser) => {
    const human = await browser.createBrowserContext();
    const intruderBrowser = await browser.createBrowserContext();
    const { init, keys } = await agentStart(setup.url, "demo");
    // The human continues and is at the provider's sign-in page...
    const page = await human.newPage();
    await page.goto(init.shortAuthUrl, { waitUntil: "load" });
    assert.equal(await pageKind(page), "confirm");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("#continue")]);
    assert.equal(await pageKind(page), "login");
    // ...when the intruder, who learned the link, tries to finish with their own account.
    await assert.rejects(
      completeLoginInBrowser(browser, init.shortAuthUrl, {
        account: "bob",
        context: intruderBrowser,
      }),
      /already used in another browser/,
    );
    // The human finishes at the provider: a warning, not a success.
    await page.type("input[name=login]", "alice");
    await page.type("input[name=password]", "alice-password");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("#login-submit")]);
    if (await pageKind(page) === "consent") {
      await Promise.all([
        page.waitForNavigation({ waitUntil: "load" }),
        page.click("#consent-allow"),
      ]);
    }
    assert.equal(await pageKind(page), "contested", await bodyText(page));
    assert.match(await bodyText(page), /also used in another browser/);

    const claim = await agentClaim(setup.url, init.sessionId, keys);
    assert.equal(claim.body.code, "session_contested");
    assert.equal(claim.body.blob, undefined);
    assert.equal(setup.upstream.counts.authorizationCodeGrants, 0, "no code was exchanged");
    await human.close();
    await intruderBrowser.close();
  });
});

Deno.test("the confirmation page works without JavaScript on a 390 px screen, end to end", async () => {
  await withHandoff(async (setup, browser) => {
    const context = await browser.createBrowserContext();
    const { init, keys } = await agentStart(setup.url, "demo");
    const page = await context.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setViewport({ width: 390, height: 844 });
    await page.goto(init.shortAuthUrl, { waitUntil: "load" });
    const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
    assert.ok(width <= 390, `no horizontal scrolling: ${width}px`);
    const button = await page.$("#continue");
    const box = await button!.boundingBox();
    assert.ok(box !== null && box.x >= 0 && box.x + box.width <= 390 && box.height >= 40);
    await page.close();
    const done = await completeLoginInBrowser(browser, init.shortAuthUrl, {
      account: "alice",
      context,
    });
    assert.equal(done.status, 200, done.bodyText);
    assert.match(done.bodyText, new RegExp(`Code\\s+${init.confirmationCode}`));
    const claim = await agentClaim(setup.url, init.sessionId, keys);
    assert.equal(claim.status, 200);
    const payload = openBlob(claim.body.blob, keys);
    assert.deepEqual(payload.identity, { id: "alice" });
    await context.close();
  });
});
