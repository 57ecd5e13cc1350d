import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApp, TEST_PASSWORD } from "../http/app-test-support.js";
import { LOGIN_FAILED } from "./auth-service.js";
import { ENROLMENT_REQUIRED } from "./mfa-gate.js";

interface Enrolled {
  id: string;
  secret: string;
  recovery: string[];
  /** The code that confirmed enrolment (its time step is spent). */
  confirmCode: string;
}

/** The TOTP code `steps` 30-second steps from now, from the clock, as the user's phone would show it. */
function totp(secret: string, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * steps });
}

/** A six-digit code that is none of the codes valid around now. */
async function wrongCode(secret: string): Promise<string> {
  const valid = new Set(await Promise.all([-1, 0, 1, 2].map((s) => totp(secret, s))));
  let n = Number(await totp(secret));
  let code: string;
  do {
    n = (n + 1) % 1_000_000;
    code = String(n).padStart(6, "0");
  } while (valid.has(code));
  return code;
}

async function openMfaTestApp(options: Parameters<typeof openTestApp>[0] = {}) {
  const t = await openTestApp(options);
  const inject = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, token?: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      ...(token ? { headers: t.as({ token }) } : {}),
      ...(payload ? { payload } : {}),
    });
  const login = (username: string, password = TEST_PASSWORD) =>
    inject("POST", "/api/v1/auth/login", undefined, { username, password });
  const verify = (mfa_token: string, code: string) =>
    inject("POST", "/api/v1/auth/mfa/verify", undefined, { mfa_token, code });

  /** A new user, signed in, with MFA enrolled and confirmed (the current time step spent). */
  async function enrolledUser(username: string, role = "analyst"): Promise<Enrolled & { token: string }> {
    const created = await inject("POST", "/api/v1/users", t.tokens.admin, {
      username,
      password: TEST_PASSWORD,
      role,
    });
    expect(created.statusCode).toBe(201);
    const token = await t.login(username);
    return { ...(await enrol(token)), id: (created.json() as { id: string }).id, token };
  }

  async function enrol(token: string): Promise<Omit<Enrolled, "id">> {
    const started = await inject("POST", "/api/v1/auth/mfa/enroll", token);
    expect(started.statusCode).toBe(200);
    const { secret, otpauth_url } = started.json() as { secret: string; otpauth_url: string };
    expect(otpauth_url).toMatch(/^otpauth:\/\/totp\/Vigil:[^?]+\?.*secret=/);
    expect(otpauth_url).toContain("issuer=Vigil");
    const confirmCode = await totp(secret);
    const confirmed = await inject("POST", "/api/v1/auth/mfa/confirm", token, { code: confirmCode });
    expect(confirmed.statusCode).toBe(200);
    const { recovery_codes } = confirmed.json() as { recovery_codes: string[] };
    return { secret, recovery: recovery_codes, confirmCode };
  }

  /** Password step; expects the MFA challenge and returns its token. */
  async function challenge(username: string): Promise<string> {
    const res = await login(username);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { mfa_required?: boolean; mfa_token?: string; token?: string };
    expect(body.mfa_required).toBe(true);
    expect(body.token).toBeUndefined();
    return body.mfa_token ?? "";
  }

  return { t, inject, login, verify, enrolledUser, enrol, challenge };
}

