import type { Locator, Page } from "playwright-core";
import { tid } from "./console-page.js";

/**
 * Page helpers for the Bans console: rows found by the IP they show (`data-ip`), so a test never
 * depends on row order or on other bans present.
 */
export const activeRow = (page: Page, ip: string): Locator =>
  page.locator(`${tid("bans-active-row")}[data-ip="${ip}"]`);

export const pendingRow = (page: Page, ip: string): Locator =>
  page.locator(`${tid("bans-pending-row")}[data-ip="${ip}"]`);

export const historyRow = (page: Page, ip: string): Locator =>
  page.locator(`${tid("bans-history-row")}[data-ip="${ip}"]`);

/** Bans through the page's form; the duration select is left at "tier default". */
export async function banThroughForm(page: Page, ip: string, reason: string): Promise<void> {
  await page.locator(tid("ban-form-ip")).fill(ip);
  await page.locator(tid("ban-form-reason")).fill(reason);
  await page.locator(tid("ban-form-submit")).click();
}

/** Unban from the row's button, confirming the dialog with no immunity. */
export async function unbanFromRow(page: Page, ip: string): Promise<void> {
  await activeRow(page, ip).locator(tid("unban-button")).click();
  await page.locator(tid("unban-confirm")).click();
}

/** Approve (or reject) a pending ban from its row, with a note. */
export async function reviewPending(page: Page, ip: string, verdict: "approve" | "reject", note: string) {
  await pendingRow(page, ip)
    .locator(tid(`${verdict}-button`))
    .click();
  await page.locator(tid("review-note")).fill(note);
  await page.locator(tid("review-confirm")).click();
}

/** The bans routes are wired into the server (GET /api/v1/bans answers something other than 404). */
export async function hasBanRoutes(baseUrl: string, token: string): Promise<boolean> {
  const res = await fetch(`${baseUrl}/api/v1/bans`, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status !== 404;
}
