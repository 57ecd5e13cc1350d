import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestVigil, type TestVigil } from "../../packages/server/src/test-support/test-vigil.js";
import { launchChromium, newConsolePage, type PageProblems, watchProblems } from "./browser.js";
import { shoot } from "./console-page.js";

export const WEB_DIST = resolve(import.meta.dirname, "../../packages/web/dist");
/** Screenshots for a person to look at (not committed). */
export const SHOTS = resolve(import.meta.dirname, "../../test-results/e2e");

/** A whole Vigil serving the built console, and one Chromium tab on it, watched for page errors. */
export interface ConsoleSession {
  t: TestVigil;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
  shoot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openConsoleSession(env: Record<string, string> = {}): Promise<ConsoleSession> {
  if (!existsSync(join(WEB_DIST, "index.html"))) {
    throw new Error("The console is not built: run `npm run build -w packages/web` first (npm test does).");
  }
  mkdirSync(SHOTS, { recursive: true });
  const [t, browser] = await Promise.all([
    startTestVigil({ VIGIL_WEB_DIR: WEB_DIST, ...env }),
    launchChromium(),
  ]);
  const { context, page } = await newConsolePage(browser);
  return {
    t,
    browser,
    context,
    page,
    problems: watchProblems(page),
    shoot: (name) => shoot(page, SHOTS, name),
    async close() {
      await context.close();
      await browser.close();
      await t.close();
    },
  };
}
