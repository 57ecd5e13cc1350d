import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApp, TEST_PASSWORD, type TestApp } from "../http/app-test-support.js";

interface AuditItem {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
}

/** The audit log's filters the console's Audit page sends: actor, action, target and a time range. */
describe("audit log filters", () => {
  let t: TestApp;
  let started: number;
  beforeAll(async () => {
    t = await openTestApp();
    started = Date.now();
    for (const username of ["filter-erin", "filter-frank"]) {
      const res = await t.app.inject({
        method: "POST",
        url: "/api/v1/users",
        headers: t.as("admin"),
        payload: { username, password: TEST_PASSWORD, role: "audit" },
      });
      expect(res.statusCode).toBe(201);
    }
    const key = await t.app.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      headers: t.as("admin"),
      payload: { name: "filter-key", scopes: ["read"] },
    });
    expect(key.statusCode).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const list = async (query: Record<string, string>) => {
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/audit?${new URLSearchParams({ limit: "1000", ...query })}`,
      headers: t.as("admin"),
    });
    return { status: res.statusCode, items: (res.json() as { items?: AuditItem[] }).items ?? [] };
  };

  it("filters by a substring of the target", async () => {
    const { items } = await list({ target: "filter-" });
    expect(items.map((i) => i.target).sort()).toEqual(["filter-erin", "filter-frank", "filter-key"]);
    expect((await list({ target: "frank" })).items.map((i) => i.target)).toEqual(["filter-frank"]);
    // LIKE's own wildcards are taken literally.
    expect((await list({ target: "filter%" })).items).toEqual([]);
  });

  it("combines action, actor and target", async () => {
    const { items } = await list({ action: "POST /api/v1/api-keys", actor: "admin", target: "filter" });
    expect(items.map((i) => i.target)).toEqual(["filter-key"]);
    expect((await list({ action: "POST /api/v1/api-keys", actor: "analyst" })).items).toEqual([]);
  });

  it("filters by time: from is inclusive, to exclusive, both relative to the clock", async () => {
    const minute = 60_000;
    const before = new Date(started - minute).toISOString();
    const later = new Date(Date.now() + minute).toISOString();
    const all = (await list({ target: "filter-" })).items;
    expect((await list({ target: "filter-", from: before })).items).toEqual(all);
    expect((await list({ target: "filter-", from: before, to: later })).items).toEqual(all);
    expect((await list({ target: "filter-", to: before })).items).toEqual([]);
    expect((await list({ target: "filter-", from: later })).items).toEqual([]);
    const first = all[all.length - 1];
    expect(first).toBeDefined();
    // An entry's own time is in a range that starts there and not in one that ends there.
    if (first) {
      expect((await list({ target: first.target ?? "", from: first.at })).items.map((i) => i.id)).toContain(
        first.id,
      );
      expect((await list({ target: first.target ?? "", to: first.at })).items.map((i) => i.id)).not.toContain(
        first.id,
      );
    }
  });

  it("refuses a time that is not a date-time or outside what the store compares", async () => {
    expect((await list({ from: "yesterday" })).status).toBe(400);
    const year0 = await t.app.inject({
      method: "GET",
      url: "/api/v1/audit?to=0000-01-01T00:00:00Z",
      headers: t.as("admin"),
    });
    expect(year0.statusCode).toBe(400);
    expect((year0.json() as { detail: string }).detail).toMatch(/querystring\/to must be between 1900/);
  });
});
