import { describe, expect, it } from "vitest";
import { makeEvent } from "../events/test-events.js";
import type { Event } from "../ingest/event.js";
import { createDetectionEngine } from "./engine.js";
import { testScenario } from "./test-scenarios.js";
import type { Detection } from "./types.js";

const T0 = Date.UTC(2026, 4, 18, 12, 0, 0);
const SSH = testScenario("ssh", { log_type: "SSH" }, 5, 120_000);
const SCAN = testScenario("scan", { action: "drop" }, 20, 60_000, { distinct: "dst_port" });

/** Events from a registered source (Event.arrival trusted); makeEvent alone says nothing of the sender. */
const registered = { arrival: { channel: "udp", trusted: true } } as const;

function ssh(ip: string, at: number, from: Partial<Event> = registered): Event {
  return makeEvent({ log_type: "SSH", src_ip: ip, timestamp: at, ...from });
}

function setup(
  scenarios = [SSH],
  extra: { maxKeysPerScenario?: number; thresholdFor?: (s: typeof SSH, e: Event) => number | undefined } = {},
) {
  const fired: Detection[] = [];
  let clock = T0;
  const engine = createDetectionEngine({
    scenarios,
    onDetection: (d) => fired.push(d),
    now: () => clock,
    ...extra,
  });
  return { engine, fired, setClock: (t: number) => (clock = t) };
}

