import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); VIGIL_CHROMIUM points elsewhere when needed. */
export const CHROMIUM_PATH = process.env.VIGIL_CHROMIUM ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM_PATH);

// Headless, and quiet: no update checks, sync or first-run pages that would add network noise and time.
const ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, timeout: 60_000 });
}

/** What went wrong in the page: uncaught exceptions and console errors, with where they came from. */
export interface PageProblems {
  list: string[];
  /** Removes the entries `expected` matches and returns them (for errors a step provokes on purpose). */
  take(expected: RegExp): string[];
}

export function watchProblems(page: Page): PageProblems {
  const list: string[] = [];
  page.on("pageerror", (error) => list.push(`pageerror: ${error.stack ?? error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const at = message.location();
    list.push(`console.error: ${message.text()}${at.url ? ` (${at.url}:${at.lineNumber})` : ""}`);
  });
  return {
    list,
    take(expected) {
      const taken = list.filter((entry) => expected.test(entry));
      const kept = list.filter((entry) => !expected.test(entry));
      list.splice(0, list.length, ...kept);
      return taken;
    },
  };
}

/**
 * A desktop-sized page in a fixed, non-UTC browser zone with a 45-minute offset, so a console that
 * mixes up UTC and local time shows it, whatever zone the machine running the tests is in.
 */
export const BROWSER_TIME_ZONE = "Asia/Kathmandu";

export async function newConsolePage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    // Tall enough for the whole dashboard in one screenshot (a full-page capture clips the fixed navbar).
    viewport: { width: 1440, height: 1300 },
    timezoneId: BROWSER_TIME_ZONE,
    locale: "en-GB",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}
