import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_PASSWORD } from "../packages/server/src/test-support/test-vigil.js";
import { startTestDnsServer, type TestDnsServer } from "../packages/server/src/vigimail/dns-test-server.js";
import {
  fakeBreach,
  type LeakTestServer,
  startLeakTestServer,
} from "../packages/server/src/vigimail/leak-test-server.js";
import { CHROMIUM_PATH, hasChromium } from "./support/browser.js";
import { submitLogin, tid } from "./support/console-page.js";
import { type ConsoleSession, openConsoleSession } from "./support/console-session.js";
import { textOf, waitUntil } from "./support/wait.js";

/**
 * The Vigimail page in Chromium against a whole Vigil whose VIGIL_DNS_SERVERS names the test's DNS
 * server and whose HIBP URL names a local fake: add a domain and a mailbox, check them, read the SPF
 * +all issue and the breach, check everything with progress, and the page at 390 px.
 */
if (!hasChromium) {
  console.warn(
    `e2e/vigimail-console.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`,
  );
}

const pageOverflow = (page: Page): Promise<number> =>
  page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");

describe.skipIf(!hasChromium)("the Vigimail page in Chromium", () => {
  let session: ConsoleSession;
  let page: Page;
  let dns: TestDnsServer;
  let fake: LeakTestServer;
  const base = (): string => session.t.vigil.httpUrl;

  beforeAll(async () => {
    dns = await startTestDnsServer({
      "weak.test": { txt: ["v=spf1 +all"], mx: [{ priority: 10, exchange: "mx.weak.test" }] },
      "_dmarc.weak.test": { txt: ["v=DMARC1; p=none"] },
      "mx.weak.test": { a: ["192.0.2.10"] },
    });
    fake = await startLeakTestServer();
    fake.hibpAccounts.set("victim@weak.test", [fakeBreach("Adobe"), fakeBreach("Gawker")]);
    fake.leakcheckAccounts.set("victim@weak.test", [
      { name: "Adobe.com", breach_date: "2013-10", fields: ["password"] },
    ]);
    session = await openConsoleSession({
      VIGIL_DNS_SERVERS: dns.address,
      VIGIL_HIBP_URL: fake.hibpUrl,
      VIGIL_HIBP_KEY: fake.hibpKey,
      // No LeakCheck key here: the test sets it in the console.
      VIGIL_LEAKCHECK_URL: fake.leakcheckUrl,
    });
    page = session.page;
    page.on("dialog", (dialog) => void dialog.accept());
    // The test need not wait HIBP's 10-per-minute pacing between its checks.
    const cfg = await session.t.api(
      "PUT",
      "/api/v1/vigimail/config",
      { providers: { hibp: { requests_per_minute: 5000 } } },
      session.t.adminToken,
    );
    expect(cfg.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await dns?.close();
    await fake?.close();
  });

  it("adds a domain, checks it and shows the SPF +all issue with its fix", async () => {
    await page.goto(`${base()}/login`);
    await submitLogin(page, "admin", TEST_ADMIN_PASSWORD);
    await page.waitForURL(`${base()}/`);
    await page.locator(tid("nav-vigimail")).click();
    await page.waitForURL(/\/vigimail$/);

    await page.locator(tid("vigimail-add-domain")).click();
    await page.locator(tid("vigimail-domain-input")).fill("weak.test");
    await page.locator(tid("vigimail-domain-form-submit")).click();
    const row = page.locator(`${tid("vigimail-domain-row")}[data-domain="weak.test"]`);
    await row.waitFor();
    await row.locator(tid("domain-check")).click();
    const issue = page.locator(`${tid("vigimail-issue")}[data-code="spf_plus_all"]`);
    await issue.waitFor();
    await expect(textOf(issue)).resolves.toMatch(/\+all.*Fix: Replace \+all with -all/);
    await expect(row.locator(tid("badge-spf")).getAttribute("data-state")).resolves.toBe("failing");
    await expect(row.locator(tid("badge-mx")).getAttribute("data-state")).resolves.toBe("ok");
    await page.locator(`${tid("vigimail-issue")}[data-code="dmarc_policy_none"]`).waitFor();
    const score = Number(await textOf(row.locator(tid("domain-score"))));
    expect(score).toBeLessThan(80);
    await session.shoot("vigimail-domain.png");
  });

  it("adds a mailbox, checks it and opens its breaches", async () => {
    await page.locator(tid("vigimail-add-email")).click();
    await page.locator(tid("vigimail-email-input")).fill("victim@weak.test");
    await page.locator(tid("vigimail-email-form-submit")).click();
    const row = page.locator(`${tid("vigimail-mailbox-row")}[data-email="victim@weak.test"]`);
    await row.waitFor();
    await row.locator(tid("mailbox-check")).click();
    await waitUntil(
      "the leak count",
      async () => (await textOf(row.locator(tid("mailbox-leaks")))) === "2 breaches",
    );
    await row.locator(tid("mailbox-leaks")).click();
    const adobe = page.locator(`${tid("breach")}[data-name="Adobe"]`);
    await adobe.waitFor();
    await expect(textOf(adobe)).resolves.toContain("Passwords");
    await session.shoot("vigimail-breaches.png");
    await page.keyboard.press("Escape");
    await adobe.waitFor({ state: "detached" });
    const hibp = fake.requests.find((r) => r.path.startsWith("/api/v3/breachedaccount/"));
    expect(hibp?.headers["hibp-api-key"]).toBe(fake.hibpKey);
    expect(hibp?.headers["user-agent"]).toMatch(/Vigil/);
  });

  it("takes a LeakCheck key in the settings, sealed and never shown again", async () => {
    await page.locator(tid("vigimail-settings-open")).click();
    await page.locator(tid("vigimail-leakcheck-key")).fill(fake.leakcheckKey);
    await page.locator(tid("vigimail-settings-submit")).click();
    await page.locator(tid("vigimail-settings")).waitFor({ state: "detached" });
    const cfg = (
      await session.t.api("GET", "/api/v1/vigimail/config", undefined, session.t.adminToken)
    ).json() as {
      providers: { leakcheck: { key_source: string } };
    };
    expect(cfg.providers.leakcheck.key_source).toBe("console");
    await page.locator(tid("vigimail-settings-open")).click();
    await expect(page.locator(tid("vigimail-leakcheck-key")).inputValue()).resolves.toBe("");
    await page.getByText("A key is set here (sealed)").waitFor();
    await page.keyboard.press("Escape");
    await page.locator(tid("vigimail-settings")).waitFor({ state: "detached" });
  });

  it("checks everything with progress", async () => {
    await page.locator(tid("vigimail-check-all")).click();
    const progress = page.locator(tid("vigimail-progress"));
    await waitUntil(
      "the check-all to finish, LeakCheck asked with the key set in the settings",
      async () =>
        (await progress.getAttribute("data-running")) === "false" &&
        (await textOf(progress)).includes("Checked 2 of 2"),
      20_000,
    );
    const row = page.locator(`${tid("vigimail-mailbox-row")}[data-email="victim@weak.test"]`);
    await waitUntil(
      "LeakCheck's breach counted",
      async () => (await textOf(row.locator(tid("mailbox-leaks")))) === "3 breaches",
    );
    const lc = fake.requests.find((r) => r.path.startsWith("/api/v2/query/"));
    expect(lc?.headers["x-api-key"]).toBe(fake.leakcheckKey);
  });

  it("works at 390 px without the page scrolling sideways", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator(`${tid("vigimail-domain-row")}[data-domain="weak.test"]`).waitFor();
    await expect(pageOverflow(page)).resolves.toBeLessThanOrEqual(0);
    await session.shoot("vigimail-phone.png");
    expect(session.problems.list).toEqual([]);
  });
});
