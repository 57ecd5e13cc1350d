import { describe, expect, it } from "vitest";
import { allowedVerbs, describeAction, formatAge, isOpen } from "./alert-format.js";
import type { AlertAction } from "./alert-types.js";

const action = (kind: AlertAction["action"], detail: Record<string, unknown> = {}): AlertAction => ({
  id: "1",
  alert_id: "a",
  at: "2024-05-01T12:00:00.000Z",
  actor: "alice",
  action: kind,
  detail,
});

describe("alert actions offered", () => {
  it("offers acknowledge only while the alert is new", () => {
    expect(allowedVerbs("new")).toContain("acknowledge");
    expect(allowedVerbs("acknowledged")).not.toContain("acknowledge");
    expect(allowedVerbs("investigating")).toContain("resolve");
  });

  it("offers only reopen once an alert is closed, either way", () => {
    expect(allowedVerbs("resolved")).toEqual(["reopen"]);
    expect(allowedVerbs("false_positive")).toEqual(["reopen"]);
    expect(isOpen("resolved")).toBe(false);
    expect(isOpen("investigating")).toBe(true);
  });
});

describe("alert age", () => {
  const now = Date.parse("2024-05-01T12:00:00Z");
  it("reads in the largest whole unit", () => {
    expect(formatAge("2024-05-01T11:59:18Z", now)).toBe("42 s");
    expect(formatAge("2024-05-01T11:55:00Z", now)).toBe("5 min");
    expect(formatAge("2024-05-01T09:00:00Z", now)).toBe("3 h");
    expect(formatAge("2024-04-27T12:00:00Z", now)).toBe("4 d");
  });
  it("never goes negative when clocks differ a little", () => {
    expect(formatAge("2024-05-01T12:00:03Z", now)).toBe("0 s");
    expect(formatAge("not a date", now)).toBe("");
  });
});

describe("timeline lines", () => {
  it("says who it was assigned or escalated to, and the note", () => {
    expect(describeAction(action("assigned", { user: "bob" }))).toBe("Assigned to bob");
    expect(describeAction(action("escalated", { user: "carol", note: "need network team" }))).toBe(
      "Escalated to carol: need network team",
    );
    expect(describeAction(action("escalated", { auto: true, users: [] }))).toBe("Escalated automatically");
  });
  it("shows comments as written and delivery failures with their reason", () => {
    expect(describeAction(action("comment", { comment: "blocked at the edge" }))).toBe("blocked at the edge");
    expect(describeAction(action("notify_failed", { channel: "ops-slack", error: "HTTP 500" }))).toBe(
      "Notification to ops-slack failed: HTTP 500",
    );
    expect(describeAction(action("false_positive", {}))).toBe("Marked as false positive");
  });
});
