import { randomBytes } from "node:crypto";
import { generate } from "otplib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_PATH, hasChromium } from "./support/browser.js";
import { submitLogin, tid } from "./support/console-page.js";
import { type ConsoleSession, openConsoleSession } from "./support/console-session.js";
import { textOf, waitUntil } from "./support/wait.js";

/**
 * Two-step sign-in as a user meets it, in Chromium against a whole Vigil: enrol an authenticator on
 * My account (the code computed here from the secret the page shows, as a phone would), sign out,
 * sign in with the password and then a current code, sign out another session, change the password.
 * The steps share one tab and run in order.
 */

if (!hasChromium) {
  console.warn(
    `e2e/mfa-console.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`,
  );
}

const suffix = randomBytes(3).toString("hex");
const USERNAME = `mia-${suffix}`;
const PASSWORD = `e2e-password-${suffix}-long`;
const NEW_PASSWORD = `e2e-new-password-${suffix}`;

const STEP_S = 30;
const nowStep = (): number => Math.floor(Date.now() / 1000 / STEP_S);

describe.skipIf(!hasChromium)("MFA and My account in Chromium", () => {
  let session: ConsoleSession;
  let page: Page;
  let secret = "";
  let recovery: string[] = [];
  // The server accepts a time step once: each code used here must be of a later step than the last.
  let lastStep = 0;
  const base = (): string => session.t.vigil.httpUrl;
  const api = (method: string, url: string, body?: unknown, token?: string) =>
    session.t.api(method, url, body, token);

  /** The authenticator app's code for the first step after the last one used (waiting if it must). */
  async function nextCode(): Promise<string> {
    const step = Math.max(nowStep(), lastStep + 1);
    // One step ahead of the clock is within the server's tolerance; two are not.
    await waitUntil("the next TOTP step", async () => nowStep() >= step - 1, 40_000);
    lastStep = step;
    return generate({ secret, epoch: step * STEP_S });
  }

  /** Six digits that are no code of the steps around now. */
  async function wrongCode(): Promise<string> {
    const step = nowStep();
    const valid = await Promise.all(
      [-1, 0, 1, 2].map((d) => generate({ secret, epoch: (step + d) * STEP_S })),
    );
    let n = 0;
    while (valid.includes(String(n).padStart(6, "0"))) n++;
    return String(n).padStart(6, "0");
  }

  beforeAll(async () => {
    session = await openConsoleSession();
    page = session.page;
    const created = await api(
      "POST",
      "/api/v1/users",
      { username: USERNAME, password: PASSWORD, role: "analyst" },
      session.t.adminToken,
    );
    expect(created.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it("signs in with the password alone while MFA is off, and opens My account from the name", async () => {
    await page.goto(`${base()}/login`);
    await submitLogin(page, USERNAME, PASSWORD);
    await page.waitForURL(`${base()}/`);
    await page.locator(tid("current-user")).click();
    await page.waitForURL(`${base()}/account`);
    await expect(textOf(page.locator(tid("account-username")))).resolves.toBe(USERNAME);
    await expect(page.locator(tid("mfa-status")).getAttribute("data-enabled")).resolves.toBe("false");
  });

  it("enrols an authenticator: QR code and secret, a first code, ten recovery codes shown once", async () => {
    await page.locator(tid("mfa-enroll")).click();
    secret = (await textOf(page.locator(tid("mfa-secret")))).trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await expect(page.locator(`${tid("mfa-qr")} svg`).count()).resolves.toBe(1);
    await session.shoot("mfa-enrol.png");

    await page.locator(tid("mfa-confirm-code")).fill(await nextCode());
    await page.locator(tid("mfa-confirm")).click();
    await page.locator(tid("recovery-codes")).waitFor();
    recovery = (await page.locator(tid("recovery-code")).allTextContents()).map((c) => c.trim());
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    await session.shoot("mfa-recovery-codes.png");

    await page.locator(tid("recovery-done")).click();
    await waitUntil(
      "MFA to show as on",
      async () => (await page.locator(tid("mfa-status")).getAttribute("data-enabled")) === "true",
    );
  });

  it("asks for a code after the password, refuses a wrong one, and lets a current one in", async () => {
    await page.locator(tid("sign-out")).click();
    await page.waitForURL(/\/login/);
    await submitLogin(page, USERNAME, PASSWORD);
    const codeField = page.locator(tid("mfa-code"));
    await codeField.waitFor();
    await expect(page.getByLabel("Authentication code or recovery code").count()).resolves.toBe(1);

    // A code valid at no step near now: refused, and the user may try again.
    await codeField.fill(await wrongCode());
    await page.locator(tid("mfa-submit")).click();
    await page.locator(tid("mfa-error")).waitFor();
    session.problems.take(/401/);

    await codeField.fill(await nextCode());
    await page.locator(tid("mfa-submit")).click();
    // Back where the user signed out from (My account), in the console.
    await page.waitForURL(`${base()}/account`);
    await page.locator(tid("current-user")).waitFor();
    expect(session.problems.list).toEqual([]);
  });

  it("lists the sessions and signs out another one", async () => {
    // A second sign-in elsewhere (an API client), with a recovery code.
    const challenge = await api("POST", "/api/v1/auth/login", { username: USERNAME, password: PASSWORD });
    const { mfa_token } = challenge.json() as { mfa_token: string };
    const verified = await api("POST", "/api/v1/auth/mfa/verify", { mfa_token, code: recovery[0] });
    expect(verified.status).toBe(200);
    const otherToken = (verified.json() as { token: string }).token;

    await page.reload();
    const rows = page.locator(tid("session-row"));
    await waitUntil("both sessions to be listed", async () => (await rows.count()) === 2);
    await expect(page.locator(`${tid("session-row")}[data-current="true"]`).count()).resolves.toBe(1);
    await session.shoot("mfa-account.png");
    await page.locator(tid("session-signout")).click();
    await waitUntil("the other session to go", async () => (await rows.count()) === 1);
    expect((await api("GET", "/api/v1/auth/me", undefined, otherToken)).status).toBe(401);
  });

  it("changes the password through the page", async () => {
    await page.locator(tid("password-current")).fill(PASSWORD);
    await page.locator(tid("password-new")).fill(NEW_PASSWORD);
    await page.locator(tid("password-confirm")).fill(NEW_PASSWORD);
    await page.locator(tid("password-submit")).click();
    await page.locator(tid("password-done")).waitFor();

    expect((await api("POST", "/api/v1/auth/login", { username: USERNAME, password: PASSWORD })).status).toBe(
      401,
    );
    const again = await api("POST", "/api/v1/auth/login", { username: USERNAME, password: NEW_PASSWORD });
    expect(again.status).toBe(200);
    // MFA is still on: the new password earns the code step, not a session.
    expect(again.json()).toMatchObject({ mfa_required: true });
    // This tab's session made the change and stays signed in.
    await page.reload();
    await page.locator(tid("account-page")).waitFor();
    expect(session.problems.list).toEqual([]);
  });

  it("holds a user whose role must use MFA on the enrolment page until they have set it up", async () => {
    const admin = session.t.adminToken;
    const set = await api("PUT", "/api/v1/auth/mfa/policy", { required_roles: ["audit"] }, admin);
    expect(set.status).toBe(200);
    const auditor = `aud-${suffix}`;
    expect(
      (await api("POST", "/api/v1/users", { username: auditor, password: PASSWORD, role: "audit" }, admin))
        .status,
    ).toBe(201);

    await page.locator(tid("sign-out")).click();
    await page.waitForURL(/\/login/);
    await submitLogin(page, auditor, PASSWORD);
    await page.locator(tid("mfa-enrolment-required")).waitFor();
    // No console behind it: the server would refuse its requests anyway.
    await expect(page.locator(tid("nav")).count()).resolves.toBe(0);
    await page.locator(tid("mfa-enroll")).click();
    secret = (await textOf(page.locator(tid("mfa-secret")))).trim();
    await session.shoot("mfa-enrolment-required.png");
    lastStep = 0;
    await page.locator(tid("mfa-confirm-code")).fill(await nextCode());
    await page.locator(tid("mfa-confirm")).click();
    await page.locator(tid("recovery-codes")).waitFor();
    await page.locator(tid("recovery-done")).click();
    await page.locator(tid("nav")).waitFor();
    await expect(textOf(page.locator(tid("current-user")))).resolves.toContain(auditor);
    session.problems.take(/403/);
    expect(session.problems.list).toEqual([]);
    await api("PUT", "/api/v1/auth/mfa/policy", { required_roles: [] }, admin);
  });
});
