import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../packages/server/src/test-support/test-vigil.js";
import { CHROMIUM_PATH, hasChromium } from "./support/browser.js";
import { submitLogin, tid } from "./support/console-page.js";
import { type ConsoleSession, openConsoleSession } from "./support/console-session.js";
import { sendTcp, sophosFirewallDrop, sshdFailure } from "./support/syslog.js";
import { ACME, adminPost, bruteForce, GLOBEX, setUpTwoClients } from "./support/two-clients.js";
import { textOf, waitUntil } from "./support/wait.js";

/**
 * A client's analyst in the console, in Chromium against a whole Vigil holding two clients: acme
 * (acme-paris) and globex (globex-lyon) both send SSH failures and a Sophos drop through one relay.
 * acme's analyst sees acme-paris everywhere (dashboard, explorer, alerts, Sites) and nothing of
 * globex, no platform page in the navigation, and no error from a staff-only side panel.
 */

if (!hasChromium) {
  console.warn(
    `e2e/client-console.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`,
  );
}

const ACME_ATTACKER = "185.220.101.51";
const GLOBEX_ATTACKER = "185.220.101.52";
/** acme's second site, whose sender went quiet. */
const QUIET_SITE = "acme-lille";
const ANALYST = { username: "acme-analyst", password: "acme-analyst-pass-1" };
/** Sophos lines carry no syslog hostname: each site's firewall is told apart by its serial. */
const SERIAL = { [ACME.site]: "X2E2EACME", [GLOBEX.site]: "X2E2EGLOBEX" } as const;

function sophosDrop(site: keyof typeof SERIAL, marker: string): string {
  return sophosFirewallDrop(marker, Date.now()).line.replace("X21000E2E", SERIAL[site]);
}

/** Whether the page itself scrolls sideways (a table scrolling inside its own box does not count). */
const pageOverflow = (page: Page): Promise<number> =>
  page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");

