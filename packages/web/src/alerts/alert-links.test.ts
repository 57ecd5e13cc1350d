import { describe, expect, it } from "vitest";
import { filtersFromSearch } from "../filters/filters.js";
import { explorerLink } from "./alert-links.js";

describe("alert → explorer link", () => {
  it("opens the explorer on the alert's span, site and source IP", () => {
    const link = explorerLink({
      site: "paris",
      group_by: "src_ip",
      group_value: "203.0.113.9",
      first_seen: "2024-05-01T12:00:00.000Z",
      last_seen: "2024-05-01T12:00:40.000Z",
    });
    expect(link.startsWith("/events?")).toBe(true);
    const f = filtersFromSearch(new URLSearchParams(link.slice("/events?".length)));
    expect(f.range).toBe("custom");
    expect(f.from).toBe("2024-05-01T11:59:00.000Z");
    expect(f.to).toBe("2024-05-01T12:01:40.000Z");
    expect(f.site).toBe("paris");
    expect(f.src_ip).toBe("203.0.113.9");
  });

  it("leaves out a group the explorer cannot filter on (a user name)", () => {
    const link = explorerLink({
      site: "",
      group_by: "user",
      group_value: "alice",
      first_seen: "2024-05-01T12:00:00.000Z",
      last_seen: "2024-05-01T12:00:00.000Z",
    });
    expect(link).not.toContain("alice");
    expect(link).not.toContain("site=");
  });
});
