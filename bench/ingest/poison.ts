/**
 * Hostile senders (issue 8), measured end to end on loopback, each phase against a fresh Vigil:
 *
 *  clean     --rate lines/s of JSON syslog over --connections TCP connections for --seconds
 *  poisoned  the same, with --poison % of the lines carrying a `1e300` timestamp
 *  big       --big lines of 4 MB over TCP (default limit: cut at 64 KiB), then a flood of --flood
 *            maximum-size (64 KiB) lines; GET /api/v1/events must answer 200 throughout
 *
 * For clean/poisoned it prints the store rate (lines / time from the first send until every line is
 * queryable), how long the senders were held paused, and how many poisoned lines were kept (stored with
 * the receive time, flagged in parse_error). For big: peak RSS of the server and the list's status.
 *
 *   npx tsx bench/ingest/poison.ts [--rate 5000] [--seconds 20] [--poison 1] [--connections 4]
 *                                  [--big 20] [--flood 5000] [--skip-big]
 */
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { arg, openTcp, startBenchServer } from "../support/bench-server.js";

const RATE = Number(arg("rate", "5000"));
const SECONDS = Number(arg("seconds", "20"));
const POISON = Number(arg("poison", "1"));
const CONNECTIONS = Number(arg("connections", "4"));
const BIG = Number(arg("big", "20"));
const FLOOD = Number(arg("flood", "5000"));

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Writes, and waits for 'drain' when the socket is full; returns how long it was held. */
async function send(s: Socket, text: string): Promise<number> {
  if (s.write(text)) return 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => s.once("drain", resolve));
  return performance.now() - t0;
}

async function flow(poisonPct: number) {
  const vigil = await startBenchServer(`poison-${poisonPct}`);
  try {
    const run = `r${Date.now().toString(36)}`;
    const total = RATE * SECONDS;
    const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => openTcp(vigil.syslogPort)));
    const held = new Array<number>(CONNECTIONS).fill(0);
    const every = poisonPct > 0 ? Math.round(100 / poisonPct) : 0;
    let poisoned = 0;
    const t0 = performance.now();
    const tickMs = 20;
    const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
    let seq = 0;
    while (seq < total) {
      const chunks = Array.from({ length: CONNECTIONS }, () => [] as string[]);
      for (let i = 0; i < perTick && seq < total; i++, seq++) {
        const bad = every > 0 && seq % every === every - 1;
        if (bad) poisoned++;
        const ts = bad ? "1e300" : String(Date.now());
        const kind = bad ? "poison" : "good";
        const line = `<13>1 ${new Date().toISOString()} bench app - - - {"timestamp":${ts},"message":"${run}-${kind}-${seq}","src_ip":"192.0.2.${seq % 250}","dst_port":443}`;
        chunks[seq % CONNECTIONS]?.push(line);
      }
      const waits = await Promise.all(
        chunks.map((c, i) => (c.length > 0 ? send(sockets[i] as Socket, `${c.join("\n")}\n`) : 0)),
      );
      waits.forEach((w, i) => {
        held[i] = (held[i] ?? 0) + w;
      });
      const due = t0 + (seq / RATE) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const sentMs = performance.now() - t0;
    for (const s of sockets) s.end();
    const count = async (q: string) => {
      const r = await vigil.api("GET", `/api/v1/events/stats?from=2000-01-01T00:00:00Z&q=${q}`);
      return (r.json as { total: number }).total;
    };
    for (;;) {
      if ((await count(run)) >= total) break;
      if (performance.now() - t0 > 600_000) throw new Error("not all lines stored after 10 minutes");
      await new Promise((r) => setTimeout(r, 200));
    }
    const storedMs = performance.now() - t0;
    const kept = poisoned > 0 ? await count(`${run}-poison`) : 0;
    const good = await count(`${run}-good`);
    const flagged =
      poisoned > 0
        ? (
            (await vigil.api("GET", `/api/v1/events?from=2000-01-01T00:00:00Z&q=${run}-poison&limit=1`))
              .json as { items: { parse_error: string }[] }
          ).items[0]?.parse_error
        : "";
    return {
      lines: total,
      good,
      poisoned,
      kept,
      sendSeconds: sentMs / 1000,
      storeRate: total / (storedMs / 1000),
      maxHeldSeconds: Math.max(...held) / 1000,
      flagged,
    };
  } finally {
    await vigil.stop();
  }
}

async function big() {
  const vigil = await startBenchServer("big");
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(vigil.pid));
  }, 100);
  const statuses = new Map<number, number>();
  let listing = true;
  const lister = (async () => {
    while (listing) {
      const r = await vigil.api("GET", "/api/v1/events?limit=100");
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      await new Promise((res) => setTimeout(res, 250));
    }
  })();
  try {
    const idle = rssMb(vigil.pid);
    const s = await openTcp(vigil.syslogPort);
    const head = `<13>1 ${new Date().toISOString()} bench app - - - `;
    for (let i = 0; i < BIG; i++) await send(s, `${head}big-${i} ${"x".repeat(4 << 20)}\n`);
    const max = `${head}flood ${"y".repeat((64 << 10) - head.length - 7)}\n`;
    for (let i = 0; i < FLOOD; i++) await send(s, max);
    s.end();
    const t0 = performance.now();
    for (;;) {
      const r = await vigil.api("GET", "/api/v1/events/stats?from=2000-01-01T00:00:00Z");
      if ((r.json as { total: number }).total >= BIG + FLOOD) break;
      if (performance.now() - t0 > 600_000) throw new Error("big: not all stored after 10 minutes");
      await new Promise((res) => setTimeout(res, 250));
    }
    listing = false;
    await lister;
    const final = await vigil.api("GET", "/api/v1/events?limit=100");
    return {
      idleRssMb: idle,
      peakRssMb: peak,
      listStatuses: Object.fromEntries(statuses),
      finalList: final.status,
    };
  } finally {
    listing = false;
    clearInterval(sampler);
    await vigil.stop();
  }
}

async function main() {
  console.log(`offered ${RATE} lines/s for ${SECONDS} s over ${CONNECTIONS} TCP connections`);
  const clean = await flow(0);
  console.log("clean   ", JSON.stringify(clean));
  const poisoned = await flow(POISON);
  console.log("poisoned", JSON.stringify(poisoned));
  console.log(
    `store rate: clean ${clean.storeRate.toFixed(0)}/s, ${POISON} % poisoned ${poisoned.storeRate.toFixed(0)}/s ` +
      `(${((poisoned.storeRate / clean.storeRate) * 100).toFixed(0)} % of clean); ` +
      `valid lines stored ${poisoned.good}/${poisoned.lines - poisoned.poisoned}; poisoned kept ${poisoned.kept}/${poisoned.poisoned}; ` +
      `senders held at most ${poisoned.maxHeldSeconds.toFixed(1)} s (clean ${clean.maxHeldSeconds.toFixed(1)} s)`,
  );
  if (!process.argv.includes("--skip-big")) {
    const b = await big();
    console.log(
      `big: ${BIG} lines of 4 MB then ${FLOOD} lines of 64 KiB: idle RSS ${b.idleRssMb.toFixed(0)} MB, peak ${b.peakRssMb.toFixed(0)} MB; ` +
        `GET /api/v1/events statuses during the flood ${JSON.stringify(b.listStatuses)}, after ${b.finalList}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
