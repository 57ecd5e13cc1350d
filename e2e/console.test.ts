import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestVigil,
  TEST_ADMIN_PASSWORD,
  type TestVigil,
} from "../packages/server/src/test-support/test-vigil.js";
import {
  BROWSER_TIME_ZONE,
  CHROMIUM_PATH,
  hasChromium,
  launchChromium,
  newConsolePage,
  type PageProblems,
  watchProblems,
} from "./support/browser.js";
import { drawerField, shoot as shootPage, submitLogin, tid } from "./support/console-page.js";
import {
  hasLogger,
  type SampleLine,
  sendTcp,
  sendUdp,
  sendWithLogger,
  sophosFirewallDrop,
  sophosWafBlock,
  sshdFailure,
} from "./support/syslog.js";
import { parseCount, textOf, waitUntil, wallClock } from "./support/wait.js";

/**
 * The console as a user meets it: the built React app served by a whole in-process Vigil, driven in
 * real Chromium, fed by real syslog over TCP and UDP. The steps share one browser tab and run in order.
 */

const WEB_DIST = resolve(import.meta.dirname, "../packages/web/dist");
const SHOTS = resolve(import.meta.dirname, "../test-results/e2e");

if (!hasChromium) {
  console.warn(
    `e2e/console.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set VIGIL_CHROMIUM)`,
  );
}

const unique = (what: string): string => `e2e-${what}-${randomBytes(4).toString("hex")}`;

