import { describe, expect, it } from "vitest";
import type { Source } from "../api/types.js";
import { groupSources } from "./source-groups.js";

let n = 0;
function src(over: Partial<Source>): Source {
  n++;
  return {
    id: `id-${n}`,
    match_type: "ip",
    match_value: `192.0.2.${n}`,
    site: "default",
    timezone: "UTC",
    name: "",
    last_seen: null,
    registered: false,
    via: "",
    event_count: 1,
    ...over,
  };
}

describe("groupSources", () => {
  it("lists the hostnames and serials seen behind an address under it, serials first", () => {
    const relay = src({ match_value: "10.0.0.1", registered: true, site: "paris" });
    const host = src({ match_type: "hostname", match_value: "fw-lyon", via: "10.0.0.1" });
    const serial = src({ match_type: "serial", match_value: "x2300", via: "10.0.0.1", registered: true });
    const other = src({ match_value: "10.0.0.2", registered: true, last_seen: "2024-05-01T00:00:00Z" });
    const manual = src({ match_type: "hostname", match_value: "typed-in", registered: true });
    const groups = groupSources([other, host, relay, manual, serial]);
    // The relay carries an unassigned device, so it comes before the fully assigned address.
    expect(groups.map((g) => g.sender?.match_value ?? null)).toEqual(["10.0.0.1", "10.0.0.2", null]);
    expect(groups[0]?.devices.map((d) => d.match_value)).toEqual(["x2300", "fw-lyon"]);
    expect(groups[1]?.devices).toEqual([]);
    expect(groups[2]?.devices.map((d) => d.match_value)).toEqual(["typed-in"]);
  });
});
