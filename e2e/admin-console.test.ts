import { randomBytes } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_PASSWORD } from "../packages/server/src/test-support/test-vigil.js";
import { CHROMIUM_PATH, hasChromium } from "./support/browser.js";
import { submitLogin, tid } from "./support/console-page.js";
import { type ConsoleSession, openConsoleSession } from "./support/console-session.js";
import { textOf, waitUntil } from "./support/wait.js";

/**
 * The settings pages as an administrator uses them, in Chromium against a whole Vigil: a client and
 * its site, a user of that client, an API key bound to the site (shown once, then revoked), the
 * trail of all that in the Audit log, and the user disabled. The steps share one tab and run in order.
 */

if (!hasChromium) {
  console.warn(
    `e2e/admin-console.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`,
  );
}

const suffix = randomBytes(3).toString("hex");
const CLIENT = `acme-${suffix}`;
const SITE = `acme-paris-${suffix}`;
const USERNAME = `ana-${suffix}`;
const PASSWORD = `e2e-password-${suffix}-long`;
const KEY_NAME = `paris ingest ${suffix}`;

/** Whether the page itself scrolls sideways (a table scrolling inside its own box does not count). */
const pageOverflow = (page: Page): Promise<number> =>
  page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");

describe.skipIf(!hasChromium)("the settings pages in Chromium", () => {
  let session: ConsoleSession;
  let page: Page;
  let shownKey = "";
  const shoot = (name: string): Promise<void> => session.shoot(name);
  const api = (method: string, url: string, body?: unknown, token?: string) =>
    session.t.api(method, url, body, token);
  const base = (): string => session.t.vigil.httpUrl;

  /** Opens a Mantine select by its input and picks the option whose label starts with `label`. */
  const pick = async (testId: string, label: string): Promise<void> => {
    await page.locator(tid(testId)).click();
    await page
      .getByRole("option", { name: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`) })
      .click();
  };
  const row = (testId: string, attribute: string, value: string): Locator =>
    page.locator(`${tid(testId)}[${attribute}="${value}"]`);
  const section = async (path: string): Promise<void> => {
    await page.locator(tid(`settings-nav-${path}`)).click();
    await page.waitForURL(new RegExp(`/settings/${path}(\\?|$)`));
  };

  beforeAll(async () => {
    session = await openConsoleSession();
    page = session.page;
    // Deletes and revokes ask first (window.confirm): the administrator says yes.
    page.on("dialog", (dialog) => void dialog.accept());
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it("shows Settings to an admin and opens on Users", async () => {
    await page.goto(`${base()}/login`);
    await submitLogin(page, "admin", TEST_ADMIN_PASSWORD);
    await page.waitForURL(`${base()}/`);
    await page.locator(tid("nav-settings")).click();
    await page.waitForURL(/\/settings\/users$/);
    await row("user-row", "data-username", "admin").waitFor();
    await expect(
      textOf(row("user-row", "data-username", "admin").locator(tid("user-client-cell"))),
    ).resolves.toBe("Operator staff");
  });

  it("creates a client and a site of it", async () => {
    await section("clients");
    await page.locator(tid("client-new")).click();
    await page.locator(tid("client-name")).fill(CLIENT);
    await page.locator(tid("client-description")).fill("Acme Corp, e2e");
    await page.locator(tid("client-form-submit")).click();
    await row("client-row", "data-name", CLIENT).waitFor();

    await page.locator(tid("site-new")).click();
    await page.locator(tid("site-name")).fill(SITE);
    await pick("site-client", CLIENT);
    await page.locator(tid("site-description")).fill("Paris office");
    await page.locator(tid("site-form-submit")).click();
    const site = row("site-row", "data-name", SITE);
    await site.waitFor();
    await expect(site.getAttribute("data-client")).resolves.toBe(CLIENT);
    await waitUntil(
      "the client to count its site",
      async () =>
        (await textOf(row("client-row", "data-name", CLIENT).locator(tid("client-site-count")))) === "1",
    );
    // Filtered by client, only its sites are listed.
    await pick("sites-client-filter", CLIENT);
    await waitUntil("the sites of the client only", async () => {
      const clients = await page
        .locator(tid("site-row"))
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-client")));
      return clients.length === 1 && clients[0] === CLIENT;
    });
    await shoot("settings-clients.png");
  });

  it("creates an analyst bound to that client", async () => {
    await section("users");
    await page.locator(tid("user-new")).click();
    await page.locator(tid("user-username")).fill(USERNAME);
    await page.locator(tid("user-password")).fill(PASSWORD);
    await pick("user-role", "analyst");
    await pick("user-client", CLIENT);
    await page.locator(tid("user-form-submit")).click();
    const user = row("user-row", "data-username", USERNAME);
    await user.waitFor();
    await expect(textOf(user.locator(tid("user-role-cell")))).resolves.toBe("analyst");
    await expect(textOf(user.locator(tid("user-client-cell")))).resolves.toBe(CLIENT);
    await shoot("settings-users.png");
    // The new user signs in and is scoped to the client.
    const login = await api("POST", "/api/v1/auth/login", { username: USERNAME, password: PASSWORD });
    expect(login.status).toBe(200);
    expect((login.json() as { user: { role: string } }).user.role).toBe("analyst");
  });

  it("refuses to delete the client while it holds a site and a user, showing the server's reason", async () => {
    await section("clients");
    const client = row("client-row", "data-name", CLIENT);
    await waitUntil(
      "the client to count its user",
      async () => (await textOf(client.locator(tid("client-user-count")))) === "1",
    );
    await client.locator(tid("client-delete")).click();
    const note = page.locator(tid("error-note"));
    await note.waitFor();
    const refusal = await api("DELETE", `/api/v1/clients/${CLIENT}`, undefined, session.t.adminToken);
    expect(refusal.status).toBe(409);
    const detail = (refusal.json() as { detail: string }).detail;
    expect(detail).toMatch(/1 sites?\b.*1 users?\b/);
    await expect(textOf(note)).resolves.toContain(detail);
    await client.waitFor();
    // Chromium logs the refused DELETE as a failed resource load: provoked here, and only here.
    expect(session.problems.take(/status of 409/).length).toBe(1);
  });

  it("creates an API key bound to the site, shows it once, then revokes it", async () => {
    await section("api-keys");
    await page.locator(tid("api-key-new")).click();
    await page.locator(tid("api-key-name")).fill(KEY_NAME);
    await page.locator(tid("api-key-scope-read")).check();
    await pick("api-key-site", SITE);
    await page.locator(tid("api-key-form-submit")).click();
    const value = page.locator(tid("api-key-value"));
    await value.waitFor();
    shownKey = await textOf(value);
    expect(shownKey.length).toBeGreaterThan(20);
    await page.locator(tid("api-key-copy")).waitFor();
    await shoot("settings-api-key-once.png");

    // The key works, for its site only.
    const sites = await api("GET", "/api/v1/sites", undefined, shownKey);
    expect(sites.status).toBe(200);
    expect((sites.json() as { items: Array<{ name: string }> }).items.map((s) => s.name)).toEqual([SITE]);

    await page.locator(tid("api-key-reveal-close")).click();
    await value.waitFor({ state: "detached" });
    const key = row("api-key-row", "data-name", KEY_NAME);
    await key.waitFor();
    await expect(textOf(key.locator(tid("api-key-site-cell")))).resolves.toBe(SITE);
    // Once closed, the key is nowhere on the page: the list has only its prefix.
    expect(await page.content()).not.toContain(shownKey);

    await key.locator(tid("api-key-revoke")).click();
    await waitUntil(
      "the key to show as revoked",
      async () => (await key.getAttribute("data-revoked")) === "true",
    );
    await expect(textOf(key.locator(tid("api-key-status")))).resolves.toMatch(/^revoked /);
    expect((await api("GET", "/api/v1/sites", undefined, shownKey)).status).toBe(401);
  });

  it("finds these actions in the Audit log, filtered by action in the URL, secrets redacted", async () => {
    await section("audit");
    const filter = async (action: string): Promise<void> => {
      await page.locator(tid("audit-filter-action")).fill(action);
      await page.locator(tid("audit-filter-apply")).click();
      await page.waitForURL((url) => url.searchParams.get("action") === action);
    };
    const actions = async (): Promise<string[]> =>
      page
        .locator(tid("audit-row"))
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action") ?? ""));

    await filter("/api/v1/api-keys");
    // The previous rows stay (dimmed) while the filtered ones load: wait for those.
    await waitUntil("the key's creation and revocation, and only key actions", async () => {
      const seen = await actions();
      return (
        seen.includes("POST /api/v1/api-keys") &&
        seen.includes("DELETE /api/v1/api-keys/:id") &&
        seen.every((a) => a.includes("/api/v1/api-keys"))
      );
    });
    await expect(page.locator(tid("audit-table")).getAttribute("aria-busy")).resolves.toBe("false");

    await filter("POST /api/v1/clients");
    await row("audit-row", "data-target", CLIENT).waitFor();
    await filter("POST /api/v1/sites");
    await row("audit-row", "data-target", SITE).waitFor();

    await filter("POST /api/v1/users");
    const created = row("audit-row", "data-target", USERNAME);
    await created.click();
    const detail = page.locator(tid("audit-detail"));
    await detail.waitFor();
    const text = await textOf(detail);
    expect(text).toContain(USERNAME);
    expect(text).toContain(CLIENT);
    expect(text).toContain("[redacted]");
    expect(text).not.toContain(PASSWORD);
    await shoot("settings-audit.png");

    // The filter is in the URL: reloading keeps it.
    await page.reload();
    await expect(page.locator(tid("audit-filter-action")).inputValue()).resolves.toBe("POST /api/v1/users");
    await row("audit-row", "data-target", USERNAME).waitFor();
    expect(
      JSON.stringify(await api("GET", "/api/v1/audit?limit=1000", undefined, session.t.adminToken)),
    ).not.toContain(shownKey);
  });

  it("changes the user's role, then disables them; they can no longer sign in", async () => {
    await section("users");
    const user = row("user-row", "data-username", USERNAME);
    await user.locator(tid("user-edit")).click();
    await pick("user-role", "supervisor");
    await page.locator(tid("user-form-submit")).click();
    await waitUntil(
      "the new role in the list",
      async () => (await textOf(user.locator(tid("user-role-cell")))) === "supervisor",
    );
    await expect(textOf(user.locator(tid("user-client-cell")))).resolves.toBe(CLIENT);
    await user.locator(tid("user-toggle-active")).click();
    await waitUntil(
      "the user to show as disabled",
      async () => (await user.getAttribute("data-active")) === "false",
    );
    await expect(textOf(user.locator(tid("user-active-cell")))).resolves.toBe("disabled");
    const login = await api("POST", "/api/v1/auth/login", { username: USERNAME, password: PASSWORD });
    expect(login.status).toBe(401);
  });

  it("shows a client's own admin only that client: no clients list, new users and sites go to it", async () => {
    const name = `acme-admin-${suffix}`;
    const created = await api(
      "POST",
      "/api/v1/users",
      { username: name, password: PASSWORD, role: "admin", client: CLIENT },
      session.t.adminToken,
    );
    expect(created.status).toBe(201);
    const other = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const tab = await other.newPage();
      await tab.goto(`${base()}/login`);
      await submitLogin(tab, name, PASSWORD);
      await tab.waitForURL(`${base()}/`);
      await tab.goto(`${base()}/settings/clients`);
      await tab.locator(`${tid("site-row")}[data-name="${SITE}"]`).waitFor();
      const sites = await tab
        .locator(tid("site-row"))
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-client")));
      expect(new Set(sites)).toEqual(new Set([CLIENT]));
      expect(await tab.locator(tid("clients-table")).count()).toBe(0);
      await tab.goto(`${base()}/settings/users`);
      await tab.locator(tid("user-new")).click();
      await expect(tab.locator(tid("user-client")).inputValue()).resolves.toBe(CLIENT);
    } finally {
      await other.close();
    }
  });

  it("fits a phone: tabs instead of the side navigation, tables scroll inside their box", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["users", "api-keys", "audit", "clients"]) {
      await page.goto(`${base()}/settings/${path}`);
      await page.locator(tid("settings-tabs")).waitFor();
      await page.locator("table").first().waitFor();
      await expect(pageOverflow(page), `/settings/${path} scrolls sideways`).resolves.toBeLessThanOrEqual(0);
      await shoot(`settings-${path}-phone.png`);
    }
    await expect(page.locator(tid("settings-nav")).isVisible()).resolves.toBe(false);
    expect(session.problems.list).toEqual([]);
  });
});
