import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  registerTestSender,
  startTestVigil,
  TEST_ADMIN_PASSWORD,
  type TestVigil,
} from "../packages/server/src/test-support/test-vigil.js";
import {
  activeRow,
  banThroughForm,
  hasBanRoutes,
  historyRow,
  pendingRow,
  reviewPending,
  unbanFromRow,
} from "./support/bans-page.js";
import {
  CHROMIUM_PATH,
  hasChromium,
  launchChromium,
  newConsolePage,
  type PageProblems,
  watchProblems,
} from "./support/browser.js";
import { shoot as shootPage, submitLogin, tid } from "./support/console-page.js";
import { sendTcp, sshdFailure } from "./support/syslog.js";
import { textOf } from "./support/wait.js";

/**
 * "Detect and ban" as an analyst meets it: the built console in real Chromium over a whole Vigil,
 * bans made through the form and through the API (so a row that appears without a reload proves the
 * WebSocket push), and a pending ban born from real sshd syslog from an authorized country.
 * The steps share one tab and run in order.
 */

const WEB_DIST = resolve(import.meta.dirname, "../packages/web/dist");
const SHOTS = resolve(import.meta.dirname, "../test-results/e2e");
const NO_ROUTES =
  "e2e/bans.test.ts skipped: the server has no /api/v1/bans yet (the ban routes are not wired into app/start-vigil.ts)";

