import { describe, expect, it } from "vitest";
import { loudAlert } from "./alert-live.js";

const alert = (severity: string) => ({ id: "a1", severity, title: "Firewall drop surge on paris" });

describe("alert toasts", () => {
  it("toast a newly raised critical or high alert", () => {
    expect(loudAlert({ type: "alert", data: alert("critical") })?.id).toBe("a1");
    expect(loudAlert({ type: "alert", data: alert("high") })?.id).toBe("a1");
  });
  it("stay quiet for lower severities, for updates of known alerts, and for malformed messages", () => {
    expect(loudAlert({ type: "alert", data: alert("medium") })).toBeNull();
    expect(loudAlert({ type: "alert_updated", data: alert("critical") })).toBeNull();
    expect(loudAlert({ type: "alert", data: { id: 3 } })).toBeNull();
    expect(loudAlert({ type: "new_ban", data: alert("critical") })).toBeNull();
  });
});
