import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/config.js";
import { buildHttpApp, type VigilApp } from "../../http/app.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { SSO_ONLY_STAFF } from "../auth-service.js";
import { bootstrapAdmin } from "../bootstrap.js";
import { hashPassword } from "../secrets.js";

const PASSWORD = "a-long-enough-password";

describe("VIGIL_OIDC_SSO_ONLY_STAFF", () => {
  let state: TestStateStore;
  let app: VigilApp;

  beforeAll(async () => {
    const config = loadConfig({
      VIGIL_CONFIG: undefined,
      // Never reached: password sign-in does not talk to the provider.
      VIGIL_OIDC_ISSUER: "http://127.0.0.1:9",
      VIGIL_OIDC_CLIENT_ID: "vigil",
      VIGIL_OIDC_CLIENT_SECRET: "unused",
      VIGIL_OIDC_SSO_ONLY_STAFF: "true",
    });
    if (!config.oidc) throw new Error("OIDC not configured");
    state = await openTestStateStore();
    await bootstrapAdmin(state.store.db, { password: PASSWORD });
    await state.store.db
      .insertInto("users")
      .values({
        id: uuidv7(),
        username: "client-analyst",
        email: null,
        password_hash: await hashPassword(PASSWORD),
        role: "analyst",
        client: "default",
      })
      .execute();
    app = await buildHttpApp({
      version: "test",
      state: state.store,
      auth: { oidc: { config: config.oidc, publicUrl: "http://127.0.0.1:8080" } },
    });
  });

  afterAll(async () => {
    await app?.close();
    await state?.dispose();
  });

  const login = (username: string, password = PASSWORD) =>
    app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { username, password } });

  it("refuses a password sign-in by operator staff, once the password is right", async () => {
    const res = await login("admin");
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ detail: SSO_ONLY_STAFF });
    // A wrong password reads as any wrong password: nothing says the account is staff.
    expect((await login("admin", "not-the-password-at-all")).statusCode).toBe(401);
  });

  it("still lets a client's users sign in with their password", async () => {
    expect((await login("client-analyst")).statusCode).toBe(200);
  });
});
