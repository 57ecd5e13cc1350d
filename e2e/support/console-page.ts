import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { waitUntil } from "./wait.js";

/** The selector for the console's `data-testid` hooks. */
export const tid = (id: string): string => `[data-testid="${id}"]`;

/** Fills and sends the sign-in form. */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await page.locator(tid("login-username")).fill(username);
  await page.locator(tid("login-password")).fill(password);
  await page.locator(tid("login-submit")).click();
}

/**
 * Waits until every chart says ECharts finished drawing (canvas animations are out of reach of
 * Playwright's `animations: "disabled"`). The map's pulsing dots never finish, so it is left out.
 */
export async function chartsSettled(page: Page): Promise<void> {
  await waitUntil("the charts to settle", async () => {
    const states = await page
      .locator("[data-chart-settled]")
      .evaluateAll((els) =>
        els
          .filter((el) => !el.closest('[data-testid="geo-map"]'))
          .map((el) => el.getAttribute("data-chart-settled")),
      );
    return states.every((state) => state === "true");
  });
}

/** A screenshot for a person to look at: charts drawn, CSS transitions (a sliding drawer) finished. */
export async function shoot(page: Page, dir: string, name: string): Promise<void> {
  await chartsSettled(page);
  await page.screenshot({ path: join(dir, name), animations: "disabled" });
}

/** The value cell of a labelled row in the event drawer ("Source IP" → "185.220.101.4"). */
export function drawerField(page: Page, drawer: Locator, label: string): Locator {
  return drawer
    .locator("tr")
    .filter({ has: page.getByText(label, { exact: true }) })
    .locator("td")
    .nth(1);
}
