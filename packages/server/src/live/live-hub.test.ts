import { afterEach, describe, expect, it, vi } from "vitest";
import { finishEvent } from "../ingest/normalise.js";
import { LiveHub, type LiveSocket } from "./live-hub.js";
import { parseSubscribe } from "./live-topics.js";

class FakeSocket implements LiveSocket {
  readonly sent: string[] = [];
  bufferedAmount = 0;
  readyState = 1;
  send(data: string) {
    this.sent.push(data);
  }
  messages(type?: string) {
    return this.sent.map((s) => JSON.parse(s)).filter((m) => type === undefined || m.type === type);
  }
}

type Sev = "critical" | "high" | "medium" | "low" | "info";
const ev = (site: string, severity: Sev, raw = "line") =>
  finishEvent(
    { source_type: "sophos", raw_log: raw, severity, log_type: "Firewall" },
    { site, sender: "x" },
    null,
    1,
  );

const events = new Set(["events"]);

afterEach(() => {
  vi.useRealTimers();
});

describe("live hub", () => {
  it("sends a client nothing before it subscribes, and only the topics it subscribed to", () => {
    const hub = new LiveHub();
    const quiet = new FakeSocket();
    const idle = new FakeSocket();
    const feed = new FakeSocket();
    hub.add(quiet, null).update({ topics: new Set(["alerts"]) });
    hub.add(idle, null);
    hub.add(feed, null).update({ topics: events });
    hub.publishEvents([ev("paris", "info")]);
    hub.publish("alert", { id: 1 }, { site: "paris", severity: "high" });
    hub.publish("new_ban", { ip: "1.2.3.4" });
    expect(quiet.messages().map((m) => m.type)).toEqual(["alert"]);
    expect(idle.sent).toEqual([]);
    expect(feed.messages().map((m) => m.type)).toEqual(["new_event"]);
    hub.close();
  });

  it("sends each client only the events of its rooms: sites and minimum severity", () => {
    const hub = new LiveHub();
    const a = new FakeSocket();
    const b = new FakeSocket();
    const c = new FakeSocket();
    hub.add(a, null).update({ topics: events, sites: ["paris"] });
    hub.add(b, null).update({ topics: events, minSeverity: "high" });
    hub.add(c, null).update({ topics: events, severities: ["critical"] });
    hub.publishEvents([
      ev("paris", "info"),
      ev("lyon", "critical"),
      ev("lyon", "high"),
      ev("lyon", "medium"),
    ]);
    expect(a.messages().map((m) => m.data.site)).toEqual(["paris"]);
    expect(b.messages().map((m) => m.data.severity)).toEqual(["critical", "high"]);
    expect(c.messages().map((m) => m.data.severity)).toEqual(["critical"]);
    hub.close();
  });

  it("keeps a site-bound client inside its site whatever it asks for, for events and site messages", () => {
    const hub = new LiveHub();
    const a = new FakeSocket();
    hub
      .add(a, (s) => s === "lyon")
      .update({ topics: new Set(["events", "alerts"]), sites: ["paris", "lyon"] });
    hub.publishEvents([ev("paris", "info"), ev("lyon", "info")]);
    hub.publish("alert", { id: 1 }, { site: "paris" });
    hub.publish("alert", { id: 2 }, { site: "lyon" });
    expect(a.messages("new_event")).toHaveLength(1);
    expect(a.messages("alert").map((m) => m.data.id)).toEqual([2]);
    hub.close();
  });

  it("samples events evenly above the rate and reports what it skipped", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const hub = new LiveHub({ maxEventsPerSecond: 10 });
    const s = new FakeSocket();
    hub.add(s, null).update({ topics: events });
    const batch = Array.from({ length: 100 }, (_, i) => ev("a", "info", `line ${i}`));
    hub.publishEvents(batch);
    const got = s.messages("new_event").map((m) => Number(String(m.data.raw_log).split(" ")[1]));
    expect(got).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    // The budget refills with time: half a second later, half a second's worth.
    vi.advanceTimersByTime(500);
    hub.publishEvents(batch);
    expect(s.messages("new_event")).toHaveLength(15);
    vi.advanceTimersByTime(500);
    expect(s.messages("skipped")).toEqual([{ type: "skipped", skipped: 90 + 95, max_per_second: 10 }]);
    expect(hub.skipped).toBe(90 + 95);
    hub.close();
  });

  it("sends stats once a tick, for the sites the client sees, only when events arrived", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const hub = new LiveHub();
    const all = new FakeSocket();
    const paris = new FakeSocket();
    hub.add(all, null).update({ topics: new Set(["stats"]) });
    hub.add(paris, null).update({ topics: new Set(["stats"]), sites: ["paris"] });
    hub.publishEvents([ev("paris", "info"), ev("paris", "high"), ev("lyon", "high")]);
    vi.advanceTimersByTime(1000);
    expect(all.messages("stats").map((m) => m.data)).toEqual([
      { events: 3, by_severity: { info: 1, high: 2 }, interval_ms: 1000 },
    ]);
    expect(paris.messages("stats").map((m) => m.data.events)).toEqual([2]);
    expect(all.messages("new_event")).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(all.messages("stats")).toHaveLength(1);
    hub.close();
  });

  it("drops for a slow client instead of buffering, and counts what it dropped", () => {
    const hub = new LiveHub({ maxBufferedBytes: 100, maxPerSecond: 1000, maxEventsPerSecond: 1000 });
    const slow = new FakeSocket();
    const fast = new FakeSocket();
    hub.add(slow, null).update({ topics: events });
    hub.add(fast, null).update({ topics: events });
    slow.bufferedAmount = 10_000;
    hub.publishEvents(Array.from({ length: 50 }, () => ev("a", "info")));
    expect(slow.sent).toHaveLength(0);
    expect(fast.sent).toHaveLength(50);
    expect(hub.dropped).toBe(50);
    hub.close();
  });

  it("caps the message rate per client and trims huge raw lines", () => {
    const hub = new LiveHub({ maxPerSecond: 10, maxEventsPerSecond: 1000, rawLogPreview: 16 });
    const s = new FakeSocket();
    hub.add(s, null).update({ topics: events });
    hub.publishEvents(Array.from({ length: 30 }, () => ev("a", "info", "x".repeat(1_000_000))));
    expect(s.sent).toHaveLength(10);
    expect(JSON.parse(s.sent[0] as string).data.raw_log).toHaveLength(17);
    hub.close();
  });
});

describe("subscribe messages", () => {
  it("reads topics and rooms, and means every topic when topics are absent (older clients)", () => {
    const a = parseSubscribe({
      type: "subscribe",
      topics: ["events"],
      sites: ["paris"],
      min_severity: "high",
    });
    expect(a.ok && [...a.sub.topics]).toEqual(["events"]);
    expect(a.ok && a.sub.minSeverity).toBe("high");
    const legacy = parseSubscribe({ type: "subscribe", severities: ["critical"] });
    expect(legacy.ok && legacy.sub.topics.has("bans")).toBe(true);
    expect(parseSubscribe({ topics: ["everything"] })).toMatchObject({ ok: false });
    expect(parseSubscribe({ topics: [], min_severity: "severe" })).toMatchObject({ ok: false });
  });
});
