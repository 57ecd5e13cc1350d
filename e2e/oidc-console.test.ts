import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { generate } from "otplib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startOidcProvider,
  type TestOidcProvider,
} from "../packages/server/src/test-support/oidc-provider.js";
import { startTestVigil, type TestVigil } from "../packages/server/src/test-support/test-vigil.js";
import {
  CHROMIUM_PATH,
  hasChromium,
  launchChromium,
  newConsolePage,
  type PageProblems,
  watchProblems,
} from "./support/browser.js";
import { shoot as shootPage, tid } from "./support/console-page.js";
import { freePort } from "./support/server-process.js";
import { textOf } from "./support/wait.js";

/**
 * Single sign-on as a user meets it: the built console served by an in-process Vigil configured
 * against a real OpenID Connect provider (oidc-provider) started here, driven in Chromium from the
 * login page's "Sign in with SSO" through the provider's own sign-in and consent pages and back.
 */

// VIGIL_E2E_WEB_DIST: a console built elsewhere (e.g. `vite build --outDir …` while others use dist/).
const WEB_DIST = resolve(
  process.env.VIGIL_E2E_WEB_DIST ?? resolve(import.meta.dirname, "../packages/web/dist"),
);
const SHOTS = resolve(import.meta.dirname, "../test-results/e2e");

if (!hasChromium) {
  console.warn(
    `e2e/oidc-console.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set VIGIL_CHROMIUM)`,
  );
}

describe.skipIf(!hasChromium)("single sign-on in the console", () => {
  let op: TestOidcProvider;
  let t: TestVigil;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, "index.html"))) {
      throw new Error("The console is not built: run `npm run build -w packages/web` first (npm test does).");
    }
    mkdirSync(SHOTS, { recursive: true });
    // The provider must know Vigil's callback before Vigil starts: pick Vigil's port first.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    op = await startOidcProvider({
      redirectUris: [`${base}/api/v1/auth/oidc/callback`],
      accounts: {
        "carol.ops": {
          preferred_username: "carol.ops",
          email: "carol@soc.test",
          vigil_role: ["everyone", "soc-admins"],
        },
      },
    });
    [t, browser] = await Promise.all([
      startTestVigil({
        VIGIL_WEB_DIR: WEB_DIST,
        VIGIL_HTTP_PORT: String(port),
        VIGIL_PUBLIC_URL: base,
        VIGIL_OIDC_ISSUER: op.issuer,
        VIGIL_OIDC_CLIENT_ID: op.clientId,
        VIGIL_OIDC_CLIENT_SECRET: op.clientSecret,
        VIGIL_OIDC_ROLE_MAP: "soc-admins=admin,analysts=analyst",
      }),
      launchChromium(),
    ]);
    ({ context, page } = await newConsolePage(browser));
    problems = watchProblems(page);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
    await op?.close();
  });

  it("signs in through the provider and lands in the console as the mapped user", async () => {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login\?next=%2F$/);
    const sso = page.locator(tid("sso-login"));
    await expect(textOf(sso)).resolves.toBe("Sign in with SSO");
    await shootPage(page, SHOTS, "sso-login-page.png");
    await sso.click();

    // The provider's own sign-in form (oidc-provider's development pages).
    await page.waitForURL(`${op.issuer}/interaction/**`);
    await page.locator('input[name="login"]').fill("carol.ops");
    await page.locator('input[name="password"]').fill("any password will do");
    await page.locator('button[type="submit"]').click();
    // Consent on the first sign-in with this client.
    await page.waitForURL(
      (url) => url.href.startsWith(`${base}/`) || url.href.startsWith(`${op.issuer}/interaction/`),
    );
    if (page.url().startsWith(op.issuer)) {
      await page.getByRole("button", { name: "Continue" }).click();
    }

    await page.waitForURL(`${base}/`);
    await expect(textOf(page.locator(tid("current-user")))).resolves.toMatch(/^carol\.ops\s/);
    // The token is out of the address bar and history; the session is the console's usual one.
    expect(page.url()).not.toContain("sso_token");
    const token = await page.evaluate<string | null>("sessionStorage.getItem('vigil.token')");
    const me = (await t.api("GET", "/api/v1/auth/me", undefined, token ?? "")).json();
    expect(me).toMatchObject({ username: "carol.ops", role: "admin", email: "carol@soc.test" });
    await shootPage(page, SHOTS, "sso-signed-in.png");
    // The provider's development pages load a web font (no network here) and have no favicon: not ours.
    problems.take(new RegExp(`fonts\\.googleapis\\.com|${op.issuer.replaceAll(".", "\\.")}/`));
    expect(problems.list).toEqual([]);
  });

  it("asks for the MFA code after the provider when the user turned MFA on", async () => {
    // Carol turns on MFA through the API with her SSO session, then signs out.
    const token = (await page.evaluate<string | null>("sessionStorage.getItem('vigil.token')")) ?? "";
    const enroll = (await t.api("POST", "/api/v1/auth/mfa/enroll", {}, token)).json() as { secret: string };
    const code = await generate({ secret: enroll.secret, epoch: Math.floor(Date.now() / 1000) });
    const confirm = await t.api("POST", "/api/v1/auth/mfa/confirm", { code }, token);
    expect(confirm.status).toBe(200);
    const [recovery] = (confirm.json() as { recovery_codes: string[] }).recovery_codes;
    await page.locator(tid("sign-out")).click();
    await page.waitForURL(/\/login/);

    // The provider remembers her: no form this time, straight back to Vigil's code step.
    await page.locator(tid("sso-login")).click();
    await page.locator(tid("mfa-code")).waitFor();
    expect(page.url()).not.toContain("sso_mfa");
    await page.locator(tid("mfa-code")).fill(recovery ?? "");
    await page.locator(tid("mfa-submit")).click();
    await page.waitForURL(`${base}/`);
    await expect(textOf(page.locator(tid("current-user")))).resolves.toMatch(/^carol\.ops\s/);
    problems.take(new RegExp(`fonts\\.googleapis\\.com|${op.issuer.replaceAll(".", "\\.")}/`));
    expect(problems.list).toEqual([]);
  });
});
