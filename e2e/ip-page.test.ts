import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../packages/server/src/intel/lookup/fake-provider.js";
import { type FakeXgs, startFakeXgs } from "../packages/server/src/test-support/fake-xgs.js";
import { eventually, TEST_ADMIN_PASSWORD } from "../packages/server/src/test-support/test-vigil.js";
import { BROWSER_TIME_ZONE, CHROMIUM_PATH, hasChromium } from "./support/browser.js";
import { shoot, submitLogin, tid } from "./support/console-page.js";
import { type ConsoleSession, openConsoleSession, SHOTS } from "./support/console-session.js";
import { sendTcp, sophosTime, sshdFailure } from "./support/syslog.js";
import { textOf, waitUntil } from "./support/wait.js";

/**
 * The IP page as an analyst reaches it (issue 10's last "Done when"): syslog from a public attacker,
 * the explorer, a click on the IP → its page with the counts, the threat panel with every provider's
 * row (OTX answered by a local fake; every other provider pointed at a closed local port, so nothing
 * reaches the internet), and a Ban from that page that lands on the (fake) Sophos XGS. Then the same
 * page at a phone's 390 px without sideways scrolling.
 */
const ATTACKER = "45.155.205.233";
/** Looked up by background enrichment only, never by a visit. */
const BACKGROUND = "45.155.205.240";
const WAF = 5;
const FIREWALL = 3;
const PROVIDERS = [
  "IPSUM",
  "OTX",
  "THREATFOX",
  "URLHAUS",
  "INTERNETDB",
  "ABUSEIPDB",
  "GREYNOISE",
  "CROWDSEC",
  "VIRUSTOTAL",
  "CRIMINALIP",
  "PULSEDIVE",
];
/** The discard port: refused at once, so an unconfigured test never waits on, or reaches, the internet. */
const CLOSED = "http://127.0.0.1:9";

