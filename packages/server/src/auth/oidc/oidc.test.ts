import { createServer } from "node:net";
import { sql } from "kysely";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/config.js";
import { buildHttpApp, type VigilApp } from "../../http/app.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { startOidcProvider, type TestOidcProvider } from "../../test-support/oidc-provider.js";
import { bootstrapAdmin } from "../bootstrap.js";
import { CALLBACK_PATH } from "./oidc-service.js";

/**
 * The whole code flow over real HTTP: Vigil listening on a port, a real provider (oidc-provider) on
 * another, and this test as the browser (manual redirects, a cookie jar, the provider's own forms).
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
    s.on("error", reject);
  });
}

/** Cookies by host:port; enough for two servers on 127.0.0.1 that use distinct names. */
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  async get(url: string): Promise<Response> {
    return this.send(url, { method: "GET" });
  }

  async send(url: string, init: RequestInit): Promise<Response> {
    const u = new URL(url);
    const cookies = [...(this.jar.get(u.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`);
    const res = await fetch(u, {
      ...init,
      redirect: "manual",
      headers: {
        ...(init.headers as Record<string, string>),
        ...(cookies.length ? { cookie: cookies.join("; ") } : {}),
      },
    });
    const store = this.jar.get(u.host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (gone || value === "") store.delete(name);
      else store.set(name, value);
    }
    this.jar.set(u.host, store);
    return res;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  /**
   * From a URL at the provider, through its login form (any password) and consent page, to the
   * redirect back to Vigil's callback, which is returned without being followed.
   */
  async signInAtProvider(start: string, login: string, callbackPrefix: string): Promise<string> {
    let url = start;
    for (let step = 0; step < 20; step++) {
      const res = await this.get(url);
      if (res.status >= 300 && res.status < 400) {
        const next = new URL(res.headers.get("location") ?? "", url).href;
        if (next.startsWith(callbackPrefix)) return next;
        url = next;
        continue;
      }
      const html = await res.text();
      expect(res.status, html).toBe(200);
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
      if (!action || !prompt) throw new Error(`no form at ${url}: ${html.slice(0, 300)}`);
      const form = new URLSearchParams(prompt === "login" ? { prompt, login, password: "any" } : { prompt });
      const posted = await this.send(new URL(action.replaceAll("&amp;", "&"), url).href, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      });
      expect(posted.status).toBeGreaterThanOrEqual(300);
      const next = new URL(posted.headers.get("location") ?? "", url).href;
      if (next.startsWith(callbackPrefix)) return next;
      url = next;
    }
    throw new Error("the provider did not send the browser back");
  }
}

describe("single sign-on (OpenID Connect) against a real provider", () => {
  let op: TestOidcProvider;
  let t: { app: VigilApp; state: TestStateStore };
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    op = await startOidcProvider({
      redirectUris: [`${base}${CALLBACK_PATH}`],
      accounts: {
        alice: {
          preferred_username: "alice",
          email: "alice@acme.test",
          vigil_role: ["soc-leads"],
          vigil_client: "acme",
        },
        bob: { preferred_username: "bob", email: "bob@vigil.test", vigil_role: "analysts" },
        mallory: { preferred_username: "mallory", email: "mallory@acme.test", vigil_role: "marketing" },
        impostor: { preferred_username: "admin", vigil_role: "soc-admins" },
        dave: { preferred_username: "dave", email: "dave@vigil.test", vigil_role: "analysts" },
      },
    });
    const config = loadConfig({
      VIGIL_CONFIG: undefined,
      VIGIL_OIDC_ISSUER: op.issuer,
      VIGIL_OIDC_CLIENT_ID: op.clientId,
      VIGIL_OIDC_CLIENT_SECRET: op.clientSecret,
      VIGIL_OIDC_NAME: "Test IdP",
      VIGIL_OIDC_ROLE_MAP: "soc-admins=admin,soc-leads=supervisor,analysts=analyst",
    });
    if (!config.oidc) throw new Error("OIDC not configured");
    const state = await openTestStateStore();
    await bootstrapAdmin(state.store.db, { password: "local-admin-password-123" });
    const app = await buildHttpApp({
      version: "test",
      state: state.store,
      auth: { oidc: { config: config.oidc, publicUrl: base } },
    });
    t = { app, state };
    await sql`insert into clients (name) values ('acme') on conflict do nothing`.execute(t.state.store.db);
    await t.app.listen({ host: "127.0.0.1", port });
  });

  afterAll(async () => {
    await t?.app.close();
    await t?.state.dispose();
    await op?.close();
  });

  /** Start at Vigil as the login page's button does; returns the browser and the provider URL. */
  async function start(): Promise<{ browser: Browser; authorize: URL }> {
    const browser = new Browser();
    const res = await browser.get(`${base}/api/v1/auth/oidc/login`);
    expect(res.status).toBe(302);
    const authorize = new URL(res.headers.get("location") ?? "");
    expect(authorize.origin).toBe(op.issuer);
    expect(browser.cookie(new URL(base).host, "vigil_oidc")).toBeTruthy();
    return { browser, authorize };
  }

  async function auditRows(action: string) {
    return t.state.store.db.selectFrom("audit_log").selectAll().where("action", "=", action).execute();
  }

  it("documents its three public routes in the OpenAPI document", async () => {
    const doc = (await (await fetch(`${base}/api/docs/json`)).json()) as {
      paths: Record<string, { get?: { security?: unknown[]; responses: Record<string, unknown> } }>;
    };
    const info = doc.paths["/api/v1/auth/oidc"]?.get;
    const login = doc.paths["/api/v1/auth/oidc/login"]?.get;
    const callback = doc.paths[CALLBACK_PATH]?.get;
    for (const route of [info, login, callback]) expect(route?.security).toEqual([]);
    expect(Object.keys(info?.responses ?? {})).toContain("200");
    expect(Object.keys(login?.responses ?? {})).toEqual(expect.arrayContaining(["302", "502"]));
    expect(Object.keys(callback?.responses ?? {})).toEqual(
      expect.arrayContaining(["302", "400", "403", "409"]),
    );
  });

  it("tells the login page single sign-on is on, and by which name", async () => {
    const res = await fetch(`${base}/api/v1/auth/oidc`);
    expect(await res.json()).toEqual({ enabled: true, name: "Test IdP" });
  });

  it("sends the browser to the provider with PKCE, state and nonce, keeping them server-side", async () => {
    const { browser, authorize } = await start();
    const q = authorize.searchParams;
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(q.get("state")).toBeTruthy();
    expect(q.get("nonce")).toBeTruthy();
    expect(q.get("redirect_uri")).toBe(`${base}${CALLBACK_PATH}`);
    expect(q.get("scope")?.split(" ")).toContain("openid");
    // The cookie holds only a random id: neither state, nonce nor verifier travels through the browser.
    const id = browser.cookie(new URL(base).host, "vigil_oidc") ?? "";
    expect(id).not.toContain(q.get("state"));
    const res = await fetch(`${base}/api/v1/auth/oidc/login`, { redirect: "manual" });
    expect(res.headers.get("set-cookie")).toMatch(/HttpOnly; SameSite=Lax$/);
  });

  it("signs a user in with the mapped role and client, and hands the token over in a fragment", async () => {
    const { browser, authorize } = await start();
    const back = await browser.signInAtProvider(authorize.href, "alice", `${base}${CALLBACK_PATH}`);
    const res = await browser.get(back);
    expect(res.status).toBe(302);
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(/^\/login#sso_token=[\w-]+$/);
    // The cookie is spent.
    expect(browser.cookie(new URL(base).host, "vigil_oidc")).toBeUndefined();
    const token = decodeURIComponent(location.split("sso_token=")[1] ?? "");
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      username: "alice",
      role: "supervisor",
      email: "alice@acme.test",
    });
    const user = await t.state.store.db
      .selectFrom("users")
      .selectAll()
      .where("username", "=", "alice")
      .executeTakeFirstOrThrow();
    expect(user.client).toBe("acme");
    expect(user.role).toBe("supervisor");

    // A second sign-in finds the same linked user rather than making another.
    const again = await start();
    const back2 = await again.browser.signInAtProvider(
      again.authorize.href,
      "alice",
      `${base}${CALLBACK_PATH}`,
    );
    expect((await again.browser.get(back2)).status).toBe(302);
    const alices = await t.state.store.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "alice")
      .execute();
    expect(alices).toHaveLength(1);
    expect(
      (await auditRows(`GET ${CALLBACK_PATH}`)).some((r) => r.actor === "alice" && r.status_code === 302),
    ).toBe(true);
  });

  it("signs operator staff in with no client", async () => {
    const { browser, authorize } = await start();
    const back = await browser.signInAtProvider(authorize.href, "bob", `${base}${CALLBACK_PATH}`);
    expect((await browser.get(back)).status).toBe(302);
    const bob = await t.state.store.db
      .selectFrom("users")
      .selectAll()
      .where("username", "=", "bob")
      .executeTakeFirstOrThrow();
    expect({ role: bob.role, client: bob.client }).toEqual({ role: "analyst", client: null });
  });

  it("refuses a callback whose state is not the one this browser started, and audits it", async () => {
    const { browser, authorize } = await start();
    const back = new URL(await browser.signInAtProvider(authorize.href, "bob", `${base}${CALLBACK_PATH}`));
    back.searchParams.set("state", "forged-state");
    const res = await browser.get(back.href);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(((await res.json()) as { detail: string }).detail).toMatch(/state does not match/);
    const rows = await auditRows(`GET ${CALLBACK_PATH}`);
    expect(rows.some((r) => r.status_code === 400 && JSON.stringify(r.detail).includes("state"))).toBe(true);
  });

  it("refuses a callback without this browser's login cookie", async () => {
    const { browser, authorize } = await start();
    const back = await browser.signInAtProvider(authorize.href, "bob", `${base}${CALLBACK_PATH}`);
    const res = await fetch(back, { redirect: "manual" });
    expect(res.status).toBe(400);
  });

  it("refuses an ID token whose nonce is not the one this login sent", async () => {
    const { browser, authorize } = await start();
    // Same state and PKCE challenge, but the provider is asked to sign another nonce into the ID token.
    const tampered = new URL(authorize);
    tampered.searchParams.set("nonce", "attacker-chosen-nonce");
    const back = await browser.signInAtProvider(tampered.href, "bob", `${base}${CALLBACK_PATH}`);
    const res = await browser.get(back);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/nonce/);
  });

  it("refuses a user whose role claim maps to no role (no default role)", async () => {
    const { browser, authorize } = await start();
    const back = await browser.signInAtProvider(authorize.href, "mallory", `${base}${CALLBACK_PATH}`);
    const res = await browser.get(back);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/no Vigil role maps/);
    const mallory = await t.state.store.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "mallory")
      .execute();
    expect(mallory).toHaveLength(0);
    const rows = await auditRows(`GET ${CALLBACK_PATH}`);
    expect(rows.some((r) => r.actor === "mallory" && r.status_code === 403)).toBe(true);
  });

  it("never takes over a local account that shares the provider's username", async () => {
    const { browser, authorize } = await start();
    const back = await browser.signInAtProvider(authorize.href, "impostor", `${base}${CALLBACK_PATH}`);
    const res = await browser.get(back);
    expect(res.status).toBe(409);
  });

  it("asks a user who turned on Vigil's MFA for their code after the provider, as after a password", async () => {
    const signIn = async (): Promise<string> => {
      const { browser, authorize } = await start();
      const back = await browser.signInAtProvider(authorize.href, "dave", `${base}${CALLBACK_PATH}`);
      const res = await browser.get(back);
      expect(res.status).toBe(302);
      return res.headers.get("location") ?? "";
    };
    const first = await signIn();
    const token = decodeURIComponent(first.split("sso_token=")[1] ?? "");
    const api = (path: string, body: unknown, bearer?: string) =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const enroll = (await (await api("/api/v1/auth/mfa/enroll", {}, token)).json()) as { secret: string };
    const code = await generate({ secret: enroll.secret, epoch: Math.floor(Date.now() / 1000) });
    const confirm = await api("/api/v1/auth/mfa/confirm", { code }, token);
    expect(confirm.status).toBe(200);
    const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] };

    const second = await signIn();
    expect(second).toMatch(/^\/login#sso_mfa=[\w-]+$/);
    const mfaToken = decodeURIComponent(second.split("sso_mfa=")[1] ?? "");
    const verified = await api("/api/v1/auth/mfa/verify", { mfa_token: mfaToken, code: recovery_codes[0] });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ user: { username: "dave" } });
  });
});
