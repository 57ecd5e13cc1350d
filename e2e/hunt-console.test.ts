import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, TEST_ADMIN_PASSWORD } from "../packages/server/src/test-support/test-vigil.js";
import { BROWSER_TIME_ZONE, CHROMIUM_PATH, hasChromium } from "./support/browser.js";
import { shoot, submitLogin, tid } from "./support/console-page.js";
import { type ConsoleSession, openConsoleSession, SHOTS } from "./support/console-session.js";
import { sendTcp, sophosTime } from "./support/syslog.js";
import { textOf, waitUntil } from "./support/wait.js";

/**
 * The hunting workbench as an analyst uses it (issue 12): firewall drops from three sources over
 * syslog, a KQL pipeline typed into the editor and run with Ctrl+Enter, a syntax error marked where it
 * is, a saved query that outlives a reload, the explorer's "Open in workbench", a time chart, and the
 * page at a phone's 390 px.
 */
const DROPS: [string, number][] = [
  ["198.51.100.15", 15],
  ["198.51.100.10", 10],
  ["198.51.100.5", 5],
];
const TOTAL = DROPS.reduce((sum, [, n]) => sum + n, 0);
const TOP_TWO =
  'Events | where log_type == "Firewall" and action == "drop" | summarize n = count() by src_ip | sort by n desc | take 2';

if (!hasChromium) {
  console.warn(
    `e2e/hunt-console.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`,
  );
}

function dropLine(src: string, i: number): string {
  return `<30>device_name="SFW" timestamp="${sophosTime(Date.now())}" device_serial_id="X21000E2E" log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" log_version=1 severity="Information" fw_rule_id=5 src_ip=${src} dst_ip=10.0.0.1 src_port=${40000 + i} dst_port=22 protocol="TCP"`;
}

/** Replaces the editor's text by typing, as a person would (completion pops up on the way). */
async function typeQuery(page: Page, text: string, closeCompletion = true): Promise<void> {
  const input = page.locator(`${tid("hunt-editor")} .cm-content`);
  await input.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text);
  if (closeCompletion) await page.keyboard.press("Escape");
}

async function editorText(page: Page): Promise<string> {
  return page
    .locator(`${tid("hunt-editor")} .cm-content`)
    .evaluate((el) => [...el.querySelectorAll(".cm-line")].map((line) => line.textContent ?? "").join("\n"));
}

/** The result's rows as column name → cell text. */
async function resultRows(page: Page): Promise<Record<string, string>[]> {
  return page
    .locator(tid("hunt-row"))
    .evaluateAll((rows) =>
      rows.map((row) =>
        Object.fromEntries(
          [...row.querySelectorAll('[data-testid="hunt-cell"]')].map((cell) => [
            cell.getAttribute("data-column") ?? "",
            cell.textContent ?? "",
          ]),
        ),
      ),
    );
}