if (!hasChromium) {
  console.warn(`e2e/ip-page.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
}

function wafLine(i: number): string {
  return `<28>device_name="SFW" timestamp="${sophosTime(Date.now())}" log_id=075000617 log_type="WAF" log_component="Web Application Firewall" log_subtype="Denied" log_version=1 severity="Warning" sourceip=${ATTACKER} localip=10.0.0.5 method="GET" httpstatus=403 url="/wp-login.php?try=${i}" useragent="Mozilla/5.0" domain="shop.example.com" reason="Brute force"`;
}

function firewallLine(i: number): string {
  return `<30>device_name="SFW" timestamp="${sophosTime(Date.now())}" device_serial_id="X21000E2E" log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" log_version=1 severity="Information" fw_rule_id=5 src_ip=${ATTACKER} dst_ip=10.0.0.1 src_port=${41000 + i} dst_port=22 protocol="TCP"`;
}

describe.skipIf(!hasChromium)("the IP page", () => {
  let s: ConsoleSession;
  let otx: FakeProvider;
  let xgs: FakeXgs;

  beforeAll(async () => {
    otx = await startFakeProvider(() => ({
      status: 200,
      body: JSON.stringify({ pulse_info: { count: 20, pulses: [] }, validation: [], false_positive: [] }),
    }));
    xgs = await startFakeXgs({ username: "api", password: "xgs-password-1" });
    const offline = Object.fromEntries(PROVIDERS.map((name) => [`VIGIL_TI_${name}_URL`, CLOSED]));
    s = await openConsoleSession({ ...offline, VIGIL_TI_OTX_URL: otx.url, VIGIL_TI_OTX_KEY: "e2e-otx-key" });
    const target = await s.t.api(
      "POST",
      "/api/v1/enforcement/targets",
      {
        name: "xgs",
        type: "sophos_xgs",
        enabled: true,
        config: { url: xgs.url, username: "api", password: "xgs-password-1", verify_tls: false },
      },
      s.t.adminToken,
    );
    expect(target.status, target.text).toBe(201);
    const lines = [
      ...Array.from({ length: WAF }, (_, i) => wafLine(i)),
      ...Array.from({ length: FIREWALL }, (_, i) => firewallLine(i)),
    ];
    await sendTcp(s.t.syslogPort, `${lines.join("\n")}\n`);
    await eventually(async () => {
      const res = await s.t.api("GET", `/api/v1/ips/${ATTACKER}`, undefined, s.t.adminToken);
      return (res.json() as { total: number }).total === WAF + FIREWALL;
    }, 20_000);
    const { page } = s;
    await page.goto(`${s.t.vigil.httpUrl}/login`);
    await submitLogin(page, "admin", TEST_ADMIN_PASSWORD);
    await page.waitForURL(`${s.t.vigil.httpUrl}/`);
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    await xgs?.close();
    await otx?.close();
  });

  it("opens from the IP in the explorer with the IP's counts and every provider's answer", async () => {
    const { page } = s;
    await page.locator(tid("nav-events")).click();
    await page.waitForURL(/\/events/);
    const link = page.locator(`${tid("events-row")} ${tid("ip-link")}[data-ip="${ATTACKER}"]`).first();
    await link.click();
    await page.waitForURL((url) => decodeURIComponent(url.pathname) === `/ip/${ATTACKER}`);
    await expect(textOf(page.locator(tid("ip-title")))).resolves.toBe(ATTACKER);

    await waitUntil("the IP's counts", async () => (await textOf(page.locator(tid("ip-total")))) === "8");
    const count = (list: string, key: string) =>
      page.locator(`${tid(`${list}-row`)}[data-key="${key}"]`).getAttribute("data-count");
    await expect(count("ip-by-log-type", "WAF")).resolves.toBe(String(WAF));
    await expect(count("ip-by-log-type", "Firewall")).resolves.toBe(String(FIREWALL));
    await expect(count("ip-top-hosts", "shop.example.com")).resolves.toBe(String(WAF));
    await expect(count("ip-top-ports", "22")).resolves.toBe(String(FIREWALL));

    // The analyst's visit looked the IP up: OTX (the fake) answered, the others say why they did not.
    const otxRow = page.locator(`${tid("threat-provider-row")}[data-provider="otx"]`);
    await otxRow.waitFor();
    await expect(otxRow.getAttribute("data-status")).resolves.toBe("ok");
    expect(await page.locator(tid("threat-provider-row")).count()).toBeGreaterThanOrEqual(5);
    expect(otx.requests.length).toBeGreaterThanOrEqual(1);
    expect(otx.requests[0]?.path).toContain(ATTACKER);
    const score = Number(await page.locator(tid("threat-panel")).getAttribute("data-score"));
    expect(score).toBeGreaterThan(0);
    await expect(textOf(page.locator(tid("ip-tier-preview")))).resolves.toContain("tier 0, duration 4h");
    await shoot(page, SHOTS, "ip-page.png");
  });

  it("bans from the IP page, with the tier preview, and the ban reaches the firewall", async () => {
    const { page } = s;
    await page.locator(tid("ip-page")).locator(tid("ip-action-ban")).click();
    const form = page.locator(tid("ip-ban-form"));
    await form.waitFor();
    await expect(textOf(form.locator(tid("ip-ban-tier-preview")))).resolves.toContain("would be tier 0");
    await form.locator(tid("ip-ban-reason")).fill("e2e ban from the IP page");
    await form.locator(tid("ip-ban-form-submit")).click();
    await form.waitFor({ state: "detached" });

    await eventually(
      async () => xgs.members("grp_VGX-BannedIP").includes(`VGX_${ATTACKER.replaceAll(".", "_")}`),
      20_000,
    );
    // The page shows the ban and offers Unban instead of Ban.
    await page.locator(tid("ip-page")).locator(tid("ip-action-unban")).waitFor();
    await expect(textOf(page.locator(tid("ip-bans")))).resolves.toContain("e2e ban from the IP page");
    const ban = await s.t.api("GET", `/api/v1/bans/${ATTACKER}`, undefined, s.t.adminToken);
    expect((ban.json() as { ban: { status: string; current_tier: number } }).ban).toMatchObject({
      status: "active",
      current_tier: 0,
    });
    await shoot(page, SHOTS, "ip-page-banned.png");
  });

  it("lists the attacker with its stored score on Advanced Threat, and the providers' calls today", async () => {
    const { page } = s;
    await page.locator(tid("nav-threats")).click();
    await page.waitForURL(/\/threats$/);
    const row = page.locator(`${tid("threat-recent-row")}[data-ip="${ATTACKER}"]`);
    await row.locator(tid("threat-score-badge")).waitFor();
    const otxQuota = page.locator(`${tid("threat-provider-quota")}[data-provider="otx"]`);
    await otxQuota.waitFor();
    await expect(textOf(otxQuota)).resolves.toMatch(/[1-9]\d* (today|\/)/);
    // Listing scores spent nothing: the one OTX call is still the IP page's.
    const calls = otx.requests.length;
    await page.reload();
    await row.locator(tid("threat-score-badge")).waitFor();
    expect(otx.requests.length).toBe(calls);
    await shoot(page, SHOTS, "threats-page.png");
    // The lookup box opens an IP's page.
    await page.locator(tid("threat-lookup-ip")).fill(ATTACKER);
    await page.locator(tid("threat-lookup-submit")).click();
    await page.waitForURL((url) => decodeURIComponent(url.pathname) === `/ip/${ATTACKER}`);
  });

  it("shows a high-risk IP that background enrichment finds while Advanced Threat is open", async () => {
    const { page } = s;
    await page.locator(tid("nav-threats")).click();
    await page.waitForURL(/\/threats$/);
    await page.locator(`${tid("ws-status")}[data-status="live"]`).waitFor();
    // An SSH brute force trips the shipped scenario; the detection queues a background lookup, and
    // the fake OTX's 20 pulses score it high: the page hears `threat_detected` and lists it.
    const lines = Array.from({ length: 6 }, (_, i) => sshdFailure(`bg${i}`, Date.now(), BACKGROUND).line);
    await sendTcp(s.t.syslogPort, `${lines.join("\n")}\n`);
    const row = page.locator(`${tid("threat-live-row")}[data-ip="${BACKGROUND}"]`);
    await row.waitFor({ timeout: 30_000 });
    await expect(textOf(row)).resolves.toMatch(/tripped a scenario/);
    await expect(textOf(row.locator(tid("threat-score-badge")))).resolves.toMatch(/high|critical/);
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
      await phone.goto(`${s.t.vigil.httpUrl}/ip/${ATTACKER}`);
      // The session lives in the other tab's sessionStorage: this one signs in and comes back.
      await phone
        .locator(`${tid("login-username")}, ${tid("ip-page")}`)
        .first()
        .waitFor();
      if (phone.url().includes("/login")) {
        await submitLogin(phone, "admin", TEST_ADMIN_PASSWORD);
        await phone.waitForURL((url) => url.pathname.startsWith("/ip/"));
      }
      await phone.locator(`${tid("threat-provider-row")}[data-provider="otx"]`).waitFor();
      await waitUntil("the IP's counts", async () => (await textOf(phone.locator(tid("ip-total")))) === "8");
      const overflow = await phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await shoot(phone, SHOTS, "ip-page-phone.png");
      await phone.screenshot({ path: `${SHOTS}/ip-page-phone-full.png`, fullPage: true });

      await phone.goto(`${s.t.vigil.httpUrl}/threats`);
      await phone.locator(`${tid("threat-recent-row")}[data-ip="${ATTACKER}"]`).waitFor();
      await phone.locator(tid("threat-provider-quota")).first().waitFor();
      expect(
        await phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"),
      ).toBeLessThanOrEqual(0);
      await phone.screenshot({ path: `${SHOTS}/threats-page-phone-full.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});
