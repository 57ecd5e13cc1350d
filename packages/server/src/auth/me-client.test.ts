import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestVigil, type TestVigil } from "../test-support/test-vigil.js";

interface Me {
  username: string;
  client: string | null;
}

/**
 * Sign-in and /auth/me say the user's client (null for operator staff): the console decides from it
 * whether to offer what only staff manage, such as the clients list.
 */
describe("the signed-in user's client", () => {
  let t: TestVigil;
  beforeAll(async () => {
    t = await startTestVigil();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("is null for staff and the client's name for a client's user, at sign-in and on /auth/me", async () => {
    expect((await t.api("GET", "/api/v1/auth/me", undefined, t.adminToken)).json()).toMatchObject({
      username: "admin",
      client: null,
    });
    expect((await t.api("POST", "/api/v1/clients", { name: "acme" }, t.adminToken)).status).toBe(201);
    const password = "acme-boss-password-123";
    const created = await t.api(
      "POST",
      "/api/v1/users",
      { username: "acme-boss", password, role: "admin", client: "acme" },
      t.adminToken,
    );
    expect(created.status).toBe(201);

    const login = await t.api("POST", "/api/v1/auth/login", { username: "acme-boss", password });
    expect(login.status).toBe(200);
    const { token, user } = login.json() as { token: string; user: Me };
    expect(user).toMatchObject({ username: "acme-boss", client: "acme" });
    expect((await t.api("GET", "/api/v1/auth/me", undefined, token)).json()).toMatchObject({
      client: "acme",
    });
  });
});
