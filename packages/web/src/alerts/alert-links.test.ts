import { describe, expect, it } from "vitest";
import { filtersFromSearch } from "../filters/filters.js";
import { alertExplorer, durationMs, explorerLink } from "./alert-links.js";

const parse = (href: string) => {
  expect(href.startsWith("/events?")).toBe(true);
  return filtersFromSearch(new URLSearchParams(href.slice("/events?".length)));
};

describe("alert → explorer link", () => {
  it("opens the events that raised a rule alert: its filter and group value over its window", () => {
    const { href, unapplied } = alertExplorer({
      site: "paris",
      group_by: "src_ip",
      group_value: "203.0.113.9",
      first_seen: "2024-05-01T12:00:30.000Z",
      last_seen: "2024-05-01T12:00:40.000Z",
      details: { window: "1m", filter: { log_type: "Firewall", action: "drop" }, sites: [] },
    });
    const f = parse(href);
    expect(f.range).toBe("custom");
    expect(f.from).toBe("2024-05-01T11:59:40.000Z");
    expect(f.to).toBe("2024-05-01T12:00:41.000Z");
    expect(f).toMatchObject({ site: "paris", src_ip: "203.0.113.9", log_type: "Firewall", action: "drop" });
    expect(unapplied).toEqual([]);
  });

  it("applies severity lists, `in` lists, CIDRs and text, and names what the explorer cannot apply", () => {
    const { href, unapplied } = alertExplorer({
      site: "",
      group_by: "site",
      group_value: "lyon",
      first_seen: "2024-05-01T12:00:00.000Z",
      last_seen: "2024-05-01T12:00:00.000Z",
      details: {
        window: "5m",
        filter: {
          severity: { in: ["critical", "high"] },
          log_type: { in: ["IPS", "ATP"] },
          src_ip: { cidr: "203.0.113.0/24" },
          message: { contains: "failed" },
          sub_category: "Authentication",
          event_type: "port_scan",
        },
      },
    });
    const f = parse(href);
    expect(f).toMatchObject({
      site: "lyon",
      log_type: "IPS,ATP",
      src_ip: "203.0.113.0/24",
      q: "failed",
      event_type: "port_scan",
    });
    expect(f.severity).toEqual(["critical", "high"]);
    expect(unapplied).toEqual(["sub_category = Authentication"]);
  });

  it("falls back to the span with a minute either side when the alert has no window", () => {
    const f = parse(
      explorerLink({
        site: "",
        group_by: "user",
        group_value: "alice",
        first_seen: "2024-05-01T12:00:00.000Z",
        last_seen: "2024-05-01T12:00:00.000Z",
      }),
    );
    expect(f.from).toBe("2024-05-01T11:59:00.000Z");
    expect(f.to).toBe("2024-05-01T12:01:00.000Z");
    expect(f.site).toBe("");
    expect(
      alertExplorer({
        site: "",
        group_by: "user",
        group_value: "alice",
        first_seen: "2024-05-01T12:00:00.000Z",
        last_seen: "2024-05-01T12:00:00.000Z",
      }).unapplied,
    ).toEqual(["user = alice"]);
  });

  it("reads rule windows", () => {
    expect(durationMs("30s")).toBe(30_000);
    expect(durationMs("5m")).toBe(300_000);
    expect(durationMs(90_000)).toBe(90_000);
    expect(durationMs("soon")).toBeNull();
  });
});
