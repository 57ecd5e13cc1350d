import { randomBytes } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_PASSWORD } from "../packages/server/src/test-support/test-vigil.js";
import { activeRow } from "./support/bans-page.js";
import { CHROMIUM_PATH, hasChromium, newConsolePage } from "./support/browser.js";
import { submitLogin, tid } from "./support/console-page.js";
import { type ConsoleSession, openConsoleSession } from "./support/console-session.js";
import { textOf, waitUntil } from "./support/wait.js";

/**
 * The site pickers of the console, in Chromium against a whole Vigil: a sender registered to a site
 * created in place on the Sources page (and the server's refusal of a site deleted meanwhile), a
 * firewall target and a bouncer bound to a site, and manual bans: global or on a site for operator
 * staff, on their only site for a client's analyst. The steps share one tab and run in order.
 */

if (!hasChromium) {
  console.warn(
    `e2e/site-pickers.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`,
  );
}

const suffix = randomBytes(3).toString("hex");
const CLIENT = `acme-${suffix}`;
const NEW_SITE = `acme-lyon-${suffix}`;
const DOOMED_SITE = `acme-paris-${suffix}`;
const ANALYST = `ana-${suffix}`;
const PASSWORD = `e2e-password-${suffix}-long`;

describe.skipIf(!hasChromium)("site pickers in the console", () => {
  let session: ConsoleSession;
  let page: Page;
  const api = (method: string, url: string, body?: unknown, token?: string) =>
    session.t.api(method, url, body, token ?? session.t.adminToken);
  const base = (): string => session.t.vigil.httpUrl;

  /** Opens a Mantine select by its input and picks the option labelled exactly `label`. */
  const pick = async (p: Page | Locator, testId: string, label: string): Promise<void> => {
    await p.locator(tid(testId)).click();
    await page.getByRole("option", { name: label, exact: true }).click();
  };
  const go = async (path: string): Promise<void> => {
    await page.goto(`${base()}${path}`);
    await page.waitForURL(`${base()}${path}`);
  };

  beforeAll(async () => {
    session = await openConsoleSession();
    page = session.page;
    page.on("dialog", (dialog) => void dialog.accept());
    expect((await api("POST", "/api/v1/clients", { name: CLIENT })).status).toBe(201);
    expect((await api("POST", "/api/v1/sites", { name: DOOMED_SITE, client: CLIENT })).status).toBe(201);
    await page.goto(`${base()}/login`);
    await submitLogin(page, "admin", TEST_ADMIN_PASSWORD);
    await page.waitForURL(`${base()}/`);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it("registers a sender to a site created in place, and shows why a vanished site is refused", async () => {
    await go("/sources");
    await page.locator(tid("source-add")).click();
    await page.locator(tid("source-match-value")).fill("192.0.2.50");
    await pick(page, "source-site", "New site…");
    await page.locator(tid("new-site-name")).fill(NEW_SITE);
    await pick(page, "new-site-client", CLIENT);
    await page.locator(tid("new-site-description")).fill("Lyon office");
    await page.locator(tid("source-save")).click();
    const sender = page.locator(tid("source-row")).filter({ hasText: "192.0.2.50" });
    await sender.waitFor();
    await expect(textOf(sender)).resolves.toContain(NEW_SITE);
    const sites = (await api("GET", "/api/v1/sites")).json() as {
      items: Array<{ name: string; client: string; description: string | null }>;
    };
    expect(sites.items.find((s) => s.name === NEW_SITE)).toMatchObject({
      client: CLIENT,
      description: "Lyon office",
    });

    // A row's picker offers "New site…" too: it opens the sender's form on the new-site fields.
    await pick(sender, "source-site-inline", "New site…");
    await page.locator(tid("new-site")).waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await page.locator(tid("new-site")).waitFor({ state: "detached" });

    // The site is picked, then deleted elsewhere before the save: the server's reason is shown.
    await page.locator(tid("source-add")).click();
    await page.locator(tid("source-match-value")).fill("192.0.2.51");
    await pick(page, "source-site", DOOMED_SITE);
    expect((await api("DELETE", `/api/v1/sites/${DOOMED_SITE}`)).status).toBe(204);
    await page.locator(tid("source-save")).click();
    await expect(textOf(page.locator(tid("source-form-error")))).resolves.toContain(
      `no site named "${DOOMED_SITE}"`,
    );
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  });

  it("binds a firewall target and a bouncer to a site; unbound ones read All sites", async () => {
    await go("/enforcement");
    await page.locator(tid("target-add")).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Webhook", { exact: true }).click();
    await dialog.locator(tid("target-name")).fill(`lyon-hook-${suffix}`);
    await dialog.locator(tid("target-url")).fill("http://127.0.0.1:9/vigil");
    await dialog.getByLabel("Signing secret").fill(`e2e-secret-${suffix}`);
    await pick(dialog, "target-sites", NEW_SITE);
    // Closes the list (Escape there would also close the modal).
    await dialog.getByRole("heading").click();
    await dialog.getByRole("button", { name: "Save" }).click();
    const target = page.locator(tid("target-row")).filter({ hasText: `lyon-hook-${suffix}` });
    await target.waitFor();
    await expect(textOf(target.locator(tid("target-sites-cell")))).resolves.toBe(NEW_SITE);

    expect((await api("POST", "/api/v1/bouncers", { name: `every-ban-${suffix}` })).status).toBe(201);
    await page.locator(tid("bouncer-name")).fill(`lyon-nft-${suffix}`);
    await pick(page, "bouncer-sites", NEW_SITE);
    await page.keyboard.press("Escape");
    await page.locator(tid("bouncer-create")).click();
    await page.locator(tid("bouncer-key")).waitFor();
    await session.shoot("enforcement-sites.png");
    await page.getByRole("button", { name: "Done" }).click();
    const bound = page.locator(tid("bouncer-row")).filter({ hasText: `lyon-nft-${suffix}` });
    const unbound = page.locator(tid("bouncer-row")).filter({ hasText: `every-ban-${suffix}` });
    await waitUntil(
      "both bouncers listed",
      async () => (await unbound.count()) === 1 && (await bound.count()) === 1,
    );
    await expect(textOf(bound.locator(tid("bouncer-sites-cell")))).resolves.toBe(NEW_SITE);
    await expect(textOf(unbound.locator(tid("bouncer-sites-cell")))).resolves.toBe("All sites");
  });

  it("bans globally by default for operator staff, or on a chosen site", async () => {
    await go("/bans");
    await page.locator(tid("ban-form-ip")).fill("198.51.100.71");
    await page.locator(tid("ban-form-submit")).click();
    await expect(textOf(activeRow(page, "198.51.100.71").locator(tid("ban-sites")))).resolves.toBe("Global");

    await page.locator(tid("ban-form-ip")).fill("198.51.100.72");
    await pick(page, "ban-form-site", NEW_SITE);
    await page.locator(tid("ban-form-submit")).click();
    await expect(textOf(activeRow(page, "198.51.100.72").locator(tid("ban-sites")))).resolves.toBe(NEW_SITE);
  });

  it("starts a client's analyst on their only site, with no global choice", async () => {
    const created = await api("POST", "/api/v1/users", {
      username: ANALYST,
      password: PASSWORD,
      role: "analyst",
      client: CLIENT,
    });
    expect(created.status, created.text).toBe(201);
    const { context, page: tab } = await newConsolePage(session.browser);
    try {
      await tab.goto(`${base()}/login`);
      await submitLogin(tab, ANALYST, PASSWORD);
      await tab.waitForURL(`${base()}/`);
      await tab.goto(`${base()}/bans`);
      const site = tab.locator(tid("ban-form-site"));
      await waitUntil("the only site preselected", async () => (await site.inputValue()) === NEW_SITE);
      await site.click();
      await expect(tab.getByRole("option", { name: "Global (every site)" }).count()).resolves.toBe(0);
      await tab.keyboard.press("Escape");
      await tab.locator(tid("ban-form-ip")).fill("198.51.100.73");
      await tab.locator(tid("ban-form-submit")).click();
      await expect(textOf(activeRow(tab, "198.51.100.73").locator(tid("ban-sites")))).resolves.toBe(NEW_SITE);
    } finally {
      await context.close();
    }
  });
});
