import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { Event } from "../ingest/event.js";
import { finishEvent } from "../ingest/normalise.js";
import { createDetectionEngine, pinnedValues } from "./engine.js";
import { compileFilter, FilterError } from "./filter.js";
import { parseScenarioYaml, ScenarioYamlError } from "./scenario-yaml.js";
import { testScenario } from "./test-scenarios.js";
import type { Detection, Scenario } from "./types.js";

const T0 = Date.now();

function ev(d: Partial<Event>): Event {
  return finishEvent(
    { source_type: "nginx", raw_log: "", log_type: "Web", ...d },
    { site: "test", sender: "192.0.2.1" },
    null,
    T0,
  );
}

function run(scenarios: Scenario[], events: Event[]): Detection[] {
  const fired: Detection[] = [];
  createDetectionEngine({ scenarios, onDetection: (d) => fired.push(d), maxSkewMs: null }).process(events);
  return fired;
}

const yaml = (detection: string) =>
  `name: t\nseverity: high\nlabels: [T1110]\ndetection:\n${detection}\naction:\n  type: ban\n`;

describe("engine features for the scenario library", () => {
  it("a trigger acts on its first matching event and needs no threshold or window", () => {
    const s = parseScenarioYaml(yaml("  type: trigger\n  filter: { url: { contains: '${jndi:' } }"));
    expect(s.detection).toMatchObject({ threshold: 1, mode: "trigger", windowMs: 60_000 });
    const fired = run([s], [ev({ src_ip: "203.0.113.5", url: "/?x=${jndi:ldap://e/a}", timestamp: T0 })]);
    expect(fired.map((d) => d.value)).toEqual(["203.0.113.5"]);
    expect(() =>
      parseScenarioYaml(yaml("  type: trigger\n  threshold: 3\n  filter: { log_type: Web }")),
    ).toThrow(/t.yaml|scenario.yaml:\d+: detection.threshold: a trigger acts on one event/);
  });

  it("a leaky bucket fires on a burst but never on a steady trickle below its leak rate", () => {
    const s = parseScenarioYaml(
      yaml("  type: leaky\n  leak: 10s\n  threshold: 5\n  filter: { http_status: 401 }"),
    );
    expect(s.detection).toMatchObject({ mode: "leaky", leakMs: 10_000, windowMs: 50_000 });
    // One 401 every 12 s for an hour: each leaks out before the next arrives.
    const trickle = Array.from({ length: 300 }, (_, i) =>
      ev({ src_ip: "198.51.100.1", http_status: 401, timestamp: T0 + i * 12_000 }),
    );
    // Five 401s in two seconds.
    const burst = Array.from({ length: 5 }, (_, i) =>
      ev({ src_ip: "198.51.100.2", http_status: 401, timestamp: T0 + i * 500 }),
    );
    expect(
      run(
        [s],
        [...trickle, ...burst].sort((a, b) => a.timestamp - b.timestamp),
      ).map((d) => d.value),
    ).toEqual(["198.51.100.2"]);
    expect(() =>
      parseScenarioYaml(yaml("  type: leaky\n  threshold: 5\n  filter: { log_type: Web }")),
    ).toThrow(/detection.leak/);
  });

  it("matches the referer and the sender's metadata (headers) as text fields", () => {
    const f = compileFilter({
      any: [{ referer: { contains: "${jndi:" } }, { "metadata.x-api-version": { contains: "${jndi:" } }],
    });
    expect(f(ev({ metadata: { referer: "${jndi:ldap://a/b}" } }))).toBe(true);
    expect(f(ev({ metadata: { "x-api-version": "${JNDI:rmi://a/b}" } }))).toBe(true);
    expect(f(ev({ url: "/" }))).toBe(false);
    expect(() => compileFilter({ "metadata.": "x" })).toThrow(FilterError);
  });

  it("refuses a regex that could backtrack catastrophically, naming file, line and construct", () => {
    expect(() => compileFilter({ url: { regex: "(a+)+$" } })).toThrow(/nests quantifiers/);
    expect(() => compileFilter({ url: { regex: "(\\w)\\1" } })).toThrow(/back-reference/);
    expect(() => compileFilter({ url: { regex: "union.{0,40}select|\\.\\./" } })).not.toThrow();
    try {
      parseScenarioYaml(yaml("  threshold: 1\n  window: 1m\n  filter:\n    url: { regex: '(.*a){12}' }"), {
        file: "scenarios/bad.yaml",
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ScenarioYamlError);
      expect((err as Error).message).toMatch(
        /^scenarios\/bad\.yaml:8: detection\.filter\.url\.regex: .*nests quantifiers/,
      );
    }
    // A long hostile value is only read up to the limit: a match past it is not seen.
    const tail = compileFilter({ url: { regex: "evil$" } });
    expect(tail(ev({ url: `/${"a".repeat(10_000)}evil` }))).toBe(false);
  });

  it("indexes scenarios by the log type, source type and action their filters pin", () => {
    expect(pinnedValues({ log_type: "SSH", category: "authentication" }, "log_type")).toEqual(
      new Set(["SSH"]),
    );
    expect(pinnedValues({ log_type: { in: ["WAF", "IPS"] } }, "log_type")).toEqual(new Set(["WAF", "IPS"]));
    expect(pinnedValues({ all: [{ source_type: "sshd" }] }, "source_type")).toEqual(new Set(["sshd"]));
    expect(pinnedValues({ any: [{ log_type: "SSH" }, { log_type: "Web" }] }, "log_type")).toBeNull();
    const ssh = testScenario("ssh", { log_type: "SSH" }, 1, 60_000);
    const web = testScenario("web", { log_type: "Web", action: "reject" }, 1, 60_000);
    const all = testScenario("all", { src_ip: { cidr: "203.0.113.0/24" } }, 1, 60_000);
    const fired = run(
      [ssh, web, all],
      [
        ev({ log_type: "SSH", source_type: "sshd", src_ip: "203.0.113.1", timestamp: T0 }),
        ev({ log_type: "Web", action: "", src_ip: "203.0.113.2", timestamp: T0 }),
        ev({ log_type: "Web", action: "reject", src_ip: "203.0.113.3", timestamp: T0 }),
      ],
    );
    expect(fired.map((d) => `${d.scenario}:${d.value}`)).toEqual([
      "ssh:203.0.113.1",
      "all:203.0.113.1",
      "all:203.0.113.2",
      "web:203.0.113.3",
      "all:203.0.113.3",
    ]);
  });

  it("keeps memory bounded for a 6-hour window over 100,000 source IPs", () => {
    const s = testScenario("slow", { log_type: "SSH" }, 20, 6 * 3_600_000);
    const engine = createDetectionEngine({ scenarios: [s], onDetection: () => {}, maxSkewMs: null });
    // A real collection before each reading, so the figure is what the engine holds, not garbage.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    // 100,000 sources, 5 failures each, spread over 5 hours: every key stays inside its window.
    for (let round = 0; round < 5; round++) {
      const batch: Event[] = [];
      for (let i = 0; i < 100_000; i++) {
        batch.push(
          ev({
            log_type: "SSH",
            source_type: "sshd",
            src_ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
            timestamp: T0 + round * 3_600_000 + i,
          }),
        );
      }
      engine.process(batch);
    }
    gc();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1048576;
    expect(engine.stats().keys).toBe(100_000);
    // O(threshold) per key: at most threshold-1 times and 5 event ids each, whatever the window
    // (measured ~1 KB per key, ~100 MB here).
    console.log(`6 h window, 100,000 keys: heap grew ${grownMb.toFixed(1)} MB`);
    expect(grownMb).toBeLessThan(160);
    // More sources than the cap: the oldest keys go, the count stays at the cap.
    const capped = createDetectionEngine({
      scenarios: [s],
      onDetection: () => {},
      maxSkewMs: null,
      maxKeysPerScenario: 1000,
    });
    capped.process(
      Array.from({ length: 5000 }, (_, i) =>
        ev({ log_type: "SSH", src_ip: `10.9.${i >> 8}.${i & 255}`, timestamp: T0 + i }),
      ),
    );
    expect(capped.stats().keys).toBe(1000);
  });
});
