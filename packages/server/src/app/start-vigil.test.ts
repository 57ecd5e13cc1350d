import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertEveryRouteGuarded } from "../http/route-audit.js";
import { BOUNCER_PUBLIC_ROUTES } from "../response/bouncer/bouncer-routes.js";
import { bsdTime } from "../test-support/syslog-stamps.js";
import { eventually, startTestVigil, type TestVigil } from "../test-support/test-vigil.js";

/** The whole server as a user meets it: real syslog sockets in, the HTTP API out. */
let t: TestVigil;
const now = () => new Date().toISOString().replace(/\.\d+Z$/, "+0000");

function sendTcp(port: number, payload: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.end(payload));
    s.on("close", () => resolve());
    s.on("error", reject);
  });
}

function sendUdp(port: number, payload: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    s.send(payload, port, "127.0.0.1", (err) => {
      s.close();
      if (err) reject(err);
      else resolve();
    });
  });
}

interface EventJson {
  source_type: string;
  src_ip: string;
  dst_port: number;
  action: string;
  log_type: string;
  message: string;
  raw_log: string;
  parse_error: string;
  event_id: string;
  truncated?: boolean;
  geo_country: string;
  http_method: string;
  http_status: number;
  url: string;
  user_agent: string;
}

async function events(query = ""): Promise<EventJson[]> {
  const res = await t.api("GET", `/api/v1/events?limit=1000${query}`, undefined, t.adminToken);
  expect(res.status).toBe(200);
  return (res.json() as { items: EventJson[] }).items;
}

