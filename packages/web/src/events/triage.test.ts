import { describe, expect, it } from "vitest";
import type { ApiEvent } from "../api/types.js";
import { triageOf, withTriage } from "./triage.js";

const event = (triage: unknown) => ({ event_id: "e1", triage }) as unknown as ApiEvent;

describe("event triage", () => {
  it("reads the status and assignee the events API attaches", () => {
    expect(triageOf(event({ status: "investigating", assigned_to: "bob" }))).toEqual({
      status: "investigating",
      assigned_to: "bob",
    });
    expect(triageOf(event({ status: "resolved", assigned_to: null }))?.assigned_to).toBeNull();
  });

  it("treats an untriaged event, or an unknown status, as untriaged", () => {
    expect(triageOf(event(null))).toBeNull();
    expect(triageOf(event(undefined))).toBeNull();
    expect(triageOf(event({ status: "closed" }))).toBeNull();
  });

  it("patches only the event that changed", () => {
    const rows = [{ event_id: "e1" }, { event_id: "e2" }];
    const next = rows.map((r) => withTriage(r, "e2", { status: "resolved", assigned_to: null }));
    expect(next[0]).toBe(rows[0]);
    expect(next[1]).toEqual({ event_id: "e2", triage: { status: "resolved", assigned_to: null } });
  });
});
