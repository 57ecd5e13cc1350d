import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestVigil,
  TEST_ADMIN_PASSWORD,
  type TestVigil,
} from "../packages/server/src/test-support/test-vigil.js";
import { CHROMIUM_PATH, hasChromium, launchChromium, newConsolePage } from "./support/browser.js";
import { chartsSettled, submitLogin, tid } from "./support/console-page.js";
import { sendTcp, sophosFirewallDrop } from "./support/syslog.js";
import { textOf, waitUntil } from "./support/wait.js";

/**
 * The dashboard's range and the live channel, in Chromium: a young install's default range fits its
 * data, a drag on the timeline zooms and the zoom survives a reload, a page that shows no events gets
 * no events over the socket, and the explorer's live tail puts new matches on top.
 */
const WEB_DIST = resolve(import.meta.dirname, "../packages/web/dist");

if (!hasChromium) console.warn(`e2e/dashboard-live.test.ts skipped: no Chromium at ${CHROMIUM_PATH}`);

const unique = (what: string): string => `e2e-${what}-${randomBytes(4).toString("hex")}`;

describe.skipIf(!hasChromium)("dashboard range and live channel in Chromium", () => {
  let t: TestVigil;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Types of the messages the console's socket received, in order. */
  const frames: string[] = [];

  const sendDrops = async (n: number): Promise<string[]> => {
    const at = Math.floor(Date.now() / 1000) * 1000;
    const lines = Array.from({ length: n }, () => sophosFirewallDrop(unique("drop"), at));
    await sendTcp(t.syslogPort, `${lines.map((l) => l.line).join("\n")}\n`);
    return lines.map((l) => l.marker);
  };

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, "index.html"))) {
      throw new Error("The console is not built: run `npm run build -w packages/web` first (npm test does).");
    }
    [t, browser] = await Promise.all([startTestVigil({ VIGIL_WEB_DIR: WEB_DIST }), launchChromium()]);
    ({ context, page } = await newConsolePage(browser));
    page.on("websocket", (ws) =>
      ws.on("framereceived", ({ payload }) => {
        try {
          frames.push(String((JSON.parse(String(payload)) as { type?: string }).type));
        } catch {
          frames.push("?");
        }
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it("fits the default range to a young install and zooms by dragging on the timeline", async () => {
    await page.goto(`${t.vigil.httpUrl}/`);
    await submitLogin(page, "admin", TEST_ADMIN_PASSWORD);
    await page.waitForURL(`${t.vigil.httpUrl}/`);
    const picker = page.locator(tid("range-picker"));
    // No events yet: the full day. Then events from seconds ago: the shortest step, not 24 hours.
    await waitUntil("the empty install's range", async () => (await textOf(picker)).includes("Fit · 24h"));
    await sendDrops(3);
    await waitUntil("the fitted range", async () => (await textOf(picker)).includes("Fit · 15m"), 10_000);
    const chart = page.locator(tid("timeline-chart"));
    await chart.waitFor();
    await chartsSettled(page);
    const box = await chart.boundingBox();
    if (!box) throw new Error("no timeline on the page");
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5, { steps: 10 });
    await page.mouse.up();
    await page.waitForURL((url) => url.searchParams.has("from") && url.searchParams.has("to"));
    const zoomed = new URL(page.url());
    const span =
      Date.parse(zoomed.searchParams.get("to") ?? "") - Date.parse(zoomed.searchParams.get("from") ?? "");
    expect(span).toBeGreaterThan(0);
    expect(span).toBeLessThan(15 * 60_000);
    await page.reload();
    await page.locator(tid("range-reset")).waitFor();
    expect(new URL(page.url()).searchParams.get("from")).toBe(zoomed.searchParams.get("from"));
    await page.locator(tid("range-reset")).click();
    await page.waitForURL((url) => !url.searchParams.has("from"));
  });

  it("sends a page that shows no events no events", async () => {
    await page.locator(tid("nav-alert-rules")).click();
    await page.waitForURL(/\/alert-rules/);
    await new Promise((r) => setTimeout(r, 500)); // the unsubscribe reaches the server
    const from = frames.length;
    await sendDrops(20);
    // The stats tick and any skipped count come once a second: wait past two of them.
    await new Promise((r) => setTimeout(r, 2500));
    expect(frames.slice(from).filter((type) => type === "new_event" || type === "stats")).toEqual([]);
  });

  it("puts new matching events on top in the explorer's live tail", async () => {
    await page.locator(tid("nav-events")).click();
    await page.waitForURL(/\/events/);
    await page.locator(tid("events-row")).first().waitFor();
    await page.locator(tid("live-tail")).check();
    const [marker] = await sendDrops(1);
    await waitUntil(
      "the new event at the top of the list",
      async () => (await textOf(page.locator(tid("events-row")).first())).includes(marker ?? "?"),
      10_000,
    );
  });
});
