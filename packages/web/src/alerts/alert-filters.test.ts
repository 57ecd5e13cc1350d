import { describe, expect, it } from "vitest";
import { alertFiltersFromSearch, alertFiltersToApi, alertFiltersToSearch } from "./alert-filters.js";

describe("alert list filters in the URL", () => {
  it("shows the open alerts when the URL names no state", () => {
    const f = alertFiltersFromSearch(new URLSearchParams(""));
    expect(f.state).toEqual(["new", "acknowledged", "investigating"]);
    expect(alertFiltersToSearch(f).toString()).toBe("");
    expect(alertFiltersToApi(f).get("state")).toBe("new,acknowledged,investigating");
  });

  it("state=all shows every state and asks the server for no state filter", () => {
    const f = alertFiltersFromSearch(new URLSearchParams("state=all"));
    expect(f.state).toEqual([]);
    expect(alertFiltersToSearch(f).get("state")).toBe("all");
    expect(alertFiltersToApi(f).has("state")).toBe(false);
  });

  it("round-trips every filter and drops values it does not know", () => {
    const search = new URLSearchParams(
      "state=resolved,bogus&severity=critical,high,loud&site=paris&rule=Firewall%20drop%20surge&assignee=bob&q=10.0.0.1",
    );
    const f = alertFiltersFromSearch(search);
    expect(f).toEqual({
      state: ["resolved"],
      severity: ["critical", "high"],
      site: "paris",
      rule: "Firewall drop surge",
      assignee: "bob",
      q: "10.0.0.1",
    });
    expect(alertFiltersFromSearch(alertFiltersToSearch(f))).toEqual(f);
    expect(alertFiltersToApi(f).toString()).toBe(
      "state=resolved&severity=critical%2Chigh&site=paris&rule=Firewall+drop+surge&assignee=bob&q=10.0.0.1",
    );
  });
});
