import { describe, expect, it } from "vitest";
import type { ApiEvent } from "../api/types.js";
import { eventFieldGroups } from "./event-fields.js";

const base = {
  event_id: "0190f000-0000-7000-8000-000000000001",
  timestamp: "2024-05-01T12:00:00.000Z",
  site: "lyon-03",
  severity: "high",
  log_type: "Firewall",
  event_type: "port_scan",
  message: "Port scan detected",
  metadata: { scanner: "nmap", ports: "[22,80]" },
} as unknown as ApiEvent;

describe("eventFieldGroups", () => {
  it("shows the event type as a filter pivot and the sender's metadata, sorted by key", () => {
    const groups = eventFieldGroups(base);
    const eventRows = groups.find((g) => g.title === "Event")?.rows ?? [];
    expect(eventRows).toContainEqual({
      label: "Event type",
      value: "port_scan",
      filter: { key: "event_type", value: "port_scan" },
    });
    expect(groups.find((g) => g.title === "Metadata")?.rows).toEqual([
      { label: "ports", value: "[22,80]" },
      { label: "scanner", value: "nmap" },
    ]);
  });

  it("leaves the metadata group out when there is none", () => {
    const groups = eventFieldGroups({ ...base, metadata: {} });
    expect(groups.map((g) => g.title)).not.toContain("Metadata");
  });
});
