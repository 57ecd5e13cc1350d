/**
 * Alert latency, end to end: the syslog line that crosses an alert rule's threshold → the signed
 * webhook request received by a local receiver. Starts Vigil from the sources with embedded stores,
 * creates a webhook channel to a receiver in this process (which checks every X-Vigil-Signature) and
 * the rule "≥ 20 firewall drops from one src_ip in 1 m", keeps --rate lines/s of background
 * Sophos firewall traffic (allowed connections, which the rule's filter reads and rejects) over TCP
 * syslog, then sends --attacks bursts, each of 20 drops from its own IP in one write on a separate
 * connection. Latency = webhook received − burst written, both on this process's clock.
 *
 *   npx tsx bench/alerts/latency.ts [--attacks 100] [--rate 10000] [--every-ms 200]
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { arg, openTcp, percentile, startBenchServer } from "../support/bench-server.js";

const ATTACKS = Number(arg("attacks", "100"));
const RATE = Number(arg("rate", "10000"));
const EVERY_MS = Number(arg("every-ms", "200"));
const SECRET = "bench-webhook-secret-0123456789";

const sophosTime = () => new Date().toISOString().replace(/\.\d+Z$/, "+0000");
function firewallLine(ip: string, denied: boolean, port: number): string {
  const sub = denied ? "Denied" : "Allowed";
  return `<30>device_name="SFW" timestamp="${sophosTime()}" device_serial_id="X21000BENCH" log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="${sub}" log_version=1 severity="Information" fw_rule_id=5 src_ip=${ip} dst_ip=10.0.0.1 src_port=${port} dst_port=443 protocol="TCP"\n`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => resolve(body));
  });
}

async function main() {
  // The receiver: records when each alert's group value (the attacking IP) first arrives.
  const receivedAt = new Map<string, number>();
  let badSignatures = 0;
  let calls = 0;
  const receiver = createServer(async (req, res) => {
    const t = performance.now();
    const body = await readBody(req);
    calls++;
    const expected = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    if (req.headers["x-vigil-signature"] !== expected) badSignatures++;
    const msg = JSON.parse(body) as { alert?: { group_value?: string } };
    const ip = msg.alert?.group_value;
    if (ip && !receivedAt.has(ip)) receivedAt.set(ip, t);
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const receiverPort = (receiver.address() as AddressInfo).port;

  const vigil = await startBenchServer("alerts", {
    VIGIL_WEBHOOK_ALLOWLIST: "127.0.0.1",
    VIGIL_ALERT_CHANNEL_RATE_PER_MINUTE: "100000",
  });
  let bgTimer: NodeJS.Timeout | null = null;
  try {
    const channel = await vigil.api("POST", "/api/v1/channels", {
      name: "bench-receiver",
      type: "webhook",
      config: { url: `http://127.0.0.1:${receiverPort}/hook`, secret: SECRET },
    });
    if (channel.status !== 201) throw new Error(`channel: ${channel.status} ${JSON.stringify(channel.json)}`);
    const channelId = (channel.json as { id: string }).id;
    const rule = await vigil.api("POST", "/api/v1/alert-rules", {
      name: "bench-firewall-drops",
      severity: "high",
      channels: [channelId],
      detection: {
        filter: { log_type: "Firewall", action: "drop" },
        threshold: 20,
        window: "1m",
        group_by: "src_ip",
      },
    });
    if (rule.status !== 201) throw new Error(`rule: ${rule.status} ${JSON.stringify(rule.json)}`);

    // Background: allowed firewall connections from many sources, paced in 10 ms ticks.
    const bg = await openTcp(vigil.syslogPort);
    let bgSent = 0;
    const bgStart = performance.now();
    const perTick = Math.max(1, Math.round(RATE / 100));
    bgTimer = setInterval(() => {
      if (bg.writableLength > 4 * 1024 * 1024) return; // server not keeping up: do not queue unboundedly
      let chunk = "";
      for (let k = 0; k < perTick; k++, bgSent++) {
        chunk += firewallLine(
          `198.18.${(bgSent >> 8) & 255}.${bgSent & 255}`,
          false,
          1024 + (bgSent % 60000),
        );
      }
      bg.write(chunk);
    }, 10);
    await new Promise((r) => setTimeout(r, 3000)); // let the load settle

    const atk = await openTcp(vigil.syslogPort);
    const sentAt = new Map<string, number>();
    const load0 = loadavg()[0] as number;
    for (let a = 0; a < ATTACKS; a++) {
      const ip = `203.0.${113 + (a >> 8)}.${a & 255}`;
      let burst = "";
      for (let k = 0; k < 20; k++) burst += firewallLine(ip, true, 40000 + k);
      sentAt.set(ip, performance.now());
      atk.write(burst);
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
    const deadline = performance.now() + 15_000;
    while (receivedAt.size < ATTACKS && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const bgSeconds = (performance.now() - bgStart) / 1000;
    const load1 = loadavg()[0] as number;
    const lat = [...sentAt].flatMap(([ip, t]) => {
      const r = receivedAt.get(ip);
      return r === undefined ? [] : [r - t];
    });
    lat.sort((x, y) => x - y);
    const alerts = await vigil.api("GET", "/api/v1/alerts?rule=bench-firewall-drops&limit=500");
    const stored = (alerts.json as { items?: unknown[] }).items?.length ?? 0;
    console.log(
      JSON.stringify({
        attacks: ATTACKS,
        webhooks_received: lat.length,
        webhook_calls: calls,
        bad_signatures: badSignatures,
        alerts_stored: stored,
        p50_ms: Math.round(percentile(lat, 50)),
        p90_ms: Math.round(percentile(lat, 90)),
        p99_ms: Math.round(percentile(lat, 99)),
        max_ms: Math.round(lat[lat.length - 1] ?? Number.NaN),
        min_ms: Math.round(lat[0] ?? Number.NaN),
        background_target_per_s: RATE,
        background_sent_per_s: Math.round(bgSent / bgSeconds),
        loadavg: [load0, load1].map((x) => Number(x.toFixed(2))),
      }),
    );
    atk.end();
    bg.destroy();
  } finally {
    if (bgTimer) clearInterval(bgTimer);
    await vigil.stop();
    receiver.close();
  }
}

await main();
