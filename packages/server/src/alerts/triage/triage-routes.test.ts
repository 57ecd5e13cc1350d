import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventRoutes } from "../../events/event-routes.js";
import { makeEvent, toJsonEachRow } from "../../events/test-events.js";
import { openTestApp, type TestApp } from "../../http/app-test-support.js";
import { silentLog } from "../../storage/clickhouse-log.js";
import type { EventStore } from "../../storage/event-store.js";
import { createEventStore } from "../../storage/event-store-factory.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { addUser } from "../alert-test-support.js";
import { triageRoutes } from "./triage-routes.js";

const dir = mkdtempSync(join(tmpdir(), "vigil-triage-"));
const NOW = Date.now();
let store: EventStore;
// The routes get their own state store: the test app builds its store after the features exist.
let state: TestStateStore;
let t: TestApp;
const [first, second] = [makeEvent({ timestamp: NOW - 2000 }), makeEvent({ timestamp: NOW - 1000 })];
const missing = "0190a0a0-0000-7000-8000-000000000001";

type Who = "audit" | "analyst" | "admin";
const patch = (id: string, payload: object, who: Who = "analyst") =>
  t.app.inject({ method: "PATCH", url: `/api/v1/events/${id}/status`, headers: t.as(who), payload });
const get = async (url: string) =>
  (await t.app.inject({ method: "GET", url, headers: t.as("audit") })).json();

beforeAll(async () => {
  store = await createEventStore({
    dataDir: dir,
    log: silentLog,
    retention: { eventsDays: 30, modsecDays: 30 },
  });
  await store.insertJsonEachRow("events", toJsonEachRow([first, second].filter((e) => e !== undefined)));
  state = await openTestStateStore();
  await addUser(state.store.db, "bob");
  await addUser(state.store.db, "gone", false);
  const db = state.store.db;
  t = await openTestApp({
    features: [
      eventRoutes({ eventStore: store, db, now: () => NOW + 1 }),
      triageRoutes({ db, eventStore: store }),
    ],
  });
});

afterAll(async () => {
  await t?.close();
  await state?.dispose();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("event triage", () => {
  it("sets an event's status and assignee, and the events list and detail show it", async () => {
    if (!first || !second) throw new Error("fixtures");
    const res = await patch(first.event_id, { status: "investigating", assigned_to: "bob" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      event_id: first.event_id,
      status: "investigating",
      assigned_to: "bob",
      updated_by: "analyst",
    });

    const list = await get("/api/v1/events");
    const byId = new Map(
      list.items.map((e: { event_id: string; triage: unknown }) => [e.event_id, e.triage]),
    );
    expect(byId.get(first.event_id)).toEqual({ status: "investigating", assigned_to: "bob" });
    expect(byId.get(second.event_id)).toBeNull();

    // A later change keeps what it does not name.
    const resolved = await patch(first.event_id, { status: "resolved" });
    expect(resolved.json()).toMatchObject({ status: "resolved", assigned_to: "bob" });
    const unassigned = await patch(first.event_id, { assigned_to: null });
    expect(unassigned.json()).toMatchObject({ status: "resolved", assigned_to: null });
    expect((await get(`/api/v1/events/${first.event_id}`)).event.triage).toEqual({
      status: "resolved",
      assigned_to: null,
    });
    // Assigning an event never triaged starts it as "new".
    expect((await patch(second.event_id, { assigned_to: "bob" })).json()).toMatchObject({
      status: "new",
      assigned_to: "bob",
    });
  });

  it("refuses bad input with a 400 naming the field, unknown events with 404, audit users with 403", async () => {
    if (!first) throw new Error("fixtures");
    const badStatus = await patch(first.event_id, { status: "closed" });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().errors[0].field).toBe("body/status");
    const empty = await patch(first.event_id, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0]).toEqual({ field: "body/status", message: "or assigned_to is required" });
    const unknownUser = await patch(first.event_id, { assigned_to: "gone" });
    expect(unknownUser.statusCode).toBe(400);
    expect(unknownUser.json().errors[0]).toEqual({
      field: "body/assigned_to",
      message: '"gone" is not an active user',
    });
    expect((await patch(missing, { status: "resolved" })).statusCode).toBe(404);
    expect((await patch("not-a-uuid", { status: "resolved" })).statusCode).toBe(404);
    expect((await patch(first.event_id, { status: "new" }, "audit")).statusCode).toBe(403);
  });
});
