import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildHttpApp } from "../http/app.js";
import { openTestApp, TEST_PASSWORD, type TestApp } from "../http/app-test-support.js";
import { bootstrapAdmin } from "./bootstrap.js";
import { sha256Hex } from "./secrets.js";
import { startSessionSweeper } from "./session-sweeper.js";

describe("sign-in, sessions and passwords", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const login = (username: string, password: string) =>
    t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { username, password } });

  it("signs in, says who is signed in, and signs out", async () => {
    const res = await login("analyst", TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      token: string;
      expires_at: string;
      user: { username: string; role: string };
    };
    expect(body.user).toMatchObject({ username: "analyst", role: "analyst", email: null });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const hours = (Date.parse(body.expires_at) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);

    const me = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/me",
      headers: t.as({ token: body.token }),
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: "analyst", role: "analyst" });

    const out = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      headers: t.as({ token: body.token }),
    });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/me",
      headers: t.as({ token: body.token }),
    });
    expect(after.statusCode).toBe(401);
    expect(after.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("is case-insensitive on the username and records last_login", async () => {
    const before = Date.now();
    const res = await login("ANALYST", TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const users = await t.app.inject({ method: "GET", url: "/api/v1/users", headers: t.as("admin") });
    const analyst = (users.json() as { items: { username: string; last_login: string }[] }).items.find(
      (u) => u.username === "analyst",
    );
    expect(Date.parse(analyst?.last_login ?? "")).toBeGreaterThanOrEqual(before - 1000);
  });

  it("gives the same 401 for an unknown user and a wrong password", async () => {
    const unknown = await login("nobody", TEST_PASSWORD);
    const wrong = await login("analyst", "not the password at all");
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(unknown.json()).toMatchObject({ detail: "Invalid username or password" });
  });

  it("stores only a hash of session tokens", async () => {
    const token = await t.login("audit");
    const rows = await t.state.store.db.selectFrom("sessions").select("token_hash").execute();
    expect(rows.map((r) => r.token_hash)).toContain(sha256Hex(token));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("changes the password: old one refused, other sessions revoked, this one kept", async () => {
    const create = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: t.as("admin"),
      payload: { username: "carol", password: TEST_PASSWORD, role: "audit" },
    });
    expect(create.statusCode).toBe(201);
    const laptop = await t.login("carol");
    const phone = await t.login("carol");

    const tooShort = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      headers: t.as({ token: laptop }),
      payload: { current_password: TEST_PASSWORD, new_password: "short" },
    });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.json()).toMatchObject({
      detail: "body/new_password must NOT have fewer than 12 characters",
    });

    const wrongCurrent = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      headers: t.as({ token: laptop }),
      payload: { current_password: "definitely wrong", new_password: "a brand new passphrase" },
    });
    expect(wrongCurrent.statusCode).toBe(400);

    const ok = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      headers: t.as({ token: laptop }),
      payload: { current_password: TEST_PASSWORD, new_password: "a brand new passphrase" },
    });
    expect(ok.statusCode).toBe(204);

    const meLaptop = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/me",
      headers: t.as({ token: laptop }),
    });
    const mePhone = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/me",
      headers: t.as({ token: phone }),
    });
    expect(meLaptop.statusCode).toBe(200);
    expect(mePhone.statusCode).toBe(401);
    expect((await login("carol", TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login("carol", "a brand new passphrase")).statusCode).toBe(200);
  });

  it("refuses expired sessions and slides the expiry of used ones", async () => {
    const token = await t.login("audit");
    const db = t.state.store.db;
    // Pretend the session was last used 5 minutes ago and ends in 1 minute: using it extends it.
    await db
      .updateTable("sessions")
      .set({ last_seen_at: new Date(Date.now() - 300_000), expires_at: new Date(Date.now() + 60_000) })
      .where("token_hash", "=", sha256Hex(token))
      .execute();
    const me = await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: t.as({ token }) });
    expect(me.statusCode).toBe(200);
    const row = await db
      .selectFrom("sessions")
      .select("expires_at")
      .where("token_hash", "=", sha256Hex(token))
      .executeTakeFirstOrThrow();
    expect(row.expires_at.getTime() - Date.now()).toBeGreaterThan(11 * 3_600_000);

    await db
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("token_hash", "=", sha256Hex(token))
      .execute();
    const expired = await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: t.as({ token }) });
    expect(expired.statusCode).toBe(401);
  });

  it("sweeps sessions that ended more than a day ago, and only those", async () => {
    const live = await t.login("audit");
    const old = await t.login("audit");
    await t.state.store.db
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 2 * 86_400_000) })
      .where("token_hash", "=", sha256Hex(old))
      .execute();
    const sweeper = startSessionSweeper({ db: t.state.store.db, log: { info() {}, warn() {} } });
    expect(await sweeper.sweep()).toBeGreaterThanOrEqual(1);
    sweeper.stop();
    const hashes = (await t.state.store.db.selectFrom("sessions").select("token_hash").execute()).map(
      (r) => r.token_hash,
    );
    expect(hashes).toContain(sha256Hex(live));
    expect(hashes).not.toContain(sha256Hex(old));
  });

  it("rate-limits login attempts per IP and username with 429 and Retry-After", async () => {
    const app = await buildHttpApp({
      state: t.state.store,
      version: "test",
      auth: { loginRateLimit: { max: 3, timeWindowMs: 60_000 } },
    });
    await app.ready();
    const attempt = (username: string) =>
      app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { username, password: "guessing-123" },
      });
    for (let i = 0; i < 3; i++) expect((await attempt("admin")).statusCode).toBe(401);
    const limited = await attempt("admin");
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ status: 429, title: "Too Many Requests" });
    // Another username from the same IP has its own budget.
    expect((await attempt("analyst")).statusCode).toBe(401);
    await app.close();
  });

  it("limits failed logins per IP across usernames, and per username across IPs", async () => {
    const app = await buildHttpApp({
      state: t.state.store,
      version: "test",
      trustProxy: true,
      auth: { loginRateLimit: { max: 100, timeWindowMs: 60_000, perIpMax: 4, perUserMax: 3 } },
    });
    await app.ready();
    const attempt = (username: string, ip: string, password = "guessing-123") =>
      app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        headers: { "x-forwarded-for": ip },
        payload: { username, password },
      });
    // Spraying: one IP, a new username each time.
    for (let i = 0; i < 4; i++) expect((await attempt(`user${i}`, "198.51.100.1")).statusCode).toBe(401);
    const sprayed = await attempt("user-next", "198.51.100.1");
    expect(sprayed.statusCode).toBe(429);
    expect(sprayed.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(Number(sprayed.headers["retry-after"])).toBeGreaterThan(0);
    expect(sprayed.json().detail).toMatch(/^Too many failed sign-ins from this address; retry in \d+ s$/);
    // One username, a new IP each time.
    for (let i = 0; i < 3; i++) expect((await attempt("analyst", `203.0.113.${i}`)).statusCode).toBe(401);
    const distributed = await attempt("Analyst", "203.0.113.99", TEST_PASSWORD);
    expect(distributed.statusCode).toBe(429);
    expect(distributed.json().detail).toMatch(/^Too many failed sign-ins for this username/);
    // Successes do not count: another address signs in as another user freely.
    for (let i = 0; i < 6; i++)
      expect((await attempt("admin", "192.0.2.7", TEST_PASSWORD)).statusCode).toBe(200);
    await app.close();
  });

  it("bootstraps the first admin once, and never again", async () => {
    const again = await bootstrapAdmin(t.state.store.db, { password: "another long password" });
    expect(again).toEqual({ created: false, username: "admin" });
    expect((await login("admin", TEST_PASSWORD)).statusCode).toBe(200);
  });

  it("on an empty store creates admin with a generated password, returned once; refuses a short one", async () => {
    const db = t.state.store.db;
    // Last test of the file: start again from no users at all.
    await db.deleteFrom("users").execute();
    await expect(bootstrapAdmin(db, { password: "short" })).rejects.toThrow(
      /VIGIL_ADMIN_PASSWORD: the password must have at least 12 characters/,
    );
    const first = await bootstrapAdmin(db);
    expect(first.created).toBe(true);
    expect(first.generatedPassword?.length).toBeGreaterThanOrEqual(20);
    const res = await login("admin", first.generatedPassword ?? "");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { role: "admin" } });
    expect(await bootstrapAdmin(db)).toEqual({ created: false, username: "admin" });
  });
});
