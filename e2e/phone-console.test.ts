import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  startTestVigil,
  type TestVigil,
} from "../packages/server/src/test-support/test-vigil.js";
import {
  BROWSER_TIME_ZONE,
  CHROMIUM_PATH,
  hasChromium,
  launchChromium,
  watchProblems,
} from "./support/browser.js";
import { shoot as shootPage, submitLogin, tid } from "./support/console-page.js";
import { sendTcp, sophosRdpDrop } from "./support/syslog.js";
import { waitUntil } from "./support/wait.js";

/**
 * The console on a phone (390 px, an iPhone's width), where alerts are opened from mail and Slack:
 * the alert's page fits the screen with its title and actions in reach, the navigation waits behind
 * the menu button, and the dashboard and the alerts list do not make the page scroll sideways.
 * Screenshots go to test-results/e2e/ (not committed) for a person to look at.
 */
const WEB_DIST = resolve(import.meta.dirname, "../packages/web/dist");
const SHOTS = resolve(import.meta.dirname, "../test-results/e2e");
const WIDTH = 390;
const ATTACKER = "185.220.101.77";

if (!hasChromium) {
  console.warn(
    `e2e/phone-console.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`,
  );
}

const drop = (i: number): string => sophosRdpDrop(ATTACKER, 42000 + i);

/** Whether the page itself scrolls sideways (a table scrolling inside its own box does not count). */
const pageOverflow = (page: Page): Promise<number> =>
  page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");

/** Whether an element is drawn within the screen's width (the folded navbar is slid off to the left). */
async function onScreen(page: Page, testId: string): Promise<boolean> {
  const box = await page.locator(tid(testId)).first().boundingBox();
  return box !== null && box.width > 0 && box.x >= 0 && box.x + box.width <= WIDTH;
}

async function withinWidth(page: Page, testId: string): Promise<void> {
  const box = await page.locator(tid(testId)).first().boundingBox();
  expect(box, `${testId} is on screen`).not.toBeNull();
  expect(box?.x ?? -1, `${testId} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(
    (box?.x ?? 0) + (box?.width ?? Number.POSITIVE_INFINITY),
    `${testId} ends on screen`,
  ).toBeLessThanOrEqual(WIDTH);
}

describe.skipIf(!hasChromium)("the console on a phone", () => {
  let t: TestVigil;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let alert: { id: string; title: string };
  const shoot = (name: string): Promise<void> => shootPage(page, SHOTS, name);

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, "index.html"))) {
      throw new Error("The console is not built: run `npm run build -w packages/web` first (npm test does).");
    }
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestVigil({ VIGIL_WEB_DIR: WEB_DIST });
    await t.createUser("ana", "analyst");
    const rule = await t.api(
      "POST",
      "/api/v1/alert-rules",
      {
        name: "rdp-drops-per-source",
        severity: "high",
        detection: {
          filter: { log_type: "Firewall", action: "drop", dst_port: 3389 },
          threshold: 20,
          window: "1m",
          group_by: "src_ip",
        },
      },
      t.adminToken,
    );
    expect(rule.status, rule.text).toBe(201);
    await sendTcp(t.syslogPort, `${Array.from({ length: 22 }, (_, i) => drop(i)).join("\n")}\n`);
    alert = await eventually(async () => {
      const res = await t.api("GET", "/api/v1/alerts?rule=rdp-drops-per-source", undefined, t.adminToken);
      return (res.json() as { items: { id: string; title: string }[] }).items[0];
    });

    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: WIDTH, height: 844 },
      isMobile: true,
      hasTouch: true,
      timezoneId: BROWSER_TIME_ZONE,
      locale: "en-GB",
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    // The link in the mail: sign in first, then land on the alert.
    await page.goto(`${t.vigil.httpUrl}/alerts/${alert.id}`);
    await page.waitForURL(/\/login/);
    await submitLogin(page, "ana", "ana-password-123");
    await page.waitForURL(`${t.vigil.httpUrl}/alerts/${alert.id}`);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it("shows an alert's title and actions within the screen, with the navigation behind the menu", async () => {
    const problems = watchProblems(page);
    await page.locator(tid("alert-title")).waitFor();
    await page.getByText(ATTACKER).first().waitFor();
    await shoot("phone-alert-detail.png");

    expect(await page.title()).toBe(`Alert ${alert.title} · Vigil`);
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await withinWidth(page, "alert-title");
    for (const action of ["alert-acknowledge", "alert-assign", "alert-escalate", "alert-resolve"]) {
      await withinWidth(page, action);
    }

    // Folded away until asked for; the menu button opens it, choosing a page closes it again.
    expect(await onScreen(page, "nav-alerts")).toBe(false);
    await withinWidth(page, "nav-toggle");
    await page.locator(tid("nav-toggle")).click();
    await waitUntil("the navigation to open", () => onScreen(page, "nav-alerts"));
    await shoot("phone-nav-open.png");
    await page.locator(tid("nav-alerts")).click();
    await page.waitForURL(/\/alerts$/);
    await waitUntil("the navigation to fold away", async () => !(await onScreen(page, "nav-alerts")));

    // The acknowledge button works from the phone.
    await page.goto(`${t.vigil.httpUrl}/alerts/${alert.id}`);
    await page.locator(tid("alert-acknowledge")).click();
    await waitUntil("the alert to be acknowledged", async () =>
      /acknowledged/i.test((await page.locator(tid("alert-state")).first().textContent()) ?? ""),
    );
    expect(problems.list).toEqual([]);
  });

  it("keeps the alerts list and the dashboard from scrolling sideways", async () => {
    const problems = watchProblems(page);
    await page.goto(`${t.vigil.httpUrl}/alerts`);
    await page.locator(tid("alert-row")).first().waitFor();
    expect(await page.title()).toBe("Alerts · Vigil");
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await shoot("phone-alerts.png");

    await page.goto(`${t.vigil.httpUrl}/`);
    await page.locator(tid("top-attackers")).waitFor();
    expect(await page.title()).toBe("Dashboard · Vigil");
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await shoot("phone-dashboard.png");
    expect(problems.list).toEqual([]);
  });
});