describe("detection engine", () => {
  it("lets a key take its own threshold from its first event (a hostile source fires at once)", () => {
    const { engine, fired } = setup([SSH], {
      thresholdFor: (_s, e) => (e.geo_country === "KP" ? 1 : undefined),
    });
    engine.process([
      makeEvent({ log_type: "SSH", src_ip: "203.0.113.66", geo_country: "KP", timestamp: T0, ...registered }),
    ]);
    engine.process([ssh("198.51.100.9", T0 + 1000)]);
    expect(fired.map((d) => [d.value, d.threshold, d.count])).toEqual([["203.0.113.66", 1, 1]]);
    const kept = engine.snapshot().scenarios[0]?.keys.find(([k]) => k.endsWith("\u0001203.0.113.66"));
    expect(kept?.[1].threshold).toBe(1);
  });

  it("keeps each site's windows apart: an attacker on two sites is detected on each, never by adding them up", () => {
    const { engine, fired } = setup();
    const at = (site: string, i: number) => ({ ...ssh("203.0.113.70", T0 + i * 1000), site });
    // Three attempts on each of two sites: below the threshold on each, so nothing fires.
    engine.process([0, 1, 2].flatMap((i) => [at("acme-paris", i), at("globex-lyon", i)]));
    expect(fired).toEqual([]);
    engine.process([3, 4, 5].map((i) => at("acme-paris", i)));
    engine.process([3, 4, 5].map((i) => at("globex-lyon", i)));
    expect(fired.map((d) => [d.value, d.site])).toEqual([
      ["203.0.113.70", "acme-paris"],
      ["203.0.113.70", "globex-lyon"],
    ]);
  });

  it("counts unregistered senders' events in windows of their own: they neither feed nor latch trusted ones", () => {
    const { engine, fired } = setup();
    const forged = { arrival: { channel: "udp", trusted: false }, sender: "198.51.100.66" } as const;
    // Four forged + four real lines about one IP: neither window reaches 5.
    for (let i = 0; i < 4; i++) engine.process([ssh("203.0.113.8", T0 + i * 1000, forged)]);
    for (let i = 0; i < 4; i++) engine.process([ssh("203.0.113.8", T0 + 5000 + i * 1000)]);
    expect(fired).toEqual([]);
    // A fifth forged line fires the untrusted window only, and says so; the real one fires on its own.
    engine.process([ssh("203.0.113.8", T0 + 10_000, forged)]);
    engine.process([ssh("203.0.113.8", T0 + 11_000)]);
    expect(fired.map((d) => [d.value, d.trusted, d.channel, d.sender])).toEqual([
      ["203.0.113.8", false, "udp", "198.51.100.66"],
      ["203.0.113.8", true, "udp", "192.0.2.1"],
    ]);
    // An event that says nothing of how it came in is not trusted.
    for (let i = 0; i < 5; i++) engine.process([ssh("203.0.113.9", T0 + i * 1000, {})]);
    expect(fired.at(-1)).toMatchObject({ value: "203.0.113.9", trusted: false, channel: "" });
  });

  it("fires when the threshold is crossed inside the sliding window, with context", () => {
    const { engine, fired } = setup();
    const events = [0, 10, 20, 30].map((s) => ssh("198.51.100.7", T0 + s * 1000));
    engine.process(events);
    expect(fired).toHaveLength(0);
    const fifth = ssh("198.51.100.7", T0 + 40_000);
    engine.process([fifth]);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      scenario: "ssh",
      action: "ban",
      value: "198.51.100.7",
      count: 5,
      first_seen: T0,
      last_seen: T0 + 40_000,
    });
    expect(fired[0]?.event_ids.at(-1)).toBe(fifth.event_id);
  });

  it("slides: events spread wider than the window never fire", () => {
    const { engine, fired, setClock } = setup();
    for (let i = 0; i < 20; i++) {
      setClock(T0 + i * 31_000);
      engine.process([ssh("198.51.100.7", T0 + i * 31_000)]);
    }
    expect(fired).toHaveLength(0);
    // ...but the last 5 of a faster run do.
    setClock(T0 + 700_000);
    engine.process([0, 1, 2, 3, 4].map((i) => ssh("198.51.100.7", T0 + 650_000 + i * 10_000)));
    expect(fired).toHaveLength(1);
  });

  it("fires once per attack, and again only after the key was quiet for a whole window", () => {
    const { engine, fired, setClock } = setup();
    for (let i = 0; i < 50; i++) engine.process([ssh("198.51.100.7", T0 + i * 1000)]);
    expect(fired).toHaveLength(1);
    // Still attacking steadily (every 60 s < window): still one detection.
    for (let i = 1; i <= 5; i++) {
      setClock(T0 + 49_000 + i * 60_000);
      engine.process([ssh("198.51.100.7", T0 + 49_000 + i * 60_000)]);
    }
    expect(fired).toHaveLength(1);
    // Comes back after a quiet window: a new detection.
    const back = T0 + 49_000 + 5 * 60_000 + 121_000;
    setClock(back + 5000);
    engine.process([0, 1, 2, 3, 4].map((i) => ssh("198.51.100.7", back + i * 1000)));
    expect(fired).toHaveLength(2);
  });

  it("keys are independent; empty group values are ignored", () => {
    const { engine, fired } = setup();
    const batch: Event[] = [];
    for (let i = 0; i < 4; i++) for (const ip of ["192.0.2.1", "192.0.2.2", ""]) batch.push(ssh(ip, T0 + i));
    engine.process(batch);
    expect(fired).toHaveLength(0);
    engine.process([ssh("192.0.2.2", T0 + 10)]);
    expect(fired.map((d) => d.value)).toEqual(["192.0.2.2"]);
  });

  it("counts distinct values (port scan), not repeated ones", () => {
    const { engine, fired } = setup([SCAN]);
    const scan = (port: number, at: number) =>
      makeEvent({ action: "drop", src_ip: "185.224.128.17", dst_port: port, timestamp: at });
    engine.process(Array.from({ length: 100 }, (_, i) => scan(22, T0 + i)));
    expect(fired).toHaveLength(0);
    engine.process(Array.from({ length: 19 }, (_, i) => scan(1000 + i, T0 + 200 + i)));
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ count: 20, scenario: "scan" });
  });

  it("distinct values older than the window no longer count", () => {
    const { engine, fired, setClock } = setup([SCAN]);
    const scan = (port: number, at: number) =>
      makeEvent({ action: "drop", src_ip: "185.224.128.17", dst_port: port, timestamp: at });
    for (let i = 0; i < 60; i++) {
      setClock(T0 + i * 5000);
      engine.process([scan(i, T0 + i * 5000)]); // 12 ports a minute
    }
    expect(fired).toHaveLength(0);
  });

  it("places out-of-order events by their time; one more than a window behind the newest is too late", () => {
    const { engine, fired } = setup();
    engine.process([100, 0, 50, 20].map((s) => ssh("192.0.2.9", T0 + s * 1000)));
    expect(fired).toHaveLength(0);
    engine.process([ssh("192.0.2.9", T0 + 90_000)]);
    expect(fired).toHaveLength(1);
    expect(fired[0]?.first_seen).toBe(T0);

    engine.process([300, 301, 302, 303].map((s) => ssh("192.0.2.10", T0 + s * 1000)));
    engine.process([ssh("192.0.2.10", T0 + 100_000)]); // 203 s behind the newest: not counted
    expect(fired).toHaveLength(1);
  });

  it("counts events with a far-off clock at their receive time", () => {
    const { engine, fired } = setup();
    // A sender three hours behind: its event times are ignored, they arrive now, within seconds.
    engine.process([0, 1, 2, 3, 4].map((i) => ssh("192.0.2.3", T0 - 3 * 3600_000 - i * 3600_000)));
    expect(fired).toHaveLength(1);
    expect(fired[0]?.first_seen).toBe(T0);
    expect(engine.stats().skewed).toBe(5);
  });

  it("evicts idle keys and caps keys per scenario, counting the evictions", () => {
    let capHits = 0;
    const fired: Detection[] = [];
    let clock = T0;
    const engine = createDetectionEngine({
      scenarios: [SSH],
      onDetection: (d) => fired.push(d),
      now: () => clock,
      maxKeysPerScenario: 1000,
      metrics: { keyCapHit: () => capHits++ },
    });
    engine.process(Array.from({ length: 1500 }, (_, i) => ssh(`10.0.${i >> 8}.${i & 255}`, T0)));
    expect(engine.stats().keys).toBe(1000);
    expect(capHits).toBe(500);
    expect(engine.stats().keyCapHits).toBe(500);
    clock = T0 + 121_000;
    engine.process([ssh("192.0.2.200", clock)]);
    expect(engine.stats().keys).toBe(1);
  });

  it("replaceScenarios keeps the windows of unchanged scenarios and resets changed ones", () => {
    const { engine, fired } = setup([SSH, SCAN]);
    engine.process([0, 1, 2, 3].map((i) => ssh("192.0.2.4", T0 + i)));
    const other = testScenario("vpn", { log_type: "VPN" }, 3, 60_000);
    engine.replaceScenarios([SSH, other]);
    engine.process([ssh("192.0.2.4", T0 + 10)]);
    expect(fired.map((d) => d.scenario)).toEqual(["ssh"]);

    engine.process([0, 1, 2, 3].map((i) => ssh("192.0.2.5", T0 + 20 + i)));
    engine.replaceScenarios([{ ...SSH, detection: { ...SSH.detection, threshold: 6 } }, other]);
    engine.process([ssh("192.0.2.5", T0 + 30)]);
    expect(fired).toHaveLength(1);
    engine.replaceScenarios([{ ...SSH, enabled: false }]);
    expect(engine.scenarios()).toHaveLength(0);
  });

  it("processes more than 500k events/s for a handful of scenarios", () => {
    const scenarios = [
      SSH,
      SCAN,
      testScenario("waf", { log_type: "WAF", action: "drop" }, 10, 300_000),
      testScenario("probe", { http_status: { in: [403, 404] } }, 20, 60_000),
      testScenario("ips", { log_type: "IPS", severity: { in: ["high", "critical"] } }, 1, 60_000),
      testScenario("ua", { user_agent: { regex: "sqlmap|nikto|nmap" } }, 1, 60_000),
    ];
    const fired: Detection[] = [];
    const engine = createDetectionEngine({ scenarios, onDetection: (d) => fired.push(d), maxSkewMs: null });
    const kinds = ["SSH", "WAF", "Firewall", "IPS", "Web"];
    const pool = Array.from({ length: 4096 }, (_, i) =>
      makeEvent({
        log_type: kinds[i % kinds.length] as string,
        src_ip: `100.${(i * 7) & 255}.${(i * 13) & 255}.${i & 255}`,
        dst_port: i % 1024,
        http_status: i % 3 === 0 ? 404 : 200,
        action: i % 2 === 0 ? "drop" : "allow",
      }),
    );
    const total = 1_000_000;
    const batch: Event[] = [];
    // CPU time, not wall time: the rate on one core, whatever else the shared machine is running.
    const started = process.cpuUsage();
    for (let n = 0; n < total; n += 1000) {
      batch.length = 0;
      for (let i = 0; i < 1000; i++) {
        const e = pool[(n + i) & 4095] as Event;
        e.timestamp = T0 + n + i;
        batch.push(e);
      }
      engine.process(batch);
    }
    const used = process.cpuUsage(started);
    const rate = total / ((used.user + used.system) / 1e6);
    console.log(
      `detection engine: ${Math.round(rate).toLocaleString("en")} events/s per CPU second, 6 scenarios, ${fired.length} detections`,
    );
    expect(rate).toBeGreaterThan(500_000);
  });
});
