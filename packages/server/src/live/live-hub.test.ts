import { describe, expect, it } from "vitest";
import { finishEvent } from "../ingest/normalise.js";
import { LiveHub, type LiveSocket } from "./live-hub.js";

class FakeSocket implements LiveSocket {
  readonly sent: string[] = [];
  bufferedAmount = 0;
  readyState = 1;
  send(data: string) {
    this.sent.push(data);
  }
}

const ev = (site: string, severity: "critical" | "info", raw = "line") =>
  finishEvent(
    { source_type: "sophos", raw_log: raw, severity, log_type: "Firewall" },
    { site, sender: "x" },
    null,
    1,
  );

describe("live hub", () => {
  it("sends each client only the sites and severities it subscribed to", () => {
    const hub = new LiveHub();
    const a = new FakeSocket();
    const b = new FakeSocket();
    hub.add(a, null).update({ sites: ["paris"] });
    hub.add(b, null).update({ severities: ["critical"] });
    hub.publishEvents([ev("paris", "info"), ev("lyon", "critical"), ev("lyon", "info")]);
    expect(a.sent.map((s) => JSON.parse(s).data.site)).toEqual(["paris"]);
    expect(b.sent.map((s) => JSON.parse(s).data.severity)).toEqual(["critical"]);
    hub.close();
  });

  it("keeps a site-bound client inside its site whatever it asks for", () => {
    const hub = new LiveHub();
    const a = new FakeSocket();
    hub.add(a, "lyon").update({ sites: ["paris", "lyon"] });
    hub.publishEvents([ev("paris", "info"), ev("lyon", "info")]);
    expect(a.sent).toHaveLength(1);
    hub.close();
  });

  it("drops for a slow client instead of buffering, and counts what it dropped", () => {
    const hub = new LiveHub({ maxBufferedBytes: 100, maxPerSecond: 1000 });
    const slow = new FakeSocket();
    const fast = new FakeSocket();
    hub.add(slow, null);
    hub.add(fast, null);
    slow.bufferedAmount = 10_000;
    hub.publishEvents(Array.from({ length: 50 }, () => ev("a", "info")));
    expect(slow.sent).toHaveLength(0);
    expect(fast.sent).toHaveLength(50);
    expect(hub.dropped).toBe(50);
    hub.close();
  });

  it("caps the rate per client and trims huge raw lines", () => {
    const hub = new LiveHub({ maxPerSecond: 10, rawLogPreview: 16 });
    const s = new FakeSocket();
    hub.add(s, null);
    hub.publishEvents(Array.from({ length: 30 }, () => ev("a", "info", "x".repeat(1_000_000))));
    expect(s.sent).toHaveLength(10);
    expect(JSON.parse(s.sent[0] as string).data.raw_log).toHaveLength(17);
    hub.close();
  });
});
