import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApp, type TestApp } from "../http/app-test-support.js";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import { type BanChange, type BanService, createBanService } from "./ban-service.js";
import { detection } from "./policy-fixtures.js";
import { responseRoutes } from "./response-routes.js";

describe("response API (bans, approvals, whitelist, geo)", () => {
  let t: TestApp;
  // The service gets its own state store: the test app builds its store after the features exist.
  let state: TestStateStore;
  let bans: BanService;
  const changes: BanChange[] = [];

  beforeAll(async () => {
    state = await openTestStateStore();
    bans = createBanService({ db: state.store.db, onChange: (c) => changes.push(c) });
    t = await openTestApp({ features: [responseRoutes({ db: state.store.db, bans })] });
  });
  afterAll(async () => {
    await t?.close();
    await state?.dispose();
  });

  const call = (
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: string,
    who: "admin" | "analyst" | "audit",
    payload?: object,
  ) => t.app.inject({ method, url, headers: t.as(who), ...(payload ? { payload } : {}) });

  it("bans by hand, lists, shows history, escalates after unban, and lifts with immunity", async () => {
    const first = await call("POST", "/api/v1/bans", "analyst", { ip: "203.0.113.9", reason: "manual test" });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      ip: "203.0.113.9",
      status: "active",
      current_tier: 0,
      created_by: "analyst",
    });
    expect(changes.at(-1)?.type).toBe("new_ban");

    const list = await call("GET", "/api/v1/bans?status=active&q=203.0.113", "audit");
    expect(list.json().items.map((b: { ip: string }) => b.ip)).toContain("203.0.113.9");

    const lifted = await call("DELETE", "/api/v1/bans/203.0.113.9?immunity_hours=1", "analyst");
    expect(lifted.statusCode).toBe(200);
    expect(lifted.json().status).toBe("expired");
    expect(lifted.json().immune_until).not.toBeNull();

    const again = await call("POST", "/api/v1/bans", "analyst", { ip: "203.0.113.9", reason: "back" });
    expect(again.json()).toMatchObject({ current_tier: 1 });
    expect(Date.parse(again.json().expires_at) - Date.parse(again.json().last_ban)).toBe(24 * 3600_000);

    const detail = await call("GET", "/api/v1/bans/203.0.113.9", "audit");
    expect(detail.json().history.map((h: { action: string; actor: string }) => [h.action, h.actor])).toEqual([
      ["escalate", "analyst"],
      ["unban", "analyst"],
      ["ban", "analyst"],
    ]);
    expect((await call("GET", "/api/v1/bans/203.0.113.200", "audit")).statusCode).toBe(404);

    const stats = await call("GET", "/api/v1/bans/stats", "audit");
    expect(stats.json()).toMatchObject({ active: 1, expired_24h: 1, by_tier: [{ tier: 1, count: 1 }] });
  });

  it("pages the list with a cursor", async () => {
    for (let i = 1; i <= 5; i++)
      await call("POST", "/api/v1/bans", "analyst", { ip: `198.51.100.${i}`, reason: "page" });
    const seen: string[] = [];
    let url = "/api/v1/bans?q=198.51.100.&limit=2";
    for (let i = 0; i < 5; i++) {
      const page = await call("GET", url, "audit");
      seen.push(...page.json().items.map((b: { ip: string }) => b.ip));
      if (!page.json().next_cursor) break;
      url = `/api/v1/bans?q=198.51.100.&limit=2&cursor=${page.json().next_cursor}`;
    }
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5].map((i) => `198.51.100.${i}`));
  });

  it("refuses a manual ban of a hard-whitelisted IP with 409, and accepts CIDR whitelist entries", async () => {
    const wl = await call("POST", "/api/v1/whitelist", "analyst", {
      ip: "192.0.2.10/24",
      type: "hard",
      reason: "office",
    });
    expect(wl.statusCode).toBe(201);
    expect(wl.json()).toMatchObject({ ip: "192.0.2.0/24", type: "hard", is_active: true });
    const refused = await call("POST", "/api/v1/bans", "analyst", { ip: "192.0.2.77", reason: "x" });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/hard-whitelisted/);
    const id = wl.json().id;
    const edited = await call("PUT", `/api/v1/whitelist/${id}`, "analyst", {
      ip: "192.0.2.0/24",
      type: "monitor",
      reason: "office",
    });
    expect(edited.json().type).toBe("monitor");
    expect((await call("GET", "/api/v1/whitelist", "audit")).json().items).toHaveLength(1);
    expect((await call("DELETE", `/api/v1/whitelist/${id}`, "analyst")).statusCode).toBe(204);
    expect(
      (await call("POST", "/api/v1/bans", "analyst", { ip: "192.0.2.77", reason: "x" })).statusCode,
    ).toBe(201);
  });

  it("approves and rejects pending bans from an authorized country", async () => {
    const geo = await call("PUT", "/api/v1/geozone", "admin", {
      enabled: true,
      authorized_countries: ["fr"],
      hostile_countries: ["KP"],
      default_policy: "neutral",
      waf_threshold_hzone: 1,
      waf_threshold_zone: 3,
      threat_score_threshold: 50,
    });
    expect(geo.json().authorized_countries).toEqual(["FR"]);
    await bans.handleDetection(detection({ value: "100.64.0.1", country: "FR", url: "/a" }));
    await bans.handleDetection(detection({ value: "100.64.0.2", country: "FR", url: "/b" }));
    const pending = (await call("GET", "/api/v1/bans/pending", "audit")).json().items as {
      id: string;
      ip: string;
    }[];
    expect(pending.map((p) => p.ip).sort()).toEqual(["100.64.0.1", "100.64.0.2"]);
    const [a, b] = pending;
    const approved = await call("POST", `/api/v1/bans/pending/${a?.id}/approve`, "analyst", { note: "ok" });
    expect(approved.json()).toMatchObject({ ip: a?.ip, status: "active", current_tier: 0 });
    // No body at all: a note is optional, so a bare POST must do.
    const rejected = await call("POST", `/api/v1/bans/pending/${b?.id}/reject`, "analyst");
    expect(rejected.json()).toMatchObject({ status: "rejected", reviewed_by: "analyst" });
    expect((await call("POST", `/api/v1/bans/pending/${b?.id}/approve`, "analyst", {})).statusCode).toBe(409);
    expect((await call("GET", "/api/v1/bans/pending", "audit")).json().items).toEqual([]);
  });

  it("manages geoblocking rules (admin only)", async () => {
    const rule = await call("POST", "/api/v1/geoblocking", "admin", {
      country: "ru",
      action: "block",
      reason: "policy",
    });
    expect(rule.statusCode).toBe(201);
    expect(rule.json()).toMatchObject({ country: "RU", action: "block" });
    expect((await call("GET", "/api/v1/geoblocking", "audit")).json().items).toHaveLength(1);
    expect(
      (await call("POST", "/api/v1/geoblocking", "analyst", { country: "CN", action: "block", reason: "" }))
        .statusCode,
    ).toBe(403);
    // The rule is used: one event from RU is banned at once, and the ban says why.
    await bans.handleDetection(detection({ value: "100.64.9.1", country: "RU", count: 1, threshold: 1 }));
    const listed = (await call("GET", "/api/v1/bans?q=100.64.9.1", "audit")).json().items;
    expect(listed).toMatchObject([{ ip: "100.64.9.1", status: "active", current_tier: 0 }]);
    expect(listed[0].reason).toContain("geoblocking rule block RU (policy)");
    expect((await call("DELETE", `/api/v1/geoblocking/${rule.json().id}`, "admin")).statusCode).toBe(204);
  });

  it("shows a 'conditional' row (Vigil never writes one; an import might) without counting it as in force", async () => {
    const at = new Date();
    await state.store.db
      .insertInto("bans")
      .values({
        ip: "100.64.7.7",
        status: "conditional",
        ban_count: 1,
        current_tier: 0,
        first_ban: at,
        last_ban: at,
        expires_at: new Date(at.getTime() + 3600_000),
        reason: "imported",
        source: "detect2ban",
      })
      .execute();
    const before = (await call("GET", "/api/v1/bans/stats", "audit")).json();
    const listed = await call("GET", "/api/v1/bans?status=conditional", "audit");
    expect(listed.json().items).toMatchObject([{ ip: "100.64.7.7", status: "conditional" }]);
    expect((await call("GET", "/api/v1/bans/100.64.7.7", "audit")).json()).toMatchObject({
      ban: { status: "conditional" },
      history: [],
    });
    // Not in force: a manual ban is a real one, on the next tier, and counts.
    const reban = await call("POST", "/api/v1/bans", "analyst", { ip: "100.64.7.7", reason: "confirmed" });
    expect(reban.json()).toMatchObject({ status: "active", current_tier: 1, ban_count: 2 });
    expect((await call("GET", "/api/v1/bans/stats", "audit")).json().active).toBe(before.active + 1);
  });

  it.each([
    ["POST", "/api/v1/bans", { ip: "1.2.3.4", reason: "x" }],
    ["DELETE", "/api/v1/bans/1.2.3.4", undefined],
    ["POST", "/api/v1/bans/pending/00000000-0000-7000-8000-000000000000/approve", {}],
    ["POST", "/api/v1/bans/pending/00000000-0000-7000-8000-000000000000/reject", {}],
    ["POST", "/api/v1/whitelist", { ip: "1.2.3.4", type: "hard", reason: "x" }],
    [
      "PUT",
      "/api/v1/whitelist/00000000-0000-7000-8000-000000000000",
      { ip: "1.2.3.4", type: "hard", reason: "x" },
    ],
    ["DELETE", "/api/v1/whitelist/00000000-0000-7000-8000-000000000000", undefined],
    ["PUT", "/api/v1/geozone", {}],
    ["POST", "/api/v1/geoblocking", { country: "CN", action: "block", reason: "" }],
    ["DELETE", "/api/v1/geoblocking/00000000-0000-7000-8000-000000000000", undefined],
  ] as const)("audit cannot %s %s (403)", async (method, url, payload) => {
    expect((await call(method, url, "audit", payload)).statusCode).toBe(403);
  });

  it("analysts cannot configure the GeoZone (403); nobody reads without signing in (401)", async () => {
    expect((await call("PUT", "/api/v1/geozone", "analyst", {})).statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/bans" })).statusCode).toBe(401);
  });

  it.each([
    ["POST", "/api/v1/bans", { ip: "999.1.1.1", reason: "x" }, "body/ip"],
    ["POST", "/api/v1/bans", { ip: "1.2.3.4", reason: "x", duration: "5x" }, "body/duration"],
    ["POST", "/api/v1/bans", { ip: "1.2.3.4", reason: "x", duration: 5 }, "body/duration"],
    ["POST", "/api/v1/whitelist", { ip: "10.0.0.0/33", type: "hard", reason: "x" }, "body/ip"],
    ["POST", "/api/v1/whitelist", { ip: "nope", type: "hard", reason: "x" }, "body/ip"],
    ["POST", "/api/v1/whitelist", { ip: "10.0.0.0/8", type: "strong", reason: "x" }, "body/type"],
    ["GET", "/api/v1/bans/not-an-ip", undefined, "params/ip"],
    ["GET", "/api/v1/bans?status=banned", undefined, "querystring/status"],
    ["DELETE", "/api/v1/bans/1.2.3", undefined, "params/ip"],
  ] as const)("%s %s with bad input → 400 naming %s", async (method, url, payload, field) => {
    const res = await call(method, url, "admin", payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});
