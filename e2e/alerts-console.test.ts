import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestVigil, type TestVigil } from "../packages/server/src/test-support/test-vigil.js";
import {
  CHROMIUM_PATH,
  hasChromium,
  launchChromium,
  newConsolePage,
  type PageProblems,
  watchProblems,
} from "./support/browser.js";
import { shoot as shootPage, submitLogin, tid } from "./support/console-page.js";
import { sendTcp, sophosRdpDrop } from "./support/syslog.js";
import { textOf, waitUntil } from "./support/wait.js";

/**
 * Alerts as an analyst meets them in real Chromium over a whole Vigil: an alert rule fires from
 * syslog traffic, the alert appears in the open Alerts page without a reload (WebSocket), and the
 * analyst acknowledges it, comments and resolves it from its page; the history shows each step.
 */
const WEB_DIST = resolve(import.meta.dirname, "../packages/web/dist");
const SHOTS = resolve(import.meta.dirname, "../test-results/e2e");
const ATTACKER = "185.220.101.61";

if (!hasChromium) {
  console.warn(
    `e2e/alerts-console.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`,
  );
}

const drop = (i: number): string => sophosRdpDrop(ATTACKER, 41000 + i);

describe.skipIf(!hasChromium)("alerts in the console", () => {
  let t: TestVigil;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: PageProblems;
  const shoot = (name: string): Promise<void> => shootPage(page, SHOTS, name);

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, "index.html"))) {
      throw new Error("The console is not built: run `npm run build -w packages/web` first (npm test does).");
    }
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestVigil({ VIGIL_WEB_DIR: WEB_DIST });
    await t.createUser("ana", "analyst");
    browser = await launchChromium();
    ({ context, page } = await newConsolePage(browser));
    problems = watchProblems(page);
    await page.goto(`${t.vigil.httpUrl}/login`);
    await submitLogin(page, "ana", "ana-password-123");
    await page.waitForURL(`${t.vigil.httpUrl}/`);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it("a rule fires from syslog, the alert appears live, the analyst acknowledges and resolves it", async () => {
    const rule = await t.api(
      "POST",
      "/api/v1/alert-rules",
      {
        name: "rdp-drops-per-source",
        description: "A source hammering RDP through the firewall",
        severity: "critical",
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

    await page.locator(tid("nav-alerts")).click();
    await page.waitForURL(/\/alerts$/);
    await page.locator(tid("alerts-table")).waitFor();
    await page.locator(`${tid("ws-status")}[data-status="live"]`).waitFor();

    await sendTcp(t.syslogPort, `${Array.from({ length: 22 }, (_, i) => drop(i)).join("\n")}\n`);
    const row = page.locator(tid("alert-row")).filter({ hasText: ATTACKER });
    await row.waitFor({ timeout: 10_000 });
    await expect(textOf(row)).resolves.toContain("rdp-drops-per-source");
    await expect(textOf(row.locator(tid("alert-state")))).resolves.toMatch(/new/i);
    await shoot("alerts-list.png");

    await row.click();
    await page.waitForURL(/\/alerts\/[0-9a-f-]{36}$/);
    const alertId = page.url().split("/").pop() ?? "";
    const state = page.locator(tid("alert-state")).first();
    // The triggering events, read from the event store, are on the alert's page.
    await page.getByText(ATTACKER).first().waitFor();

    await page.locator(tid("alert-acknowledge")).click();
    await waitUntil("the alert to be acknowledged", async () => /acknowledged/i.test(await textOf(state)));

    await page
      .locator(tid("alert-comment-input"))
      .fill("RDP exposed on the branch firewall; closing the NAT rule");
    await page.locator(tid("alert-comment-submit")).click();
    const history = page.locator(tid("alert-history"));
    await waitUntil("the comment in the history", async () =>
      (await textOf(history)).includes("closing the NAT rule"),
    );

    await page.locator(tid("alert-resolve")).click();
    const resolved = page.locator(tid("alert-resolution-resolved"));
    if (await resolved.isVisible()) await resolved.click();
    await waitUntil("the alert to be resolved", async () => /resolved/i.test(await textOf(state)));
    await shoot("alert-detail.png");

    const detail = await t.api("GET", `/api/v1/alerts/${alertId}`, undefined, t.adminToken);
    const body = detail.json() as { state: string; history: { action: string; actor: string }[] };
    expect(body.state).toBe("resolved");
    expect(body.history.map((h) => `${h.action}:${h.actor}`)).toEqual(
      expect.arrayContaining(["created:system", "acknowledged:ana", "comment:ana", "resolved:ana"]),
    );
    expect(problems.list).toEqual([]);
  });

  it("shows the rule with its trigger count on the Alert rules page, and the Channels page", async () => {
    await page.locator(tid("nav-alert-rules")).click();
    const rules = page.locator(tid("rules-table"));
    await rules.waitFor();
    await waitUntil("the rule listed", async () => (await textOf(rules)).includes("rdp-drops-per-source"));
    await shoot("alert-rules.png");
    await page.locator(tid("nav-channels")).click();
    await page.locator(tid("channels-table")).waitFor();
    expect(problems.list).toEqual([]);
  });
});
