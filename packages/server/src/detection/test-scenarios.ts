import type { Filter, Scenario } from "./types.js";

/** A scenario for tests: counts `threshold` events of `filter` per src_ip within `windowMs`. */
export function testScenario(
  name: string,
  filter: Filter,
  threshold: number,
  windowMs: number,
  extra: { distinct?: string; action?: "ban" | "alert"; group_by?: string } = {},
): Scenario {
  return {
    name,
    description: "",
    enabled: true,
    severity: "high",
    labels: ["T1110"],
    detection: {
      source: "events",
      filter,
      threshold,
      windowMs,
      group_by: extra.group_by ?? "src_ip",
      ...(extra.distinct ? { distinct: extra.distinct } : {}),
    },
    action: { type: extra.action ?? "ban", validate_threat: false },
    origin: "api",
  };
}
