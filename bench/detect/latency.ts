/**
 * Detection latency, end to end: syslog line received → ban decision stored. Starts Vigil from the
 * sources (tsx) with the embedded stores in a fresh data directory, keeps a steady background of
 * normal traffic (nginx 200s) over TCP syslog at --rate lines/s, and sends --attacks SSH brute forces,
 * each from its own IP: the 5 "Failed password" lines the shipped `ssh-bruteforce` scenario needs, in
 * one write on a separate TCP connection. Latency = time the `new_ban` WebSocket message for that IP
 * arrives (the server sends it after the ban is committed) − time the crossing line was written.
 * Both clocks are this process's, so client-side socket time is included (an upper bound).
 *
 *   npx tsx bench/detect/latency.ts [--attacks 250] [--rate 20000] [--every-ms 100]
 */
import { loadavg } from "node:os";
import WebSocket from "ws";
import {
  arg,
  syslogHeader as header,
  openTcp as open,
  percentile as pct,
  startBenchServer,
} from "../support/bench-server.js";

const ATTACKS = Number(arg("attacks", "250"));
const RATE = Number(arg("rate", "20000"));
const EVERY_MS = Number(arg("every-ms", "100"));

async function main() {
  const vigil = await startBenchServer("detect");
  const { url, httpPort, syslogPort, token } = vigil;
  // Bans come only from registered senders' events (docs/THREAT-MODEL.md): register ours, as a user would.
  const reg = await fetch(`${url}/api/v1/sources`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ match_type: "ip", match_value: "127.0.0.1", site: "default", timezone: "UTC" }),
  });
  if (reg.status !== 201) throw new Error(`registering the bench sender: ${reg.status} ${await reg.text()}`);
  let bg: Awaited<ReturnType<typeof open>> | null = null;
  let bgTimer: NodeJS.Timeout | null = null;
  try {
    const banAt = new Map<string, number>();
    const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/api/v1/ws?token=${encodeURIComponent(token)}`);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    // Only critical events: keeps the background traffic off this socket; ban messages carry no severity.
    ws.send(JSON.stringify({ type: "subscribe", severities: ["critical"] }));
    ws.on("message", (raw) => {
      const t = performance.now();
      const m = JSON.parse(String(raw)) as { type?: string; data?: { ip?: string } };
      if (m.type === "new_ban" && m.data?.ip && !banAt.has(m.data.ip)) banAt.set(m.data.ip, t);
    });

    // Background: normal web traffic, paced in 10 ms ticks.
    bg = await open(syslogPort);
    let bgSent = 0;
    const bgStart = performance.now();
    const perTick = Math.max(1, Math.round(RATE / 100));
    bgTimer = setInterval(() => {
      if (!bg || bg.writableLength > 4 * 1024 * 1024) return; // server not keeping up: do not queue unboundedly
      const h = header(134, "web01", "nginx");
      let chunk = "";
      for (let k = 0; k < perTick; k++, bgSent++) {
        const ip = `198.18.${(bgSent >> 8) & 255}.${bgSent & 255}`;
        chunk += `${h} ${ip} - - [${new Date().toUTCString()}] "GET /page/${bgSent % 500} HTTP/1.1" 200 5120 "-" "Mozilla/5.0"\n`;
      }
      bg.write(chunk);
    }, 10);
    await new Promise((r) => setTimeout(r, 3000)); // let the load settle

    const atk = await open(syslogPort);
    const sentAt = new Map<string, number>();
    const load0 = loadavg()[0] as number;
    for (let a = 0; a < ATTACKS; a++) {
      const ip = `203.0.${113 + (a >> 8)}.${a & 255}`;
      let chunk = "";
      for (let k = 0; k < 5; k++) {
        chunk += `${header(38, "srv01", `sshd[${4000 + a}]`)} Failed password for root from ${ip} port ${40000 + k} ssh2\n`;
      }
      sentAt.set(ip, performance.now());
      atk.write(chunk);
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
    const deadline = performance.now() + 10_000;
    while (banAt.size < ATTACKS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const bgSeconds = (performance.now() - bgStart) / 1000;
    const load1 = loadavg()[0] as number;
    const lat = [...sentAt].flatMap(([ip, t]) => {
      const b = banAt.get(ip);
      return b === undefined ? [] : [b - t];
    });
    lat.sort((x, y) => x - y);
    // Check the stored side once: every banned IP is in GET /api/v1/bans/:ip.
    const sample = [...banAt.keys()][0];
    const stored = sample
      ? (await fetch(`${url}/api/v1/bans/${sample}`, { headers: { authorization: `Bearer ${token}` } }))
          .status
      : 0;
    const stats = await fetch(`${url}/api/v1/events/stats?from=2000-01-01T00:00:00Z`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const total = ((await stats.json()) as { total?: number }).total ?? 0;
    const result = {
      attacks: ATTACKS,
      banned: lat.length,
      p50_ms: Math.round(pct(lat, 50)),
      p90_ms: Math.round(pct(lat, 90)),
      p99_ms: Math.round(pct(lat, 99)),
      max_ms: Math.round(lat[lat.length - 1] ?? Number.NaN),
      min_ms: Math.round(lat[0] ?? Number.NaN),
      background_target_per_s: RATE,
      background_sent_per_s: Math.round(bgSent / bgSeconds),
      events_stored: total,
      sample_ban_status: stored,
      loadavg: [load0, load1].map((x) => Number(x.toFixed(2))),
    };
    console.log(JSON.stringify(result));
    ws.close();
    atk.end();
  } finally {
    if (bgTimer) clearInterval(bgTimer);
    bg?.destroy();
    await vigil.stop();
  }
}

await main();