describe.skipIf(!hasChromium)("the hunting workbench", () => {
  let s: ConsoleSession;

  beforeAll(async () => {
    s = await openConsoleSession();
    const lines = DROPS.flatMap(([src, n]) => Array.from({ length: n }, (_, i) => dropLine(src, i)));
    await sendTcp(s.t.syslogPort, `${lines.join("\n")}\n`);
    await eventually(async () => {
      const res = await s.t.api(
        "POST",
        "/api/v1/search/kql",
        { query: 'Events | where log_type == "Firewall" | count' },
        s.t.adminToken,
      );
      return res.status === 200 && (res.json() as { rows: number[][] }).rows[0]?.[0] === TOTAL;
    }, 20_000);
    await s.page.goto(`${s.t.vigil.httpUrl}/login`);
    await submitLogin(s.page, "admin", TEST_ADMIN_PASSWORD);
    await s.page.waitForURL(`${s.t.vigil.httpUrl}/`);
  }, 120_000);

  afterAll(async () => {
    await s?.close();
  });

  it("runs a typed pipeline with Ctrl+Enter and shows the two top dropping sources", async () => {
    const { page } = s;
    await page.locator(tid("nav-hunt")).click();
    await page.waitForURL(/\/hunt/);
    await page.locator(`${tid("hunt-editor")} .cm-content`).waitFor();
    // Completion from the server's schema: operators after a pipe, the table's columns in a clause.
    await typeQuery(page, "Events | summ", false);
    const popup = page.locator(`${tid("hunt-editor")} .cm-tooltip-autocomplete`);
    await expect(textOf(popup.locator("li").first())).resolves.toBe("summarize");
    // CodeMirror ignores Enter for 75 ms after the list opens (interactionDelay), so a fast typist's
    // newline is not taken as a pick; a person pauses longer than this.
    await page.waitForTimeout(200);
    await page.keyboard.press("Enter");
    await page.keyboard.type(" count() by geo_");
    await waitUntil("column completion", async () => (await textOf(popup)).includes("geo_country"));
    await page.keyboard.press("Escape");
    expect(await editorText(page)).toBe("Events | summarize count() by geo_");
    await typeQuery(page, TOP_TWO);
    expect(await editorText(page)).toBe(TOP_TWO);
    await page.keyboard.press("ControlOrMeta+Enter");
    await waitUntil("two result rows", async () => (await page.locator(tid("hunt-row")).count()) === 2);
    expect(await resultRows(page)).toEqual([
      { src_ip: "198.51.100.15", n: "15" },
      { src_ip: "198.51.100.10", n: "10" },
    ]);
    // Column names with their types, and what the query read.
    await expect(textOf(page.locator(`${tid("hunt-col")}[data-name="n"]`))).resolves.toContain("long");
    const stats = page.locator(tid("hunt-stats"));
    await expect(stats.getAttribute("data-truncated")).resolves.toBe("false");
    await expect(textOf(stats)).resolves.toMatch(/2 rows · [\d,]+ rows read · .+ · \d+ ms/);
    // A click on a header sorts the fetched rows; a click on a row shows it as JSON.
    await page.locator(`${tid("hunt-col")}[data-name="n"]`).click();
    expect((await resultRows(page)).map((r) => r.n)).toEqual(["10", "15"]);
    await page.locator(tid("hunt-row")).first().click();
    const json = JSON.parse(await textOf(page.locator(tid("hunt-row-json"))));
    expect(json).toEqual({ src_ip: "198.51.100.10", n: 10 });
    await shoot(page, SHOTS, "hunt-result.png");
  });

  it("marks a syntax error at its line and column", async () => {
    const { page } = s;
    await typeQuery(page, "Events | where (");
    await page.keyboard.press("ControlOrMeta+Enter");
    const error = page.locator(tid("hunt-error"));
    await error.waitFor();
    await expect(error.getAttribute("data-line")).resolves.toBe("1");
    const column = Number(await error.getAttribute("data-column"));
    expect(column).toBeGreaterThan(0);
    await expect(textOf(error)).resolves.toContain(`Line 1, column ${column}`);
    // In the editor: the position underlined (past the end of the line: its last character) and a
    // gutter marker.
    const editor = page.locator(tid("hunt-editor"));
    await editor.locator(".cm-lintRange-error").first().waitFor();
    await expect(textOf(editor.locator(".cm-lintRange-error").first())).resolves.toBe("(");
    await editor.locator(".cm-lint-marker-error").first().waitFor();
    expect(s.problems.take(/status of 400/).length).toBeGreaterThanOrEqual(1);
    await shoot(page, SHOTS, "hunt-error.png");
  });

  it("saves a query that is still listed after a reload, loads it and deletes it", async () => {
    const { page } = s;
    await typeQuery(page, TOP_TWO);
    await page.locator(tid("hunt-save")).click();
    await page.locator(tid("hunt-save-name")).fill("Top droppers");
    await page.locator(tid("hunt-save-form-submit")).click();
    await page.locator(tid("hunt-save-form")).waitFor({ state: "detached" });
    await page.reload();
    const row = page.locator(`${tid("hunt-saved-row")}[data-name="Top droppers"]`);
    await row.waitFor();
    await typeQuery(page, "Events | take 1");
    await row.locator(tid("hunt-saved-load")).click();
    await waitUntil("the saved query in the editor", async () => (await editorText(page)) === TOP_TWO);
    await row.locator(tid("hunt-saved-delete")).click();
    await row.waitFor({ state: "detached" });
  });

  it("opens the explorer's filters in the workbench as KQL", async () => {
    const { page } = s;
    await page.goto(`${s.t.vigil.httpUrl}/events?log_type=Firewall&action=drop&src_ip=198.51.100.10`);
    await page.locator(tid("events-open-workbench")).click();
    await page.waitForURL(/\/hunt\?/);
    await waitUntil("the filters as KQL", async () =>
      (await editorText(page)).includes('| where src_ip == "198.51.100.10"'),
    );
    await page.locator(tid("hunt-run")).click();
    await waitUntil(
      "the source's ten drops",
      async () => (await page.locator(tid("hunt-row")).count()) === 10,
    );
  });

  it("draws a time chart for a summarize by bin(timestamp)", async () => {
    const { page } = s;
    await typeQuery(
      page,
      'Events | where log_type == "Firewall" | summarize n = count() by bin(timestamp, 1h)',
    );
    await page.keyboard.press("ControlOrMeta+Enter");
    await page.locator(`${tid("hunt-chart")} [data-chart-settled="true"]`).waitFor();
    await shoot(page, SHOTS, "hunt-chart.png");
    expect(s.problems.list).toEqual([]);
  });

  it("fits a phone's 390 px without the page scrolling sideways", async () => {
    const context = await s.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      timezoneId: BROWSER_TIME_ZONE,
      locale: "en-GB",
      storageState: await s.context.storageState(),
    });
    try {
      const phone = await context.newPage();
      phone.setDefaultTimeout(15_000);
      const url = `${s.t.vigil.httpUrl}/hunt?q=${encodeURIComponent(TOP_TWO)}`;
      await phone.goto(url);
      // The session lives in the other tab's sessionStorage: this one signs in and comes back.
      await phone
        .locator(`${tid("login-username")}, ${tid("hunt-page")}`)
        .first()
        .waitFor();
      if (phone.url().includes("/login")) {
        await submitLogin(phone, "admin", TEST_ADMIN_PASSWORD);
        await phone.waitForURL((u) => u.pathname === "/hunt");
      }
      await phone.locator(tid("hunt-run")).click();
      await waitUntil("two result rows", async () => (await phone.locator(tid("hunt-row")).count()) === 2);
      await phone.locator(tid("hunt-row")).first().click();
      await phone.locator(tid("hunt-row-json")).waitFor();
      const overflow = await phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await shoot(phone, SHOTS, "hunt-phone.png");
      await phone.screenshot({ path: `${SHOTS}/hunt-phone-full.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});
