import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_PASSWORD } from "../packages/server/src/test-support/test-vigil.js";
import { CHROMIUM_PATH, hasChromium } from "./support/browser.js";
import { submitLogin, tid } from "./support/console-page.js";
import { type ConsoleSession, openConsoleSession } from "./support/console-session.js";
import { textOf } from "./support/wait.js";

/**
 * Scenarios → Import Sigma in Chromium against a whole Vigil: an unsupported field is named with its
 * line, Preview shows the scenario a dry run makes (and saves nothing), Import adds it to the table.
 */

if (!hasChromium) {
  console.warn(
    `e2e/sigma-console.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`,
  );
}

const RULE = `title: Web Shell Probe E2E
id: 4d3c2b1a-0000-4000-8000-0000000000e2
author: Vigil e2e
logsource:
  category: webserver
detection:
  selection:
    cs-uri-stem|endswith: ['/c99.php', '/wso.php']
  condition: selection
level: high
tags: [attack.t1505.003]`;

describe.skipIf(!hasChromium)("Sigma import in the console", () => {
  let session: ConsoleSession;
  let page: Page;
  const base = (): string => session.t.vigil.httpUrl;

  beforeAll(async () => {
    session = await openConsoleSession();
    page = session.page;
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it("names a refused construct, previews the scenario, then imports it", async () => {
    await page.goto(`${base()}/login`);
    await submitLogin(page, "admin", TEST_ADMIN_PASSWORD);
    await page.waitForURL(`${base()}/`);
    await page.goto(`${base()}/scenarios`);
    await page.locator(tid("sigma-import")).click();

    await page.locator(tid("sigma-yaml")).fill(RULE.replace("cs-uri-stem|endswith", "cs-cookie|contains"));
    await page.locator(tid("sigma-preview-button")).click();
    await page.locator(tid("sigma-errors")).waitFor();
    const errors = await textOf(page.locator(tid("sigma-errors")));
    expect(errors).toContain("line 8");
    expect(errors).toContain("field 'cs-cookie'");
    // The refusal is a 400 the browser logs as a failed request: provoked on purpose.
    session.problems.take(/400|Bad Request/);

    await page.locator(tid("sigma-yaml")).fill(RULE);
    await page.locator(tid("sigma-preview-button")).click();
    await page.locator(tid("sigma-preview")).waitFor();
    const preview = await textOf(page.locator(tid("sigma-preview")));
    expect(preview).toContain("sigma-web-shell-probe-e2e");
    expect(preview).toContain("type: trigger");
    expect(preview).toContain("T1505.003");
    await session.shoot("sigma-import-preview.png");
    const before = await session.t.api(
      "GET",
      "/api/v1/scenarios/sigma-web-shell-probe-e2e",
      undefined,
      session.t.adminToken,
    );
    expect(before.status).toBe(404);

    await page.locator(tid("sigma-import-button")).click();
    const row = page.locator(`${tid("scenario-row")}[data-name="sigma-web-shell-probe-e2e"]`);
    await row.waitFor();
    expect(await textOf(row)).toContain("alert");
    expect(session.problems.list).toEqual([]);
  });
});
