import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent, toJsonEachRow } from "../events/test-events.js";
import { openTestApp, type TestApp } from "../http/app-test-support.js";
import { silentLog } from "../storage/clickhouse-log.js";
import type { EventStore } from "../storage/event-store.js";
import { createEventStore } from "../storage/event-store-factory.js";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import { createTestSites } from "../tenancy/test-sites.js";
import { alertRoutes } from "./alert-routes.js";
import { type AlertService, createAlertService } from "./alert-service.js";
import { addUser, fakeNotifier, publishRecorder, ruleAlert, silent } from "./alert-test-support.js";
import type { Alert } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "vigil-alert-routes-"));
const NOW = Date.now();
let store: EventStore;
// The service gets its own state store: the test app builds its store after the features exist.
let state: TestStateStore;
let service: AlertService;
let t: TestApp;
const published = publishRecorder();

const drops = [1, 2, 3].map((i) =>
  makeEvent({ timestamp: NOW - i * 1000, src_ip: "203.0.113.7", action: "drop", site: "paris" }),
);
const noise = makeEvent({ timestamp: NOW - 500, src_ip: "198.51.100.1", site: "paris" });
let paris: Alert;
let lyon: Alert;

type Who = "audit" | "analyst" | "admin" | { token: string };
const call = (method: "GET" | "POST", url: string, who: Who, payload?: object) =>
  t.app.inject({ method, url, headers: t.as(who), ...(payload ? { payload } : {}) });

beforeAll(async () => {
  store = await createEventStore({
    dataDir: dir,
    log: silentLog,
    retention: { eventsDays: 30, modsecDays: 30 },
  });
  await store.insertJsonEachRow("events", toJsonEachRow([...drops, noise]));
  state = await openTestStateStore();
  await addUser(state.store.db, "analyst");
  await addUser(state.store.db, "bob");
  service = createAlertService({
    db: state.store.db,
    notifier: fakeNotifier(),
    publish: published.publish,
    log: silent,
  });
  t = await openTestApp({ features: [alertRoutes({ db: state.store.db, service, eventStore: store })] });
  await createTestSites(t.state.store.db, ["paris", "lyon"]);
  await t.app.siteDirectory.refresh();
  paris = (await service.raise(ruleAlert({ event_ids: drops.map((e) => e.event_id) }))).alert;
  lyon = (
    await service.raise(
      ruleAlert({ site: "lyon", group_value: "192.0.2.9", severity: "critical", title: "IPS hit" }),
    )
  ).alert;
});