describe.skipIf(!hasChromium)("the console in Chromium", () => {
  let t: TestVigil;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  // Events sent in the dashboard step and looked for again in the explorer.
  const sent: Array<SampleLine & { at: number }> = [];

  const shoot = (name: string): Promise<void> => shootPage(page, SHOTS, name);

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, "index.html"))) {
      throw new Error("The console is not built: run `npm run build -w packages/web` first (npm test does).");
    }
    mkdirSync(SHOTS, { recursive: true });
    [t, browser] = await Promise.all([startTestVigil({ VIGIL_WEB_DIR: WEB_DIST }), launchChromium()]);
    ({ context, page } = await newConsolePage(browser));
    problems = watchProblems(page);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it("signs in through the form, showing the server's message for a wrong password", async () => {
    await page.goto(`${t.vigil.httpUrl}/`);
    // Not signed in: the console sends the user to the form and remembers where they were going.
    await page.waitForURL(/\/login\?next=%2F$/);

    const wrong = await t.api("POST", "/api/v1/auth/login", { username: "admin", password: "not-it" });
    expect(wrong.status).toBe(401);
    const serverDetail = (wrong.json() as { detail: string }).detail;
    expect(serverDetail).toBeTruthy();

    await submitLogin(page, "admin", "not-the-password");
    await expect(textOf(page.locator(tid("login-error")))).resolves.toBe(serverDetail);
    // The password field is emptied for the next try; the console stays on the form.
    await expect(page.locator(tid("login-password")).inputValue()).resolves.toBe("");
    expect(page.url()).toContain("/login");
    // Chromium logs the 401 of a failed sign-in as a failed resource load: expected here, and only here.
    await shoot("login-error.png");
    const provoked = problems.take(/status of 401/);
    expect(provoked.length).toBeLessThanOrEqual(1);

    await page.locator(tid("login-password")).fill(TEST_ADMIN_PASSWORD);
    await page.locator(tid("login-submit")).click();
    await page.waitForURL(`${t.vigil.httpUrl}/`);
    await expect(textOf(page.locator(tid("current-user")))).resolves.toMatch(/^admin\s/);
  });

  it("shows syslog from TCP, UDP and logger in the live feed within seconds, and the count rises", async () => {
    const status = page.locator(tid("ws-status"));
    await waitUntil("the live indicator", async () => (await status.getAttribute("data-status")) === "live");
    await expect(textOf(status)).resolves.toBe("Live");
    const total = page.locator(tid("stat-total"));
    await total.waitFor();
    const before = parseCount(await textOf(total));
    expect(before).toBeGreaterThanOrEqual(0);

    // Whole seconds: Sophos and RFC 3164 timestamps carry no milliseconds.
    const at = Math.floor(Date.now() / 1000) * 1000;
    const fw = { ...sophosFirewallDrop(unique("fw"), at), at };
    const waf = { ...sophosWafBlock(unique("waf"), at), at };
    const ssh = { ...sshdFailure(unique("ssh"), at), at };
    sent.push(fw, waf, ssh);
    await sendTcp(t.syslogPort, `${fw.line}\n${waf.line}\n`);
    await sendUdp(t.syslogPort, ssh.line);
    if (hasLogger) {
      const viaLogger = { ...sshdFailure(unique("logger"), at, "198.51.100.7"), at };
      const message = viaLogger.line.slice(viaLogger.line.indexOf("Failed password"));
      await sendWithLogger(t.syslogPort, "sshd", "auth.warning", message);
      sent.push({ ...viaLogger, line: message });
    } else {
      console.warn("util-linux logger not installed: the logger step is skipped");
    }

    const started = Date.now();
    for (const event of sent) {
      const row = page.locator(tid("live-feed-row")).filter({ hasText: event.marker });
      await row.waitFor({ timeout: 10_000 });
      await expect(textOf(row)).resolves.toContain(event.src_ip);
    }
    const feedMs = Date.now() - started;
    console.info(`live feed: ${sent.length} events visible ${feedMs} ms after sending`);

    const after = await waitUntil(
      "the total events card to count the new events",
      async () => {
        const n = parseCount(await textOf(total));
        return n >= before + sent.length ? n : undefined;
      },
      15_000,
    );
    expect(after).toBeGreaterThanOrEqual(before + sent.length);
    await expect(page.locator(tid("live-feed-row")).count()).resolves.toBe(sent.length);
    await expect(textOf(page.locator(tid("stat-blocked")))).resolves.toMatch(/^[1-9]/);
    await shoot("dashboard-live.png");
  });

  it("lists the same events in the explorer, filters by free text and opens one in the drawer", async () => {
    await page.locator(tid("nav-events")).click();
    await page.waitForURL(/\/events$/);
    const rows = page.locator(tid("events-row"));
    for (const event of sent) await rows.filter({ hasText: event.marker }).waitFor();

    const fw = sent[0];
    if (!fw) throw new Error("the dashboard step sent nothing");
    await page.locator(tid("filter-q")).fill(fw.marker);
    await page.locator(tid("filter-apply")).click();
    await page.waitForURL((url) => url.pathname === "/events" && url.searchParams.get("q") === fw.marker);
    await waitUntil("the explorer to narrow to one row", async () => (await rows.count()) === 1);
    await expect(textOf(rows.first())).resolves.toContain(fw.marker);

    // Text that looks like SQL is searched for as text: the WAF line carries it.
    await page.locator(tid("filter-q")).fill("' OR 1=1");
    await page.locator(tid("filter-apply")).click();
    await page.waitForURL((url) => url.searchParams.get("q") === "' OR 1=1");
    await waitUntil("the SQL-looking search to find the WAF line", async () => {
      const texts = await rows.allTextContents();
      return texts.length === 1 && texts[0]?.includes("WAF");
    });

    await page.locator(tid("filter-q")).fill(fw.marker);
    await page.locator(tid("filter-apply")).click();
    await waitUntil("the firewall row again", async () => {
      const texts = await rows.allTextContents();
      return texts.length === 1 && texts[0]?.includes(fw.marker);
    });
    // The time cell: the source IP in the middle of the row opens the IP page instead.
    await rows.first().locator("td").first().click();
    const drawer = page.locator(tid("event-drawer"));
    await drawer.waitFor();
    const field = (label: string) => drawerField(page, drawer, label);
    await expect(textOf(field("Source IP"))).resolves.toBe(fw.src_ip);
    await expect(textOf(field("Action"))).resolves.toBe(fw.action);
    await expect(textOf(field("Log type"))).resolves.toBe(fw.log_type);
    // Shown on the browser's clock (a +05:45 zone here), whatever the zone of the machine.
    await expect(textOf(field("Time"))).resolves.toBe(wallClock(fw.at, BROWSER_TIME_ZONE));
    const raw = await textOf(drawer.locator(tid("raw-log")));
    expect(raw).toContain(`fw_rule_name="${fw.marker}"`);
    expect(raw).toBe(fw.line); // the whole line as received, syslog priority included
    await shoot("event-drawer.png");
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "hidden" });
    await shoot("explorer.png");
  });

  it("keeps the live feed and fills every panel when the user comes back to the dashboard", async () => {
    await page.locator(tid("nav-dashboard")).click();
    await page.waitForURL(`${t.vigil.httpUrl}/`);
    // What arrived while the user was in the explorer is still in the feed, not an empty panel.
    // No new event is sent: rows can only come from what the console kept while away.
    await waitUntil(
      "the live feed to show the events received earlier",
      async () => (await page.locator(tid("live-feed-row")).count()) === sent.length,
      5_000,
    );
    await waitUntil("the dashboard panels to fill", async () => {
      const charts = await page.locator("canvas").count();
      const empty = await page.locator(tid("empty-state")).count();
      const attackers = await textOf(page.locator(tid("top-attackers")));
      return charts >= 3 && empty === 0 && sent.every((e) => attackers.includes(e.src_ip));
    });
    await shoot("dashboard.png");

    // A live row opens its detail in place; a top attacker pivots to the explorer on that IP.
    const waf = sent[1];
    if (!waf) throw new Error("the dashboard step sent nothing");
    await page.locator(tid("live-feed-row")).filter({ hasText: waf.marker }).click();
    const drawer = page.locator(tid("event-drawer"));
    await expect(textOf(drawer.locator(tid("raw-log")))).resolves.toContain(`tag=${waf.marker}`);
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "hidden" });
    await page.locator(tid("top-attacker")).filter({ hasText: waf.src_ip }).click();
    await page.waitForURL(
      (url) => url.pathname === "/events" && url.searchParams.get("src_ip") === waf.src_ip,
    );
    const rows = page.locator(tid("events-row"));
    await waitUntil("the pivot to list the WAF event alone", async () => {
      const texts = await rows.allTextContents();
      return texts.length === 1 && texts[0]?.includes(waf.marker);
    });
  });

  it("loads a deep link to the explorer directly (SPA fallback), filter applied", async () => {
    const waf = sent[1];
    if (!waf) throw new Error("the dashboard step sent nothing");
    const response = await page.goto(`${t.vigil.httpUrl}/events?src_ip=${waf.src_ip}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toContain("text/html");
    const rows = page.locator(tid("events-row"));
    await rows.filter({ hasText: waf.marker }).waitFor();
    await expect(rows.count()).resolves.toBe(1);
    await expect(page.locator(tid("filter-src-ip")).inputValue()).resolves.toBe(waf.src_ip);
  });

  it("pages through a burst of events with Load more, each event once", async () => {
    const burst = unique("burst");
    const count = 130; // more than one page of the explorer (100)
    const at = Date.now();
    const lines = Array.from(
      { length: count },
      (_, i) => sshdFailure(`${burst}-${i}`, at - i * 1000, `198.18.0.${(i % 250) + 1}`).line,
    );
    await sendTcp(t.syslogPort, `${lines.join("\n")}\n`);
    await waitUntil(
      "the burst to be stored",
      async () => {
        const res = await t.api("GET", `/api/v1/events?q=${burst}&limit=200`, undefined, t.adminToken);
        return (res.json() as { items: unknown[] }).items.length === count;
      },
      15_000,
    );

    await page.goto(`${t.vigil.httpUrl}/events?q=${burst}`);
    const rows = page.locator(tid("events-row"));
    await waitUntil("the first page", async () => (await rows.count()) === 100);
    await expect(textOf(page.locator(tid("events-count")))).resolves.toBe("100 shown, more available");
    await page.locator(tid("load-more")).click();
    await waitUntil("the second page", async () => (await rows.count()) === count);
    await page.getByText("End of results").waitFor();
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-event-id")));
    expect(new Set(ids).size).toBe(count);
    // Newest first: the line sent with the latest timestamp (index 0) leads.
    await expect(textOf(rows.first())).resolves.toContain(`${burst}-0 `);
  });

  it("opens the sources and status pages from the menu", async () => {
    await page.locator(tid("nav-sources")).click();
    await page.waitForURL(/\/sources$/);
    await page.getByRole("heading", { name: "Sources" }).waitFor();
    await shoot("sources.png");
    await page.locator(tid("nav-status")).click();
    await page.waitForURL(/\/status$/);
    await page.getByRole("heading", { name: "Status" }).waitFor();
    await waitUntil(
      "the status page to load",
      async () => (await page.locator(".mantine-Loader-root").count()) === 0,
    );
    await shoot("status.png");
    // A laptop screen: the dashboard reflows to fewer columns.
    await page.setViewportSize({ width: 1024, height: 1600 });
    await page.locator(tid("nav-dashboard")).click();
    await waitUntil("the narrow dashboard", async () => (await page.locator("canvas").count()) >= 3);
    await shoot("dashboard-narrow.png");
  });

  it("signs out, and a protected link then asks to sign in and returns there afterwards", async () => {
    await page.locator(tid("sign-out")).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${t.vigil.httpUrl}/events?q=sqlmap`);
    await page.waitForURL(/\/login\?next=%2Fevents%3Fq%3Dsqlmap$/);
    await submitLogin(page, "admin", TEST_ADMIN_PASSWORD);
    await page.waitForURL((url) => url.pathname === "/events" && url.searchParams.get("q") === "sqlmap");
    const rows = page.locator(tid("events-row"));
    await waitUntil("the sqlmap search to find the WAF block", async () => (await rows.count()) === 1);
    await expect(textOf(rows.first())).resolves.toContain("WAF");
  });

  it("narrows the dashboard to one site: the numbers and the live feed follow", async () => {
    const site = "acme-e2e";
    const siteKey = await t.createApiKey(["ingest"], site);
    const anyKey = await t.createApiKey(["ingest"]);
    const ingest = async (key: string, message: string, src_ip: string) => {
      const res = await t.api("POST", "/api/v1/ingest/batch", JSON.stringify({ message, src_ip }), key);
      expect(res.status).toBe(200);
    };
    const first = unique("acme");
    await ingest(siteKey, first, "192.0.2.10");

    await page.locator(tid("nav-dashboard")).click();
    await page.locator(tid("site-select")).click();
    await page.getByRole("option", { name: site }).click();
    await page.waitForURL((url) => url.pathname === "/" && url.searchParams.get("site") === site);
    const total = page.locator(tid("stat-total"));
    await waitUntil("the counts of that site alone", async () => parseCount(await textOf(total)) === 1);

    // An event for another site, then one for this site: only the second reaches the feed.
    const elsewhere = unique("elsewhere");
    const here = unique("here");
    await ingest(anyKey, elsewhere, "192.0.2.11");
    await ingest(siteKey, here, "192.0.2.12");
    const feed = page.locator(tid("live-feed-row"));
    await feed.filter({ hasText: here }).waitFor();
    await expect(feed.filter({ hasText: elsewhere }).count()).resolves.toBe(0);
    // On this laptop-width screen the message column still has room to be read.
    const messageWidth = await feed
      .first()
      .locator("td")
      .last()
      .evaluate((td) => td.getBoundingClientRect().width);
    expect(messageWidth).toBeGreaterThan(150);
    await waitUntil("the site's count to rise", async () => parseCount(await textOf(total)) === 2, 15_000);
    await shoot("dashboard-site.png");
  });

  it("had no uncaught page errors and no console errors on the way", () => {
    expect(problems.list).toEqual([]);
  });
});
