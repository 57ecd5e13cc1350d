import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApp, TEST_PASSWORD, type TestApp } from "../http/app-test-support.js";
import { principalOf } from "../http/guard.js";
import { type TestBackend, testDatabaseUrl } from "../storage/state-test-support.js";
import { createTestSites } from "../tenancy/test-sites.js";

/** Stand-ins for machine endpoints, to prove API keys work with their scope and only with it. */
const machineRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    "/api/v1/ingest-probe",
    { config: { access: { scope: "ingest" }, audit: false } },
    async (request) => {
      const p = principalOf(request);
      return p.kind === "apikey" ? { key: p.name, site: p.site } : { key: null, site: null };
    },
  );
  app.get("/metrics-probe", { config: { access: { scope: "metrics", role: "admin" } } }, async () => ({
    ok: true,
  }));
};

interface UserItem {
  id: string;
  username: string;
  role: string;
  is_active: boolean;
}
interface AuditItem {
  actor: string;
  actor_kind: string;
  action: string;
  target: string | null;
  status: number;
  detail: { body?: Record<string, unknown>; error?: string };
}

for (const { backend, skip } of [
  { backend: "pglite" as TestBackend, skip: false },
  { backend: "pg" as TestBackend, skip: !testDatabaseUrl },
]) {
  describe.skipIf(skip)(`users, API keys and audit log on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await openTestApp({ features: [machineRoutes] }, backend);
      await createTestSites(t.state.store.db, ["paris"]);
      await t.app.siteDirectory.refresh();
    });
    afterAll(async () => {
      await t?.close();
    });

    const inject = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, headers = {}, payload?: object) =>
      t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    const users = async () =>
      ((await inject("GET", "/api/v1/users", t.as("admin"))).json() as { items: UserItem[] }).items;
    const audit = async (query = "") =>
      ((await inject("GET", `/api/v1/audit${query}`, t.as("admin"))).json() as { items: AuditItem[] }).items;

    it("lets only admins manage users: 401 without or with a bad token, 403 below admin", async () => {
      const body = { username: "dave", password: TEST_PASSWORD, role: "audit" };
      expect((await inject("POST", "/api/v1/users", {}, body)).statusCode).toBe(401);
      expect((await inject("POST", "/api/v1/users", { authorization: "Bearer nope" }, body)).statusCode).toBe(
        401,
      );
      expect((await inject("POST", "/api/v1/users", t.as("audit"), body)).statusCode).toBe(403);
      expect((await inject("POST", "/api/v1/users", t.as("analyst"), body)).statusCode).toBe(403);
      expect((await inject("GET", "/api/v1/users", t.as("analyst"))).statusCode).toBe(403);
      expect((await users()).map((u) => u.username)).not.toContain("dave");
    });

    it("creates a user once (409 the second time, whatever the case) and updates it", async () => {
      const created = await inject("POST", "/api/v1/users", t.as("admin"), {
        username: "erin",
        password: TEST_PASSWORD,
        role: "audit",
        email: "erin@example.org",
      });
      expect(created.statusCode).toBe(201);
      const erin = created.json() as UserItem & { email: string };
      expect(erin).toMatchObject({
        username: "erin",
        role: "audit",
        email: "erin@example.org",
        is_active: true,
      });
      expect(JSON.stringify(erin)).not.toContain("password");

      const twice = await inject("POST", "/api/v1/users", t.as("admin"), {
        username: "ERIN",
        password: TEST_PASSWORD,
        role: "analyst",
      });
      expect(twice.statusCode).toBe(409);
      expect(twice.json()).toMatchObject({ status: 409, detail: "A user named ERIN already exists" });

      const badEmail = await inject("PUT", `/api/v1/users/${erin.id}`, t.as("admin"), {
        email: "not-an-email",
      });
      expect(badEmail.statusCode).toBe(400);
      expect(badEmail.json()).toMatchObject({ detail: 'body/email must match format "email"' });

      const promoted = await inject("PUT", `/api/v1/users/${erin.id}`, t.as("admin"), { role: "analyst" });
      expect(promoted.statusCode).toBe(200);
      expect(promoted.json()).toMatchObject({ role: "analyst" });

      const token = await t.login("erin");
      const disabled = await inject("PUT", `/api/v1/users/${erin.id}`, t.as("admin"), { is_active: false });
      expect(disabled.json()).toMatchObject({ is_active: false });
      expect((await inject("GET", "/api/v1/auth/me", t.as({ token }))).statusCode).toBe(401);
      const relogin = await inject(
        "POST",
        "/api/v1/auth/login",
        {},
        { username: "erin", password: TEST_PASSWORD },
      );
      expect(relogin.statusCode).toBe(401);

      expect((await inject("DELETE", `/api/v1/users/${erin.id}`, t.as("admin"))).statusCode).toBe(204);
      expect((await inject("DELETE", `/api/v1/users/${erin.id}`, t.as("admin"))).statusCode).toBe(404);
      expect((await users()).map((u) => u.username)).not.toContain("erin");
    });

    it("never leaves the system without an active admin", async () => {
      const admin = (await users()).find((u) => u.username === "admin");
      if (!admin) throw new Error("no admin");
      const demote = await inject("PUT", `/api/v1/users/${admin.id}`, t.as("admin"), { role: "analyst" });
      expect(demote.statusCode).toBe(409);
      expect(demote.json()).toMatchObject({ detail: "Cannot demote admin: it is the last active admin" });
      expect(
        (await inject("PUT", `/api/v1/users/${admin.id}`, t.as("admin"), { is_active: false })).statusCode,
      ).toBe(409);
      expect((await inject("DELETE", `/api/v1/users/${admin.id}`, t.as("admin"))).statusCode).toBe(409);

      // With a second admin, the first may be demoted (by the second: one cannot delete oneself).
      const second = await inject("POST", "/api/v1/users", t.as("admin"), {
        username: "frank",
        password: TEST_PASSWORD,
        role: "admin",
      });
      const frank = second.json() as UserItem;
      const frankToken = await t.login("frank");
      expect(
        (await inject("DELETE", `/api/v1/users/${frank.id}`, t.as({ token: frankToken }))).statusCode,
      ).toBe(409);
      expect((await inject("DELETE", `/api/v1/users/${frank.id}`, t.as("admin"))).statusCode).toBe(204);
    });

    it("shows an API key once; it works with its scope and site, not with another", async () => {
      const created = await inject("POST", "/api/v1/api-keys", t.as("admin"), {
        name: "paris firewall",
        scopes: ["ingest"],
        site: "paris",
      });
      expect(created.statusCode).toBe(201);
      const key = created.json() as { id: string; key: string; scopes: string[]; site: string };
      expect(key.key).toMatch(/^vk_[A-Za-z0-9_-]{43}$/);
      expect(key).toMatchObject({ scopes: ["ingest"], site: "paris" });

      const list = await inject("GET", "/api/v1/api-keys", t.as("admin"));
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(key.key);
      const listed = (list.json() as { items: { id: string; prefix: string; last_used_at: string | null }[] })
        .items;
      const mine = listed.find((k) => k.id === key.id);
      expect(mine?.prefix).toBe(key.key.slice(0, 10));
      expect(mine?.last_used_at).toBeNull();

      const asKey = t.as({ token: key.key });
      const ingest = await inject("POST", "/api/v1/ingest-probe", asKey);
      expect(ingest.statusCode).toBe(200);
      expect(ingest.json()).toEqual({ key: "paris firewall", site: "paris" });
      expect((await inject("GET", "/metrics-probe", asKey)).statusCode).toBe(403);
      expect((await inject("GET", "/api/v1/auth/me", asKey)).statusCode).toBe(403);
      expect((await inject("GET", "/api/v1/users", asKey)).statusCode).toBe(403);
      // A user cannot use a key-only endpoint; an admin may read metrics.
      expect((await inject("POST", "/api/v1/ingest-probe", t.as("admin"))).statusCode).toBe(403);
      expect((await inject("GET", "/metrics-probe", t.as("admin"))).statusCode).toBe(200);
      expect((await inject("GET", "/metrics-probe", t.as("analyst"))).statusCode).toBe(403);

      const used = (
        (await inject("GET", "/api/v1/api-keys", t.as("admin"))).json() as {
          items: { id: string; last_used_at: string | null }[];
        }
      ).items.find((k) => k.id === key.id);
      expect(used?.last_used_at).not.toBeNull();

      expect((await inject("DELETE", `/api/v1/api-keys/${key.id}`, t.as("admin"))).statusCode).toBe(204);
      expect((await inject("POST", "/api/v1/ingest-probe", asKey)).statusCode).toBe(401);
      expect((await inject("DELETE", `/api/v1/api-keys/${key.id}`, t.as("admin"))).statusCode).toBe(404);
    });

    it("rejects API keys without a known scope", async () => {
      const res = await inject("POST", "/api/v1/api-keys", t.as("admin"), { name: "x", scopes: ["root"] });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        status: 400,
        detail: "body/scopes/0 must be equal to one of the allowed values: ingest, metrics, read, blocklist",
      });
    });

    it("audits changes with actor, target and outcome, secrets redacted, reads not audited", async () => {
      const entries = await audit("?limit=1000");
      const actions = entries.map((e) => `${e.actor} ${e.action} ${e.status}`);
      expect(actions).toContain("admin POST /api/v1/users 201");
      expect(actions).toContain("admin POST /api/v1/users 409");
      expect(actions).toContain("admin DELETE /api/v1/users/:id 204");
      expect(actions).toContain("admin PUT /api/v1/users/:id 409");
      expect(actions).toContain("admin POST /api/v1/api-keys 201");
      expect(actions).toContain("anonymous POST /api/v1/users 401");
      expect(actions).toContain("audit POST /api/v1/users 403");
      expect(entries.some((e) => e.action.startsWith("GET "))).toBe(false);
      // The ingest probe opted out of auditing.
      expect(entries.some((e) => e.action.includes("ingest-probe"))).toBe(false);

      const demote = entries.find((e) => e.action === "PUT /api/v1/users/:id" && e.status === 409);
      expect(demote?.detail.error).toMatch(/last active admin/);
      const created = entries.find((e) => e.action === "POST /api/v1/users" && e.target === "erin");
      expect(created?.detail.body).toMatchObject({ username: "erin", role: "audit", password: "[redacted]" });
      const everything = JSON.stringify(entries);
      expect(everything).not.toContain(TEST_PASSWORD);
      expect(everything).not.toContain("vk_");
    });

    it("audits failed logins under the attempted username", async () => {
      await inject("POST", "/api/v1/auth/login", {}, { username: "mallory", password: "hunter2-hunter2" });
      const [latest] = await audit("?actor=mallory");
      expect(latest).toMatchObject({
        actor: "mallory",
        actor_kind: "anonymous",
        action: "POST /api/v1/auth/login",
        status: 401,
        detail: {
          body: { username: "mallory", password: "[redacted]" },
          error: "Invalid username or password",
        },
      });
    });

    it("pages through the audit log newest first", async () => {
      const all = await audit("?limit=1000");
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await inject(
          "GET",
          `/api/v1/audit?limit=4${cursor ? `&cursor=${cursor}` : ""}`,
          t.as("admin"),
        );
        const page = res.json() as { items: (AuditItem & { id: string })[]; next_cursor: string | null };
        seen.push(...page.items.map((i) => i.id));
        cursor = page.next_cursor;
      } while (cursor);
      // Reading the audit log is not itself audited, so the two walks see the same rows.
      expect(seen).toEqual((all as unknown as { id: string }[]).map((i) => i.id));
      expect(new Set(seen).size).toBe(seen.length);
      const bad = await inject("GET", "/api/v1/audit?cursor=garbage", t.as("admin"));
      expect(bad.statusCode).toBe(400);
    });
  });
}