describe("TOTP multi-factor sign-in", () => {
  let m: Awaited<ReturnType<typeof openMfaTestApp>>;
  beforeAll(async () => {
    m = await openMfaTestApp();
  });
  afterAll(async () => {
    await m?.t.close();
  });

  it("gives an MFA user no session for the password alone, and one for the password and a current code", async () => {
    const user = await m.enrolledUser("mfa-alice");
    const me = await m.inject("GET", "/api/v1/auth/me", user.token);
    expect(me.json()).toMatchObject({
      username: "mfa-alice",
      mfa_enabled: true,
      mfa_enrollment_required: false,
    });

    const mfaToken = await m.challenge("mfa-alice");
    // The mfa_token is no session token.
    expect((await m.inject("GET", "/api/v1/auth/me", mfaToken)).statusCode).toBe(401);

    const res = await m.verify(mfaToken, await totp(user.secret, 1));
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      token: string;
      expires_at: string;
      user: { username: string; mfa_enabled: boolean };
    };
    expect(body.user).toMatchObject({ username: "mfa-alice", mfa_enabled: true });
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now());
    expect((await m.inject("GET", "/api/v1/auth/me", body.token)).statusCode).toBe(200);

    // Single use: the same mfa_token does not open a second session.
    const again = await m.verify(mfaToken, user.recovery[0] ?? "");
    expect(again.statusCode).toBe(401);

    const users = await m.inject("GET", "/api/v1/users", m.t.tokens.admin);
    const items = (users.json() as { items: { username: string; mfa_enabled: boolean }[] }).items;
    expect(items.find((u) => u.username === "mfa-alice")?.mfa_enabled).toBe(true);
    expect(items.find((u) => u.username === "analyst")?.mfa_enabled).toBe(false);
  });

  it("answers a wrong code with a 401 worded like a wrong password", async () => {
    const user = await m.enrolledUser("mfa-bob");
    const res = await m.verify(await m.challenge("mfa-bob"), await wrongCode(user.secret));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ detail: LOGIN_FAILED });
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("refuses a code whose time step was used already (replay)", async () => {
    const user = await m.enrolledUser("mfa-carol");
    // The code that confirmed enrolment cannot sign in.
    const replayed = await m.verify(await m.challenge("mfa-carol"), user.confirmCode);
    expect(replayed.statusCode).toBe(401);

    const next = await totp(user.secret, 1);
    expect((await m.verify(await m.challenge("mfa-carol"), next)).statusCode).toBe(200);
    // Nor can a code that signed in once sign in again.
    expect((await m.verify(await m.challenge("mfa-carol"), next)).statusCode).toBe(401);
  });

  it("takes a recovery code in place of the TOTP code, once", async () => {
    const user = await m.enrolledUser("mfa-dave");
    expect(user.recovery).toHaveLength(10);
    expect(new Set(user.recovery).size).toBe(10);
    const [first = "", second = ""] = user.recovery;
    // Typed in capitals and without dashes, it is the same code.
    const typed = first.toUpperCase().replaceAll("-", "");
    expect((await m.verify(await m.challenge("mfa-dave"), typed)).statusCode).toBe(200);
    expect((await m.verify(await m.challenge("mfa-dave"), first)).statusCode).toBe(401);
    expect((await m.verify(await m.challenge("mfa-dave"), second)).statusCode).toBe(200);

    // Recovery codes are stored hashed only.
    const rows = await m.t.state.store.db.selectFrom("mfa_recovery_codes").select("code_hash").execute();
    expect(rows.map((r) => r.code_hash)).not.toContain(first);
  });

  it("seals the TOTP secret at rest and keeps codes out of the audit log", async () => {
    const user = await m.enrolledUser("mfa-erin");
    const row = await m.t.state.store.db
      .selectFrom("user_mfa")
      .select("secret")
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(row.secret.startsWith("v1:")).toBe(true);
    expect(row.secret).not.toContain(user.secret);

    const recovery = user.recovery[3] ?? "";
    await m.verify(await m.challenge("mfa-erin"), recovery);
    const audit = await m.inject("GET", "/api/v1/audit?action=mfa", m.t.tokens.admin);
    const text = audit.body;
    expect(text).toContain("/api/v1/auth/mfa/verify");
    expect(text).not.toContain(recovery);
    expect(text).not.toContain(user.confirmCode);
  });

  it("spends an mfa_token after five wrong codes", async () => {
    const user = await m.enrolledUser("mfa-frank");
    const mfaToken = await m.challenge("mfa-frank");
    const wrong = await wrongCode(user.secret);
    for (let i = 0; i < 5; i++) expect((await m.verify(mfaToken, wrong)).statusCode).toBe(401);
    const late = await m.verify(mfaToken, await totp(user.secret, 1));
    expect(late.statusCode).toBe(401);
    expect(late.json()).toMatchObject({ detail: expect.stringMatching(/sign in again/) });
  });

  it("turns MFA off only with the password and a code", async () => {
    const user = await m.enrolledUser("mfa-gina");
    const off = (password: string, code: string) =>
      m.inject("DELETE", "/api/v1/auth/mfa", user.token, { password, code });
    expect((await off("not the password at all", user.recovery[0] ?? "")).statusCode).toBe(400);
    expect((await off(TEST_PASSWORD, await wrongCode(user.secret))).statusCode).toBe(400);
    expect((await off(TEST_PASSWORD, user.recovery[1] ?? "")).statusCode).toBe(204);
    const res = await m.login("mfa-gina");
    expect(res.json()).toMatchObject({ user: { mfa_enabled: false } });
    expect((res.json() as { token?: string }).token).toBeTruthy();
  });

  it("lets an admin reset a user's MFA, and no one else", async () => {
    const user = await m.enrolledUser("mfa-hank");
    const url = `/api/v1/users/${user.id}/mfa/reset`;
    expect((await m.inject("POST", url, m.t.tokens.analyst)).statusCode).toBe(403);
    expect((await m.inject("POST", url, m.t.tokens.admin)).statusCode).toBe(204);
    expect(
      (
        await m.inject(
          "POST",
          "/api/v1/users/0190f3c6-0000-7000-8000-000000000000/mfa/reset",
          m.t.tokens.admin,
        )
      ).statusCode,
    ).toBe(404);
    const res = await m.login("mfa-hank");
    expect(res.statusCode).toBe(200);
    expect((res.json() as { token?: string }).token).toBeTruthy();
    // Enrolling again works after a reset.
    await m.enrol((res.json() as { token: string }).token);
  });

  it("enforces the per-role policy: until enrolled, a session reaches only enrolment, /auth/me and logout", async () => {
    const put = (token: string, roles: string[]) =>
      m.inject("PUT", "/api/v1/auth/mfa/policy", token, { required_roles: roles });
    expect((await put(m.t.tokens.analyst, ["audit"])).statusCode).toBe(403);
    expect((await m.inject("GET", "/api/v1/auth/mfa/policy", m.t.tokens.admin)).json()).toEqual({
      required_roles: [],
    });
    const set = await put(m.t.tokens.admin, ["audit"]);
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ required_roles: ["audit"] });

    // A live session of the role is held at once.
    const held = await m.inject("GET", "/api/v1/auth/sessions", m.t.tokens.audit);
    expect(held.statusCode).toBe(403);
    expect(held.json()).toMatchObject({ detail: ENROLMENT_REQUIRED });
    // Other roles are not.
    expect((await m.inject("GET", "/api/v1/auth/sessions", m.t.tokens.analyst)).statusCode).toBe(200);

    const res = await m.login("audit");
    expect(res.statusCode).toBe(200);
    const body = res.json() as { token: string; mfa_enrollment_required?: boolean; user: object };
    expect(body.mfa_enrollment_required).toBe(true);
    expect(body.user).toMatchObject({ mfa_enabled: false, mfa_enrollment_required: true });
    expect((await m.inject("GET", "/api/v1/auth/me", body.token)).json()).toMatchObject({
      mfa_enrollment_required: true,
    });
    expect((await m.inject("GET", "/api/v1/auth/sessions", body.token)).statusCode).toBe(403);
    expect(
      (
        await m.inject("POST", "/api/v1/auth/password", body.token, {
          current_password: TEST_PASSWORD,
          new_password: "another long password",
        })
      ).statusCode,
    ).toBe(403);

    const enrolled = await m.enrol(body.token);
    expect((await m.inject("GET", "/api/v1/auth/sessions", body.token)).statusCode).toBe(200);
    // The role must use MFA, so its users cannot turn it off.
    const off = await m.inject("DELETE", "/api/v1/auth/mfa", body.token, {
      password: TEST_PASSWORD,
      code: enrolled.recovery[0],
    });
    expect(off.statusCode).toBe(409);

    expect((await put(m.t.tokens.admin, [])).json()).toEqual({ required_roles: [] });
  });
});