if (!hasChromium) {
  console.warn(`e2e/bans.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
}

interface BanJson {
  ip: string;
  status: string;
  current_tier: number;
  expires_at: string | null;
}

describe.skipIf(!hasChromium)("bans in the console", () => {
  let t: TestVigil;
  let routes = false;
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
    // Bans come only from registered senders' events (docs/THREAT-MODEL.md): register ours, as a user would.
    await registerTestSender(t);
    routes = await hasBanRoutes(t.vigil.httpUrl, t.adminToken);
    if (!routes) {
      console.warn(NO_ROUTES);
      return;
    }
    browser = await launchChromium();
    ({ context, page } = await newConsolePage(browser));
    problems = watchProblems(page);
    await page.goto(`${t.vigil.httpUrl}/login`);
    await submitLogin(page, "admin", TEST_ADMIN_PASSWORD);
    await page.waitForURL(`${t.vigil.httpUrl}/`);
    await page.locator(tid("nav-bans")).click();
    await page.waitForURL(/\/bans$/);
    // Live pushes only reach an open socket: wait for it before anything is banned.
    await page.locator(`${tid("ws-status")}[data-status="live"]`).waitFor();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it("bans an IP through the form, shows one banned elsewhere live, unbans both into History", async (ctx) => {
    if (!routes) ctx.skip(NO_ROUTES);
    const viaForm = "198.51.100.23";
    const viaApi = "198.51.100.24";

    await banThroughForm(page, viaForm, "e2e manual ban");
    const row = activeRow(page, viaForm);
    await row.waitFor();
    // A first ban is tier 0: four hours, counting down.
    await expect(textOf(row)).resolves.toMatch(/(3h 59m|4h 0m)/);
    await expect(textOf(row)).resolves.toContain("e2e manual ban");

    // Banned by someone else (the API): the row appears with no reload, through the WebSocket.
    const other = await t.api("POST", "/api/v1/bans", { ip: viaApi, reason: "e2e api ban" }, t.adminToken);
    expect(other.status).toBe(201);
    await activeRow(page, viaApi).waitFor({ timeout: 5_000 });
    await shoot("bans-active.png");

    // The drawer tells the story of the IP.
    await row.click();
    const drawer = page.locator(tid("ban-drawer"));
    await drawer.locator(tid("ban-history")).waitFor();
    await expect(textOf(drawer)).resolves.toContain("e2e manual ban");
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });

    await unbanFromRow(page, viaForm);
    await row.waitFor({ state: "detached" });
    const detail = await t.api("GET", `/api/v1/bans/${viaForm}`, undefined, t.adminToken);
    const body = detail.json() as { ban: BanJson | null; history: Array<{ action: string; actor: string }> };
    expect(body.ban?.status ?? "expired").toBe("expired");
    expect(body.history.map((h) => h.action)).toEqual(expect.arrayContaining(["ban", "unban"]));

    await page.locator(tid("bans-tab-history")).click();
    await historyRow(page, viaForm).waitFor();
    // Unbanned elsewhere while the History tab is open: it arrives there live.
    const lifted = await t.api("DELETE", `/api/v1/bans/${viaApi}`, undefined, t.adminToken);
    expect(lifted.status).toBe(200);
    await historyRow(page, viaApi).waitFor({ timeout: 5_000 });
    await page.locator(tid("bans-tab-active")).click();
    // The tab may first show its cached rows; the refetch drops the lifted ban.
    await activeRow(page, viaApi).waitFor({ state: "detached" });
    expect(problems.list).toEqual([]);
  });

  it("holds an sshd brute force from an authorized country for approval, and approving bans it", async (ctx) => {
    if (!routes) ctx.skip(NO_ROUTES);
    // Orange France's range (as in the demo generator's actors): GeoIP places it in FR.
    const attacker = "90.12.77.41";
    const geo = await t.api("GET", "/api/v1/geozone", undefined, t.adminToken);
    expect(geo.status).toBe(200);
    const put = await t.api(
      "PUT",
      "/api/v1/geozone",
      { ...(geo.json() as object), enabled: true, authorized_countries: ["FR"], hostile_countries: [] },
      t.adminToken,
    );
    expect(put.status, put.text).toBe(200);

    await page.locator(tid("bans-tab-pending")).click();
    const at = Math.floor(Date.now() / 1000) * 1000;
    const lines = Array.from({ length: 6 }, (_, i) => sshdFailure(`e2e-user${i}`, at, attacker).line);
    await sendTcp(t.syslogPort, `${lines.join("\n")}\n`);

    const row = pendingRow(page, attacker);
    try {
      await row.waitFor({ timeout: 10_000 });
    } catch (error) {
      const pending = await t.api("GET", "/api/v1/bans/pending", undefined, t.adminToken);
      const ban = await t.api("GET", `/api/v1/bans/${attacker}`, undefined, t.adminToken);
      throw new Error(`no pending row for ${attacker}: pending=${pending.text} ban=${ban.text}`, {
        cause: error,
      });
    }
    const text = await textOf(row);
    expect(text).toContain("country policy");
    expect(text).toContain("FR");
    expect(text).toContain("ssh-bruteforce");
    await shoot("bans-pending.png");

    await reviewPending(page, attacker, "approve", "e2e: confirmed attacker");
    await row.waitFor({ state: "detached" });
    await page.locator(tid("bans-tab-active")).click();
    await activeRow(page, attacker).waitFor();
    const after = await t.api("GET", `/api/v1/bans/${attacker}`, undefined, t.adminToken);
    const ban = (after.json() as { ban: BanJson | null }).ban;
    expect(ban?.status).toBe("active");
    expect(problems.list).toEqual([]);
  });

  it("warns that bans are enforced nowhere, and asks before banning a private address", async (ctx) => {
    if (!routes) ctx.skip(NO_ROUTES);
    // This Vigil has no enforcement target and no bouncer.
    await page.locator(tid("enforced-nowhere")).waitFor();
    const privateIp = "10.0.0.5";
    await banThroughForm(page, privateIp, "e2e private ban");
    const question = page.locator(tid("ban-form-confirm"));
    await question.waitFor();
    await expect(textOf(question)).resolves.toContain("10.0.0.5 is a private address");
    await shoot("bans-confirm.png");
    await question.locator(tid("ban-form-confirm-yes")).click();
    const row = activeRow(page, privateIp);
    await row.waitFor();
    await question.waitFor({ state: "detached" });
    // The drawer says where it is enforced: nowhere.
    await row.click();
    const drawer = page.locator(tid("ban-drawer"));
    await drawer.locator(tid("enforced-on-nothing")).waitFor();
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });
    // The 409 that asked the question is logged by the browser; it is the only one expected.
    expect(problems.take(/status of 409 \(Conflict\).*\/api\/v1\/bans\b/)).toHaveLength(1);
    expect(problems.list).toEqual([]);
  });
});