describe.skipIf(!hasChromium)("a client's analyst in Chromium", () => {
  let session: ConsoleSession;
  let page: Page;
  /** Every 403 the console met: a client user's pages must not call staff-only routes. */
  const forbidden: string[] = [];
  const base = (): string => session.t.vigil.httpUrl;
  /** The whole page's text, hidden parts too (a folded menu, a tooltip): globex must be nowhere in it. */
  const expectNoGlobex = async (): Promise<void> => {
    const text = ((await page.locator("body").textContent()) ?? "").toLowerCase();
    expect(text).not.toContain("globex");
    expect(text).not.toContain(GLOBEX_ATTACKER);
  };

  beforeAll(async () => {
    session = await openConsoleSession();
    page = session.page;
    page.on("response", (res) => {
      if (res.status() === 403) forbidden.push(res.url());
    });
    const { t } = session;
    await setUpTwoClients(t);
    for (const [site, serial] of Object.entries(SERIAL)) {
      await adminPost(t, "/api/v1/sources", {
        match_type: "serial",
        match_value: serial,
        site,
        timezone: "UTC",
      });
    }
    // An operator rule over every site, so each client gets an alert of its own.
    await adminPost(t, "/api/v1/alert-rules", {
      name: "ssh-failures-per-source",
      severity: "high",
      detection: {
        filter: { log_type: "SSH", action: "reject" },
        threshold: 3,
        window: "5m",
        group_by: "src_ip",
      },
    });
    await adminPost(t, "/api/v1/users", { ...ANALYST, role: "analyst", client: ACME.client });

    await sendTcp(
      t.syslogPort,
      [
        bruteForce(ACME.host, ACME_ATTACKER),
        bruteForce(GLOBEX.host, GLOBEX_ATTACKER),
        `${sophosDrop(ACME.site, "acme-drop")}\n${sophosDrop(GLOBEX.site, "globex-drop")}\n`,
      ].join(""),
    );
    // Both clients have events and an alert before anyone looks: what acme does not see is there.
    await eventually(async () => {
      const sites = (await t.api("GET", "/api/v1/sites", undefined, t.adminToken)).json() as {
        items: Array<{ name: string; event_count: number }>;
      };
      const count = (name: string) => sites.items.find((s) => s.name === name)?.event_count ?? 0;
      return count(ACME.site) >= 7 && count(GLOBEX.site) >= 7;
    });
    await eventually(async () => {
      const alerts = (await t.api("GET", "/api/v1/alerts", undefined, t.adminToken)).json() as {
        items: Array<{ site: string }>;
      };
      const sites = new Set(alerts.items.map((a) => a.site));
      return sites.has(ACME.site) && sites.has(GLOBEX.site);
    });
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it("signs in and shows a dashboard of acme-paris alone", async () => {
    await page.goto(`${base()}/login`);
    await submitLogin(page, ANALYST.username, ANALYST.password);
    await page.waitForURL(`${base()}/`);
    await waitUntil(
      "the dashboard's numbers",
      async () => (await textOf(page.locator(tid("stat-total")))) !== "0",
    );
    await page.locator(tid("top-attacker")).filter({ hasText: ACME_ATTACKER }).waitFor();
    await expectNoGlobex();
    // The site picker offers acme's site only.
    await page.locator(tid("site-select")).click();
    await page.getByRole("option", { name: ACME.site }).waitFor();
    expect(await page.getByRole("option").allInnerTexts()).toEqual(["All sites", ACME.site]);
    await page.keyboard.press("Escape");
    // No "bans are not enforced" banner: enforcement is the operator's, and is not asked for.
    expect(await page.locator(tid("enforced-nowhere")).count()).toBe(0);
    expect(await page.locator(tid("error-note")).count()).toBe(0);
    await session.shoot("client-dashboard.png");
  });

  it("lists acme-paris events only in the explorer", async () => {
    await page.locator(tid("nav-events")).click();
    await page.waitForURL(/\/events/);
    const rows = page.locator(tid("events-row"));
    await waitUntil("both of acme's kinds of events", async () => (await rows.count()) >= 7);
    for (const text of await rows.allInnerTexts()) expect(text).toContain(ACME.site);
    await expectNoGlobex();
    await session.shoot("client-events.png");
  });

  it("shows acme's alert and no globex alert", async () => {
    await page.locator(tid("nav-alerts")).click();
    await page.waitForURL(/\/alerts/);
    await page.locator(tid("alert-row")).filter({ hasText: ACME_ATTACKER }).waitFor();
    await expectNoGlobex();
  });

  it("lists acme-paris alone on Sites and opens its page", async () => {
    await page.locator(tid("nav-sites")).click();
    await page.waitForURL(/\/sites$/);
    const card = page.locator(tid("site-card"));
    await card.locator(tid("site-rate")).waitFor();
    expect(await card.evaluateAll((els) => els.map((el) => el.getAttribute("data-site")))).toEqual([
      ACME.site,
    ]);
    await expect(textOf(card.locator(tid("site-client")))).resolves.toBe(ACME.client);
    await card.locator(tid("site-open-alerts")).waitFor();
    await expectNoGlobex();
    await session.shoot("client-sites.png");

    await card.locator(tid("site-link")).click();
    await page.waitForURL(new RegExp(`/sites/${ACME.site}$`));
    await page.locator(tid("site-detail")).waitFor();
    await expect(textOf(page.locator(tid("site-name")))).resolves.toBe(ACME.site);
    await page.locator(tid("site-source-row")).filter({ hasText: ACME.host }).waitFor();
    const attacker = page.locator(tid("top-attacker")).filter({ hasText: ACME_ATTACKER });
    await attacker.waitFor();
    await expectNoGlobex();
    await session.shoot("client-site-detail.png");

    // An attacker opens the explorer on that IP at that site.
    await attacker.click();
    await page.waitForURL(
      (url) =>
        url.pathname === "/events" &&
        url.searchParams.get("site") === ACME.site &&
        url.searchParams.get("src_ip") === ACME_ATTACKER,
    );
    await page.locator(tid("events-row")).first().waitFor();
  });

  it("has no platform pages in the navigation", async () => {
    for (const entry of ["nav-sites", "nav-scenarios", "nav-bans", "nav-events"]) {
      expect(await page.locator(tid(entry)).count(), entry).toBe(1);
    }
    for (const entry of ["nav-enforcement", "nav-whitelist", "nav-geo", "nav-feeds", "nav-status"]) {
      expect(await page.locator(tid(entry)).count(), entry).toBe(0);
    }
    // The Bans page asks nothing staff-only either (its enforcement banner and the drawer's targets).
    await page.locator(tid("nav-bans")).click();
    await page.waitForURL(/\/bans/);
    await page.getByText(ACME_ATTACKER).first().waitFor();
    expect(await page.locator(tid("enforced-nowhere")).count()).toBe(0);
    await expectNoGlobex();
    expect(forbidden).toEqual([]);
  });

  it("warns of a site gone silent", async () => {
    // A second acme site whose only event is two hours old: silent long past the 15-minute threshold.
    const { t } = session;
    await adminPost(t, "/api/v1/sites", { name: QUIET_SITE, client: ACME.client });
    await adminPost(t, "/api/v1/sources", {
      match_type: "hostname",
      match_value: "bastion-lille",
      site: QUIET_SITE,
      timezone: "UTC",
    });
    const twoHoursAgo = Date.now() - 2 * 3_600_000;
    await sendTcp(
      t.syslogPort,
      `${sshdFailure("lille-user", twoHoursAgo).line.replace("bastion ", "bastion-lille ")}\n`,
    );
    await page.goto(`${base()}/sites`);
    const quiet = page.locator(`${tid("site-card")}[data-site="${QUIET_SITE}"]`);
    await waitUntil(
      "the quiet site's silence",
      async () => (await quiet.locator(tid("site-silent")).count()) === 1,
    );
    await expect(textOf(quiet.locator(tid("site-silent")))).resolves.toMatch(/No event since .*\(2 h ago\)/);
    // The live site is not called silent.
    expect(
      await page.locator(`${tid("site-card")}[data-site="${ACME.site}"] ${tid("site-silent")}`).count(),
    ).toBe(0);
    await expectNoGlobex();
    await session.shoot("client-sites-silent.png");
  });

  it("fits a phone: Sites and a site's page at 390 px", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base()}/sites`);
    await page.locator(tid("site-silent")).waitFor();
    expect(await pageOverflow(page)).toBe(0);
    await session.shoot("client-sites-phone.png");
    await page.goto(`${base()}/sites/${ACME.site}`);
    await page.locator(tid("top-attacker")).first().waitFor();
    expect(await pageOverflow(page)).toBe(0);
    await session.shoot("client-site-detail-phone.png");
    expect(session.problems.list).toEqual([]);
  });
});
