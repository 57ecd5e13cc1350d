import { describe, expect, it } from "vitest";
import { newCounters } from "../ingest/syslog/types.js";
import type { TableWriterStats } from "../ingest/table-writer.js";
import { type SystemSnapshot, systemAlerts } from "./system-alerts.js";

function writer(queued: number, lagMs = 0): TableWriterStats {
  return { table: "events", queued, stored: 0, deadLettered: 0, failedFlushes: 0, lagMs, lastFlushMs: 0 };
}

function snapshot(over: Partial<SystemSnapshot> = {}): SystemSnapshot {
  const tcp = { ...newCounters("tcp", "tcp"), up: true, port: 5514 };
  const udp = { ...newCounters("udp", "udp"), up: true, port: 5514 };
  return { listeners: [tcp, udp], writers: [writer(0)], maxQueued: 80_000, deadLettered: 0, ...over };
}

describe("system alerts", () => {
  it("a healthy Vigil raises nothing", () => {
    expect(systemAlerts(snapshot(), snapshot())).toEqual([]);
  });

  it("a listener that stopped serving is a critical alert naming it", () => {
    const down = { ...newCounters("udp", "udp"), up: false, port: 5514 };
    const [a] = systemAlerts(snapshot({ listeners: [down] }), null);
    expect(a).toMatchObject({ rule_name: "system:listener_down", severity: "critical", group_value: "udp" });
    expect(a?.title).toContain("udp");
  });

  it("a write queue over 80 % full, or batches waiting over 30 s, is ingest falling behind", () => {
    expect(systemAlerts(snapshot({ writers: [writer(70_000)] }), null)[0]).toMatchObject({
      rule_name: "system:ingest_behind",
      group_value: "events",
      count: 70_000,
    });
    expect(systemAlerts(snapshot({ writers: [writer(100, 45_000)] }), null)).toHaveLength(1);
    expect(systemAlerts(snapshot({ writers: [writer(60_000, 1_000)] }), null)).toEqual([]);
  });

  it("rows newly dead-lettered since the last check raise one alert with their number", () => {
    const [a] = systemAlerts(snapshot({ deadLettered: 12 }), snapshot({ deadLettered: 2 }));
    expect(a).toMatchObject({ rule_name: "system:dead_letter", count: 10 });
    expect(systemAlerts(snapshot({ deadLettered: 12 }), snapshot({ deadLettered: 12 }))).toEqual([]);
  });

  it("every system alert carries a cooldown so a lasting problem does not flood the channels", () => {
    const down = { ...newCounters("tcp", "tcp"), up: false };
    const all = systemAlerts(
      snapshot({ listeners: [down], writers: [writer(79_000)], deadLettered: 5 }),
      snapshot(),
    );
    expect(all).toHaveLength(3);
    for (const a of all) expect(a.cooldownMs).toBeGreaterThanOrEqual(60 * 60_000);
  });
});
