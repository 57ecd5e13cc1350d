import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bsdTime } from "../test-support/syslog-stamps.js";
import { eventually, startTestVigil, type TestVigil } from "../test-support/test-vigil.js";

/** The counters an operator reads (Prometheus, Status page) must add up to the lines sent. */
let t: TestVigil;
let metricsKey: string;

beforeAll(async () => {
  t = await startTestVigil();
  metricsKey = await t.createApiKey(["metrics"]);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

function sendTcp(port: number, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.end(payload));
    s.on("close", () => resolve());
    s.on("error", reject);
  });
}

/** Sum of one counter over all its label sets, from the Prometheus text. */
async function metricSum(name: string, filter = ""): Promise<number> {
  const res = await t.api("GET", "/metrics", undefined, metricsKey);
  expect(res.status).toBe(200);
  let sum = 0;
  for (const line of res.text.split("\n")) {
    if (!line.startsWith(`${name}{`) || !line.includes(filter)) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

interface Ingest {
  received_total: number;
  stored_total: number;
  queued: number;
  rejected_total: number;
  kept_raw_total: number;
  dead_lettered: number;
}

async function status(): Promise<Ingest> {
  const res = await t.api("GET", "/api/v1/status", undefined, t.adminToken);
  expect(res.status).toBe(200);
  return (res.json() as { ingest: Ingest }).ingest;
}

describe("ingest counters", () => {
  it("count each of N syslog lines once: received = stored = N", async () => {
    const n = 500;
    const stamp = bsdTime(Date.now());
    const lines = Array.from(
      { length: n },
      (_, i) =>
        `<38>${stamp} bastion sshd[${1000 + i}]: Failed password for root from 203.0.113.${i % 250} port ${40000 + i} ssh2`,
    );
    await sendTcp(t.syslogPort, `${lines.join("\n")}\n`);
    const stored = await eventually(async () => {
      const s = await metricSum("vigil_events_stored_total");
      return s >= n ? s : undefined;
    });
    expect(stored).toBe(n);
    expect(await metricSum("vigil_events_received_total")).toBe(n);
    expect(await metricSum("vigil_events_failed_total")).toBe(0);
    const s = await status();
    expect(s).toMatchObject({
      received_total: n,
      stored_total: n,
      queued: 0,
      rejected_total: 0,
      dead_lettered: 0,
    });
  });

  it("count HTTP records refused as received and rejected, so the totals still add up", async () => {
    const key = await t.createApiKey(["ingest"]);
    const before = await status();
    const res = await t.api(
      "POST",
      "/api/v1/ingest/batch",
      [{ message: "ok one" }, { severity: "loud" }, { message: "ok two" }],
      key,
    );
    expect(res.status).toBe(200);
    const s = await status();
    expect(s.received_total - before.received_total).toBe(3);
    expect(s.stored_total - before.stored_total).toBe(2);
    expect(s.rejected_total - before.rejected_total).toBe(1);
    expect(s.received_total).toBe(s.stored_total + s.queued + s.rejected_total + s.dead_lettered);
    expect(await metricSum("vigil_events_received_total")).toBe(s.received_total);
  });
});