afterAll(async () => {
  await service?.waitIdle();
  await t?.close();
  await state?.dispose();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("alerts API", () => {
  it("lets an audit user read but not act (403 on every action)", async () => {
    for (const url of ["/api/v1/alerts", "/api/v1/alerts/stats", `/api/v1/alerts/${paris.id}`]) {
      expect((await call("GET", url, "audit")).statusCode).toBe(200);
    }
    const actions: [string, object][] = [
      ["acknowledge", {}],
      ["investigate", {}],
      ["assign", { user: "bob" }],
      ["escalate", { user: "bob" }],
      ["resolve", {}],
      ["reopen", {}],
      ["comments", { text: "hi" }],
    ];
    for (const [action, body] of actions) {
      const res = await call("POST", `/api/v1/alerts/${paris.id}/${action}`, "audit", body);
      expect(res.statusCode, action).toBe(403);
    }
    const detail = (await call("GET", `/api/v1/alerts/${paris.id}`, "audit")).json();
    expect(detail.state).toBe("new");
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(["created"]);
  });

  it("shows an alert with its triggering events read from the event store", async () => {
    const res = await call("GET", `/api/v1/alerts/${paris.id}`, "audit");
    const body = res.json();
    expect(body.events.map((e: { event_id: string }) => e.event_id).sort()).toEqual(
      drops.map((e) => e.event_id).sort(),
    );
    expect(body.events[0]).toMatchObject({
      src_ip: "203.0.113.7",
      action: "drop",
      site: "paris",
      triage: null,
    });
    expect(
      (await call("GET", "/api/v1/alerts/0190a0a0-0000-7000-8000-000000000001", "audit")).statusCode,
    ).toBe(404);
    expect((await call("GET", "/api/v1/alerts/not-an-id", "audit")).statusCode).toBe(400);
  });

  it("filters the list and refuses a bad filter with a 400 naming it", async () => {
    const list = async (q: string) =>
      (await call("GET", `/api/v1/alerts?${q}`, "audit")).json().items.map((a: Alert) => a.id);
    expect(await list("severity=critical")).toEqual([lyon.id]);
    expect(await list("site=paris")).toEqual([paris.id]);
    expect(await list("q=IPS")).toEqual([lyon.id]);
    expect(await list("state=new,acknowledged")).toEqual([lyon.id, paris.id]);
    expect(await list(`from=${new Date(NOW + 3600_000).toISOString()}`)).toEqual([]);

    const bad = await call("GET", "/api/v1/alerts?state=open", "audit");
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-type"]).toContain("application/problem+json");
    expect(bad.json().errors).toEqual([
      {
        field: "querystring/state",
        message: '"open" is not one of new, acknowledged, investigating, resolved, false_positive',
      },
    ]);
    expect((await call("GET", "/api/v1/alerts?from=yesterday", "audit")).json().errors[0].field).toBe(
      "querystring/from",
    );
    const yearZero = (await call("GET", "/api/v1/alerts?from=0000-01-01T00:00:00Z", "audit")).json();
    expect(yearZero.errors[0]).toMatchObject({ field: "querystring/from" });
    expect(yearZero.errors[0].message).toContain("outside 1900-01-01");
  });

  it("pages with next_cursor", async () => {
    const first = (await call("GET", "/api/v1/alerts?limit=1", "audit")).json();
    expect(first.items.map((a: Alert) => a.id)).toEqual([lyon.id]);
    const second = (await call("GET", `/api/v1/alerts?limit=1&cursor=${first.next_cursor}`, "audit")).json();
    expect(second).toEqual({ items: [expect.objectContaining({ id: paris.id })], next_cursor: null });
  });

  it("works an alert to its end: acknowledge, assign, comment, resolve; 409 on resolving twice", async () => {
    const ack = await call("POST", `/api/v1/alerts/${paris.id}/acknowledge`, "analyst", { note: "on it" });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ state: "acknowledged", acknowledged_by: "analyst" });

    const unknown = await call("POST", `/api/v1/alerts/${paris.id}/assign`, "analyst", { user: "mallory" });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toEqual({
      field: "body/user",
      message: '"mallory" is not an active user',
    });
    expect(
      (await call("POST", `/api/v1/alerts/${paris.id}/assign`, "analyst", { user: "bob" })).json(),
    ).toMatchObject({ assigned_to: "bob" });
    const comment = await call("POST", `/api/v1/alerts/${paris.id}/comments`, "analyst", {
      text: "blocked at edge",
    });
    expect(comment.statusCode).toBe(201);
    const mine = await call("GET", "/api/v1/alerts?assignee=bob", "audit");
    expect(mine.json().items.map((a: Alert) => a.id)).toEqual([paris.id]);
    expect((await call("GET", "/api/v1/alerts?assignee=me", "audit")).json().items).toEqual([]);
    const resolved = await call("POST", `/api/v1/alerts/${paris.id}/resolve`, "analyst", { note: "done" });
    expect(resolved.json()).toMatchObject({ state: "resolved", resolved_by: "analyst" });

    const twice = await call("POST", `/api/v1/alerts/${paris.id}/resolve`, "analyst");
    expect(twice.statusCode).toBe(409);
    expect(twice.json().detail).toBe("alert is already resolved");

    const detail = (await call("GET", `/api/v1/alerts/${paris.id}`, "audit")).json();
    expect(detail.history.map((h: { action: string; actor: string }) => [h.action, h.actor])).toEqual([
      ["created", "system"],
      ["acknowledged", "analyst"],
      ["assigned", "analyst"],
      ["comment", "analyst"],
      ["resolved", "analyst"],
    ]);
    expect(published.messages.at(-1)).toMatchObject({ type: "alert_updated", alert: { state: "resolved" } });

    const reopened = await call("POST", `/api/v1/alerts/${paris.id}/reopen`, "analyst");
    expect(reopened.json().state).toBe("new");
    const badBody = await call("POST", `/api/v1/alerts/${paris.id}/resolve`, "analyst", {
      resolution: "fixed",
    });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().errors[0].field).toBe("body/resolution");
  });

  it("counts alerts in stats", async () => {
    const stats = (await call("GET", "/api/v1/alerts/stats", "audit")).json();
    expect(stats).toMatchObject({ open: 2, last_24h: 2, by_severity: { critical: 1, high: 1 } });
    expect(stats.by_state.new).toBe(2);
  });

  it("shows a site-bound read key only its site's alerts", async () => {
    const res = await call("POST", "/api/v1/api-keys", "admin", {
      name: "lyon-siem",
      scopes: ["read"],
      site: "lyon",
    });
    expect(res.statusCode).toBe(201);
    const key = { token: (res.json() as { key: string }).key };
    const items = (await call("GET", "/api/v1/alerts", key)).json().items.map((a: Alert) => a.id);
    expect(items).toEqual([lyon.id]);
    expect((await call("GET", `/api/v1/alerts/${paris.id}`, key)).statusCode).toBe(404);
    expect((await call("GET", `/api/v1/alerts/${lyon.id}`, key)).statusCode).toBe(200);
    expect((await call("GET", "/api/v1/alerts/stats", key)).json().open).toBe(1);
    expect((await call("POST", `/api/v1/alerts/${lyon.id}/acknowledge`, key)).statusCode).toBe(403);
  });

  it("documents the routes under the alerts tag", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/api/docs/json" })).json() as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    expect(doc.paths["/api/v1/alerts/{id}/escalate"]?.post?.tags).toEqual(["alerts"]);
  });
});