describe("MFA codes are throttled like passwords", () => {
  let m: Awaited<ReturnType<typeof openMfaTestApp>>;
  beforeAll(async () => {
    m = await openMfaTestApp({ auth: { loginRateLimit: { max: 100, perUserMax: 3 } } });
  });
  afterAll(async () => {
    await m?.t.close();
  });

  it("refuses codes, and passwords, for the username after too many wrong codes", async () => {
    const user = await m.enrolledUser("mfa-ivan");
    const wrong = await wrongCode(user.secret);
    for (let i = 0; i < 3; i++) {
      expect((await m.verify(await m.challenge("mfa-ivan"), wrong)).statusCode).toBe(401);
    }
    const mfaToken = (await m.login("mfa-ivan")).json() as { mfa_token?: string };
    // The password step is held too: the counts are shared.
    expect(mfaToken.mfa_token).toBeUndefined();
    expect((await m.login("mfa-ivan")).statusCode).toBe(429);
  });
});

describe("one's own sessions", () => {
  let m: Awaited<ReturnType<typeof openMfaTestApp>>;
  beforeAll(async () => {
    m = await openMfaTestApp();
  });
  afterAll(async () => {
    await m?.t.close();
  });

  it("lists them, marks the current one, and signs out another", async () => {
    const a = await m.t.login("analyst");
    const b = await m.t.login("analyst");
    const res = await m.inject("GET", "/api/v1/auth/sessions", a);
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: { id: string; current: boolean; created_at: string }[] }).items;
    // openTestApp's own sign-in, a and b.
    expect(items).toHaveLength(3);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    const other = items.find((s) => !s.current);
    if (!other) throw new Error("no other session");

    // Someone else cannot sign it out.
    expect((await m.inject("DELETE", `/api/v1/auth/sessions/${other.id}`, m.t.tokens.admin)).statusCode).toBe(
      404,
    );
    expect((await m.inject("DELETE", `/api/v1/auth/sessions/${other.id}`, a)).statusCode).toBe(204);
    const after = (await m.inject("GET", "/api/v1/auth/sessions", a)).json() as { items: { id: string }[] };
    expect(after.items.map((s) => s.id)).not.toContain(other.id);
    // One of b or openTestApp's token is now signed out; a is still in.
    const alive = await Promise.all(
      [b, m.t.tokens.analyst].map((tok) => m.inject("GET", "/api/v1/auth/me", tok)),
    );
    expect(alive.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });
});
