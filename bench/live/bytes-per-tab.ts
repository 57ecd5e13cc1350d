/**
 * Live-channel cost per console tab: starts Vigil (sources through tsx, embedded stores, fresh data
 * directory), sends --rate syslog lines/s of the demo traffic mix over TCP, and opens two WebSockets
 * that say what two console pages say on mount:
 *
 * - "dashboard": the live feed, the stats ticks, alerts (toasts) and bans;
 * - "quiet page" (rules, settings, bans…): alerts only, for the toasts every page shows.
 *
 * After --warmup-s it counts the bytes and messages each socket receives for --seconds and prints
 * them per second, by message type. A server that ignores `topics` (the commit before live topics)
 * sends both sockets every event, which is the "before" figure.
 *
 *   npx tsx bench/live/bytes-per-tab.ts [--rate 2000] [--seconds 20] [--warmup-s 5]
 */
import WebSocket from "ws";
import { createTrafficMix } from "../../packages/server/src/cli/traffic/mix.js";
import { arg, openTcp, startBenchServer } from "../support/bench-server.js";

const RATE = Number(arg("rate", "2000"));
const SECONDS = Number(arg("seconds", "20"));
const WARMUP_S = Number(arg("warmup-s", "5"));

const PAGES = {
  dashboard: { type: "subscribe", topics: ["events", "stats", "alerts", "bans"] },
  "quiet page": { type: "subscribe", topics: ["alerts"] },
} as const;

interface Tally {
  counting: boolean;
  bytes: number;
  messages: number;
  byType: Map<string, { n: number; bytes: number }>;
  skipped: number;
}

async function openPage(
  httpPort: number,
  token: string,
  hello: object,
): Promise<{ ws: WebSocket; t: Tally }> {
  const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/api/v1/ws?token=${encodeURIComponent(token)}`);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.send(JSON.stringify(hello));
  const t: Tally = { counting: false, bytes: 0, messages: 0, byType: new Map(), skipped: 0 };
  ws.on("message", (raw) => {
    if (!t.counting) return;
    const text = String(raw);
    const bytes = Buffer.byteLength(text);
    const m = JSON.parse(text) as { type?: string; dropped?: number; skipped?: number };
    const type = m.type ?? "?";
    t.bytes += bytes;
    t.messages += 1;
    const row = t.byType.get(type) ?? { n: 0, bytes: 0 };
    row.n += 1;
    row.bytes += bytes;
    t.byType.set(type, row);
    t.skipped += (m.dropped ?? 0) + (m.skipped ?? 0);
  });
  return { ws, t };
}

async function main() {
  const vigil = await startBenchServer("live");
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let timer: NodeJS.Timeout | null = null;
  try {
    const pages = await Promise.all(
      Object.entries(PAGES).map(async ([name, hello]) => ({
        name,
        ...(await openPage(vigil.httpPort, vigil.token, hello)),
      })),
    );
    const sock = await openTcp(vigil.syslogPort);
    const mix = createTrafficMix({ seed: 7, singleLine: true });
    let sent = 0;
    const start = performance.now();
    // Paced in 10 ms ticks against the clock, so a late tick catches up instead of lowering the rate.
    timer = setInterval(() => {
      const due = Math.floor(((performance.now() - start) / 1000) * RATE);
      let chunk = "";
      while (sent < due && chunk.length < 1 << 20) {
        chunk += `${mix.next("").lines[0] ?? ""}\n`;
        sent += 1;
      }
      if (chunk) sock.write(chunk);
    }, 10);
    timer.unref();

    await sleep(WARMUP_S * 1000);
    const sent0 = sent;
    for (const p of pages) p.t.counting = true;
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    for (const p of pages) p.t.counting = false;
    const secs = (performance.now() - t0) / 1000;
    const offered = (sent - sent0) / secs;

    console.log(`\noffered ${Math.round(offered)} ev/s for ${secs.toFixed(1)} s (target ${RATE})`);
    for (const p of pages) {
      const kb = p.t.bytes / 1024 / secs;
      console.log(
        `${p.name.padEnd(11)} ${kb.toFixed(1).padStart(8)} KB/s  ${(p.t.messages / secs).toFixed(1).padStart(7)} msg/s  skipped/lagged reported ${p.t.skipped}`,
      );
      for (const [type, row] of [...p.t.byType].sort((a, b) => b[1].bytes - a[1].bytes)) {
        console.log(
          `    ${type.padEnd(18)} ${(row.n / secs).toFixed(1).padStart(7)} msg/s ${(row.bytes / 1024 / secs).toFixed(1).padStart(8)} KB/s`,
        );
      }
    }
    console.log(
      JSON.stringify({
        rate: RATE,
        offered: Math.round(offered),
        seconds: Number(secs.toFixed(1)),
        pages: Object.fromEntries(
          pages.map((p) => [
            p.name,
            {
              kbPerSec: Number((p.t.bytes / 1024 / secs).toFixed(1)),
              msgPerSec: Number((p.t.messages / secs).toFixed(1)),
            },
          ]),
        ),
      }),
    );
    for (const p of pages) p.ws.close();
    sock.end();
  } finally {
    if (timer) clearInterval(timer);
    await vigil.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
