import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKeyScope } from "./access.js";
import { buildHttpApp } from "./app.js";
import { openTestApp, type TestApp } from "./app-test-support.js";
import { assertEveryRouteGuarded, type RouteAuditTokens } from "./route-audit.js";

/** Stand-ins for other features' routes, one per kind of access. */
const sampleFeature: FastifyPluginAsyncTypebox = async (app) => {
  const ok = async () => ({ ok: true });
  app.post("/api/v1/ingest-sample", { config: { access: { scope: "ingest" }, audit: false } }, ok);
  app.get("/api/v1/events-sample", { config: { access: { scope: "read", role: "audit" } } }, ok);
  app.get("/metrics-sample", { config: { access: { scope: "metrics", role: "admin" } } }, ok);
  app.put(
    "/api/v1/bans-sample/:id",
    { config: { access: { role: "analyst" } }, schema: { params: Type.Object({ id: Type.String() }) } },
    ok,
  );
};

describe("route audit over the whole app", () => {
  let t: TestApp;
  let tokens: RouteAuditTokens;

  beforeAll(async () => {
    t = await openTestApp({ features: [sampleFeature] });
    const apiKeys: RouteAuditTokens["apiKeys"] = {};
    for (const scope of ["ingest", "metrics", "read"] satisfies ApiKeyScope[]) {
      const res = await t.app.inject({
        method: "POST",
        url: "/api/v1/api-keys",
        headers: t.as("admin"),
        payload: { name: `audit-${scope}`, scopes: [scope] },
      });
      apiKeys[scope] = (res.json() as { key: string }).key;
    }
    tokens = { audit: t.tokens.audit, apiKeys };
  });
  afterAll(async () => {
    await t?.close();
  });

  it("finds every route and every one refuses callers it should", async () => {
    const report = await assertEveryRouteGuarded(t.app, tokens);
    const names = report.checked.map((r) => `${r.method} ${r.url}`);
    for (const route of [
      "GET /api/v1/users",
      "POST /api/v1/users",
      "PUT /api/v1/users/:id",
      "DELETE /api/v1/users/:id",
      "GET /api/v1/api-keys",
      "POST /api/v1/api-keys",
      "DELETE /api/v1/api-keys/:id",
      "GET /api/v1/audit",
      "GET /api/v1/auth/me",
      "POST /api/v1/auth/logout",
      "POST /api/v1/auth/password",
      "POST /api/v1/ingest-sample",
      "GET /api/v1/events-sample",
      "GET /metrics-sample",
      "PUT /api/v1/bans-sample/:id",
    ]) {
      expect(names).toContain(route);
    }
    expect(report.publicRoutes.map((r) => `${r.method} ${r.url}`)).toContain("POST /api/v1/auth/login");
    // 3 anonymous/bogus probes per route at least, plus the role/scope probes.
    expect(report.requests).toBeGreaterThanOrEqual(report.checked.length * 4);
  });

  it("fails on a route made public by mistake, naming it", async () => {
    const oops: FastifyPluginAsyncTypebox = async (app) => {
      app.delete("/api/v1/everything", { config: { access: "public" } }, async () => ({ gone: true }));
    };
    const app = await buildHttpApp({ state: t.state.store, version: "test", features: [oops] });
    await app.ready();
    await expect(assertEveryRouteGuarded(app, tokens)).rejects.toThrow(
      /DELETE \/api\/v1\/everything: public, but not on the allow-list/,
    );
    await app.close();
  });
});
