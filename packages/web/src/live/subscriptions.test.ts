import { describe, expect, it } from "vitest";
import { mergeInterests, topicOfType } from "./subscriptions.js";

describe("live subscriptions", () => {
  it("asks for nothing when nothing is mounted", () => {
    expect(mergeInterests([])).toEqual({ topics: [], sites: [], min_severity: null });
  });

  it("a page without events asks for no events", () => {
    expect(mergeInterests([{ topics: ["alerts"] }, { topics: ["bans"] }])).toEqual({
      topics: ["alerts", "bans"],
      sites: [],
      min_severity: null,
    });
  });

  it("widens the event rooms to fit every listener: sites united, any all-sites wins, lowest severity", () => {
    const paris = { topics: ["events"] as const, sites: ["paris"], minSeverity: "high" };
    const lyon = { topics: ["events"] as const, sites: ["lyon"], minSeverity: "medium" };
    expect(mergeInterests([paris, lyon])).toEqual({
      topics: ["events"],
      sites: ["lyon", "paris"],
      min_severity: "medium",
    });
    expect(mergeInterests([paris, { topics: ["events"], sites: [""] }])).toEqual({
      topics: ["events"],
      sites: [],
      min_severity: null,
    });
  });

  it("knows the topic of each message type the server sends", () => {
    expect(topicOfType("new_ban")).toBe("bans");
    expect(topicOfType("alert_updated")).toBe("alerts");
    expect(topicOfType("hello")).toBeUndefined();
  });
});
