import { randomBytes } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../packages/server/src/intel/lookup/fake-provider.js";
import { TEST_ADMIN_PASSWORD } from "../packages/server/src/test-support/test-vigil.js";
import { CHROMIUM_PATH, hasChromium } from "./support/browser.js";
import { submitLogin, tid } from "./support/console-page.js";
import { type ConsoleSession, openConsoleSession } from "./support/console-session.js";
import { textOf, waitUntil } from "./support/wait.js";

/**
 * Settings → Threat intelligence in Chromium against a whole Vigil: an admin sets AlienVault OTX's
 * key, the row says "configured" and where the key comes from, the key field never shows it again,
 * and the next lookup sends that key to a local fake of OTX. No provider on the internet is asked:
 * OTX and InternetDB (the keyless tier-1 provider) point at local addresses, IPsum's download is off.
 */

if (!hasChromium) {
  console.warn(
    `e2e/threat-settings-console.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`,
  );
}

const KEY = `otx-e2e-${randomBytes(12).toString("hex")}`;

describe.skipIf(!hasChromium)("threat-intelligence settings in Chromium", () => {
  let session: ConsoleSession;
  let page: Page;
  let fakeOtx: FakeProvider;
  const base = (): string => session.t.vigil.httpUrl;
  const otxRow = (): Locator => page.locator(`${tid("threat-provider-row")}[data-name="otx"]`);

  beforeAll(async () => {
    fakeOtx = await startFakeProvider(() => ({
      status: 200,
      body: JSON.stringify({ pulse_info: { count: 2, pulses: [] }, validation: [], false_positive: [] }),
    }));
    session = await openConsoleSession({
      VIGIL_TI_OTX_URL: fakeOtx.url,
      // Nothing listens on port 9: InternetDB's row is an error, and nothing leaves the machine.
      VIGIL_TI_INTERNETDB_URL: "http://127.0.0.1:9",
    });
    page = session.page;
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await fakeOtx?.close();
  });

  it("sets OTX's key in the console, shows 'configured' and never the key", async () => {
    await page.goto(`${base()}/login`);
    await submitLogin(page, "admin", TEST_ADMIN_PASSWORD);
    await page.waitForURL(`${base()}/`);
    await page.goto(`${base()}/settings/users`);
    await page.locator(tid("settings-nav-threat-intel")).click();
    await page.waitForURL(/\/settings\/threat-intel$/);
    await otxRow().waitFor();
    await expect(textOf(otxRow().locator(tid("threat-provider-status")))).resolves.toContain(
      "not configured",
    );
    await expect(textOf(otxRow().locator(tid("threat-provider-key-source")))).resolves.toBe("none");

    await otxRow().locator(tid("threat-provider-edit")).click();
    const keyField = page.locator(tid("threat-provider-key"));
    await expect(keyField.inputValue()).resolves.toBe("");
    await expect(keyField.getAttribute("type")).resolves.toBe("password");
    await keyField.fill(KEY);
    await page.locator(tid("threat-provider-form-submit")).click();
    await page.locator(tid("threat-provider-form")).waitFor({ state: "detached" });

    await waitUntil(
      "OTX to show as configured",
      async () =>
        (await textOf(otxRow().locator(tid("threat-provider-status"))))?.includes("configured") &&
        !(await textOf(otxRow().locator(tid("threat-provider-status"))))?.includes("not configured"),
    );
    await expect(textOf(otxRow().locator(tid("threat-provider-key-source")))).resolves.toBe(
      "set in the console",
    );
    await session.shoot("settings-threat-intel.png");

    // Opened again, the key field is empty: the console never had the key back.
    await otxRow().locator(tid("threat-provider-edit")).click();
    await expect(page.locator(tid("threat-provider-key")).inputValue()).resolves.toBe("");
    expect(await page.content()).not.toContain(KEY);
    await page.keyboard.press("Escape");
    await page.locator(tid("threat-provider-form")).waitFor({ state: "detached" });
    expect(session.problems.list).toEqual([]);
  });

  it("sends the console's key to the provider on the next lookup", async () => {
    const res = await session.t.api("GET", "/api/v1/threats/45.155.205.99", undefined, session.t.adminToken);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(KEY);
    expect(fakeOtx.requests.at(-1)?.headers["x-otx-api-key"]).toBe(KEY);
    const providers = await session.t.api(
      "GET",
      "/api/v1/threats/providers",
      undefined,
      session.t.adminToken,
    );
    expect(providers.text).not.toContain(KEY);
    // The answer is counted on /metrics.
    const metrics = await session.t.api("GET", "/metrics", undefined, session.t.adminToken);
    expect(metrics.text).toMatch(/vigil_threat_checks_total\{provider="otx",status="ok"\} 1/);
  });

  it("shows a client's admin no threat-intelligence settings", async () => {
    const admin = session.t.adminToken;
    const password = `acme-admin-${randomBytes(6).toString("hex")}`;
    expect((await session.t.api("POST", "/api/v1/clients", { name: "acme" }, admin)).status).toBe(201);
    const created = await session.t.api(
      "POST",
      "/api/v1/users",
      { username: "acme-admin", password, role: "admin", client: "acme" },
      admin,
    );
    expect(created.status).toBe(201);
    await page.locator(tid("sign-out")).click();
    await page.waitForURL(/\/login/);
    await submitLogin(page, "acme-admin", password);
    // Signed in, the console goes back to where the last user was.
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    await page.goto(`${base()}/settings/users`);
    await page.locator(tid("settings-nav-users")).waitFor();
    await expect(page.locator(tid("settings-nav-threat-intel")).count()).resolves.toBe(0);
    await page.goto(`${base()}/settings/threat-intel`);
    await page.getByText("Threat-intelligence settings are for operator staff.").waitFor();
    await expect(page.locator(tid("threat-providers-table")).count()).resolves.toBe(0);
  });
});