beforeAll(async () => {
  t = await startTestVigil();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("a running Vigil", () => {
  it("stores syslog from TCP and UDP, parsed into the right fields", async () => {
    const sophos = `<30>device_name="SFW" timestamp="${now()}" device_serial_id="X21000TEST" log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" log_version=1 severity="Information" fw_rule_id=5 src_ip=185.220.101.4 dst_ip=10.0.0.1 src_port=4444 dst_port=22 protocol="TCP"`;
    const waf = `<30>device_name="SFW" timestamp="${now()}" log_type="WAF" log_component="Web Application Firewall" log_subtype="Denied" log_version=1 severity="Warning" sourceip=45.33.32.156 localip=10.0.0.5 method="POST" httpstatus=403 url="/login.php?id=1' OR 1=1" useragent="sqlmap/1.7" domain="shop.example.com"`;
    await sendTcp(t.syslogPort, `${sophos}\n${waf}\n`);
    await sendUdp(
      t.syslogPort,
      `<38>${bsdTime(Date.now())} bastion sshd[811]: Failed password for root from 8.8.8.8 port 40022 ssh2`,
    );
    const got = await eventually(async () => {
      const e = await events();
      return e.length >= 3 ? e : undefined;
    });
    const fw = got.find((e) => e.log_type === "Firewall");
    expect(fw).toMatchObject({
      source_type: "sophos",
      src_ip: "185.220.101.4",
      dst_port: 22,
      action: "drop",
    });
    const w = got.find((e) => e.log_type === "WAF");
    expect(w).toMatchObject({
      src_ip: "45.33.32.156",
      http_method: "POST",
      http_status: 403,
      user_agent: "sqlmap/1.7",
    });
    expect(w?.url).toContain("/login.php");
    const ssh = got.find((e) => e.source_type === "sshd");
    expect(ssh).toMatchObject({ src_ip: "8.8.8.8", action: "reject", geo_country: "US" });
  });

  it("keeps garbage raw, counts it, and goes on serving the good lines beside it", async () => {
    const before = (await events()).length;
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const huge = `<13>1 ${new Date().toISOString()} host app - - - ${"A".repeat(1024 * 1024)}`;
    const badUtf8 = Buffer.concat([
      Buffer.from("<13>bad utf8 here: "),
      Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
      Buffer.from("\n"),
    ]);
    await sendTcp(
      t.syslogPort,
      Buffer.concat([
        random,
        Buffer.from("\n"),
        Buffer.from(`${huge}\n`),
        badUtf8,
        Buffer.from("<13>good line after garbage\n"),
      ]),
    );
    await sendUdp(t.syslogPort, random.subarray(0, 1200));
    await sendTcp(t.syslogPort, "999999999 truncated octet count\n<13>another good line\n");
    const all = await eventually(async () => {
      const e = await events();
      return e.some((x) => x.message.includes("another good line")) &&
        e.some((x) => x.message.includes("good line after garbage"))
        ? e
        : undefined;
    });
    expect(all.length).toBeGreaterThan(before + 4);
    // A 1 MiB line is cut at the message size limit (64 KiB by default) and flagged; a list carries an
    // excerpt of it, the event's own page the whole stored text.
    const big = all.find((e) => e.raw_log.includes("AAAAAAAAAAAAAAAA"));
    expect(big?.truncated).toBe(true);
    expect(big?.parse_error).toContain("truncated");
    const detail = await t.api("GET", `/api/v1/events/${big?.event_id}`, undefined, t.adminToken);
    expect(detail.status).toBe(200);
    const whole = (detail.json() as { event: EventJson }).event.raw_log;
    expect(whole.length).toBeGreaterThanOrEqual(60 * 1024);
    expect(whole.length).toBeLessThanOrEqual(64 * 1024);
    const bad = all.find((e) => e.raw_log.includes("bad utf8"));
    expect(bad?.parse_error).toContain("UTF-8");
    const status = await t.api("GET", "/api/v1/status", undefined, t.adminToken);
    expect(status.status).toBe(200);
  });

  it("takes HTTP batches, reports each bad record by index, stores the good ones", async () => {
    const key = await t.createApiKey(["ingest"]);
    const ndjson = [
      JSON.stringify({ src_ip: "203.0.113.50", message: "http one", severity: "high", log_type: "Firewall" }),
      "{not json",
      JSON.stringify({ src_ip: "999.1.1.1", message: "bad ip" }),
      JSON.stringify({ src_ip: "2001:db8::1", message: "http two", dst_port: 443 }),
    ].join("\n");
    const res = await t.api("POST", "/api/v1/ingest/batch", ndjson, key);
    expect(res.status).toBe(200);
    const body = res.json() as { accepted: number; rejected: { index: number; reason: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(body.rejected[1]?.reason).toContain("src_ip");
    // Acknowledged means stored: visible at once, no waiting.
    const stored = await events("&q=http%20t");
    expect(stored.map((e) => e.message)).toContain("http two");

    const badJson = await t.api("POST", "/api/v1/ingest/batch", "", key);
    expect(badJson.status).toBeLessThan(500);
    const wrongKey = await t.api("POST", "/api/v1/ingest/batch", ndjson, await t.createApiKey(["metrics"]));
    expect(wrongKey.status).toBe(403);
  });

  it("guards every route: 401 without a token, 403 for a role or key that may not use it", async () => {
    const audit = await t.createUser("auditor", "audit");
    const report = await assertEveryRouteGuarded(
      t.vigil.app,
      {
        audit,
        apiKeys: {
          ingest: await t.createApiKey(["ingest"]),
          metrics: await t.createApiKey(["metrics"]),
          read: await t.createApiKey(["read"]),
        },
      },
      {
        allowPublic: [
          "GET /*",
          "HEAD /*",
          ...BOUNCER_PUBLIC_ROUTES,
          "GET /api/v1/blocklist.txt",
          "HEAD /api/v1/blocklist.txt",
        ],
      },
    );
    expect(report.checked.length).toBeGreaterThan(20);
  });

  it("serves Prometheus metrics to an admin and to a metrics key, counting events by source", async () => {
    const res = await t.api("GET", "/metrics", undefined, await t.createApiKey(["metrics"]));
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/vigil_events_received_total\{source="sophos"\} \d+/);
    expect(res.text).toContain("vigil_http_request_duration_seconds_bucket");
  });
});
