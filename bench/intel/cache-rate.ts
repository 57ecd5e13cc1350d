/**
 * Threat lookups served from the cache, per second. Warms the cache for --ips distinct attacker IPs
 * against local fakes of all eleven providers (documented wire formats, the 70/20/10 mix of
 * tier-calls.ts), then times --lookups cached lookups of random warm IPs:
 *
 * 1. through the service (createThreatIntel(...).lookup.lookup, as the ban policy and enrichment
 *    call it), PGlite state store in a fresh directory, one at a time and --parallel at a time;
 * 2. through the HTTP route `GET /api/v1/threats/:ip`: Vigil started from the sources (tsx) with
 *    its embedded stores, `VIGIL_TI_*_URL` pointing at the same fakes, the admin's token, keep-alive.
 *
 * The fakes count requests, so "no provider was asked while timing" is checked, not assumed.
 *
 *   npx tsx bench/intel/cache-rate.ts [--ips 1000] [--lookups 20000] [--http-lookups 5000] [--parallel 16]
 */
import { cpus, loadavg } from "node:os";
import { createThreatIntel } from "../../packages/server/src/intel/lookup/threat-intel-feature.js";
import { arg, percentile, startBenchServer } from "../support/bench-server.js";
import { attackers, openBenchState, parseMix, pool, quietLog, startIntelFakes } from "./intel-fakes.js";

const IPS = Number(arg("ips", "1000"));
const LOOKUPS = Number(arg("lookups", "20000"));
const HTTP_LOOKUPS = Number(arg("http-lookups", "5000"));
const PARALLEL = Number(arg("parallel", "16"));
const MIX = parseMix(arg("mix", "70,20,10"));

const total = (calls: Record<string, number>) => Object.values(calls).reduce((s, n) => s + n, 0);

/** Times `n` calls of `one` over random warm IPs, `parallel` at a time. */
async function timed(ips: string[], n: number, parallel: number, one: (ip: string) => Promise<void>) {
  const picks = Array.from({ length: n }, () => ips[Math.floor(Math.random() * ips.length)] as string);
  const lat: number[] = [];
  const t0 = performance.now();
  await pool(picks, parallel, async (ip) => {
    const s = performance.now();
    await one(ip);
    lat.push(performance.now() - s);
  });
  const seconds = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return {
    perSecond: Math.round(n / seconds),
    p50: percentile(lat, 50).toFixed(2),
    p99: percentile(lat, 99).toFixed(2),
  };
}

function line(what: string, parallel: number, r: { perSecond: number; p50: string; p99: string }) {
  console.log(
    `| ${what} | ${parallel} | **${r.perSecond.toLocaleString("en")}** | ${r.p50} ms | ${r.p99} ms |`,
  );
}

async function main() {
  const list = attackers(IPS, MIX);
  const ips = list.map((a) => a.ip);
  const fakes = await startIntelFakes(list);
  console.log(
    `${IPS} warm IPs, ${cpus().length} CPUs, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const rows: Array<() => void> = [];
  try {
    // 1. The service.
    const state = await openBenchState("intel-cache");
    const intel = createThreatIntel({ db: state.store.db, config: fakes.config(), log: quietLog });
    try {
      const w0 = performance.now();
      await pool(ips, 8, async (ip) => {
        await intel.lookup.lookup(ip);
      });
      const warmS = (performance.now() - w0) / 1000;
      const warmCalls = total(fakes.calls());
      console.log(
        `service: warmed ${IPS} IPs in ${warmS.toFixed(1)} s (${Math.round(IPS / warmS)} uncached lookups/s, ${warmCalls} provider calls)`,
      );
      for (const parallel of [1, PARALLEL]) {
        const r = await timed(ips, LOOKUPS, parallel, async (ip) => {
          const res = await intel.lookup.lookup(ip);
          if (!res.cached) throw new Error(`${ip} was not served from the cache`);
        });
        rows.push(() => line("service `lookup()`", parallel, r));
      }
      const leaked = total(fakes.calls()) - warmCalls;
      if (leaked !== 0) throw new Error(`${leaked} provider calls while timing cached lookups`);
    } finally {
      await intel.close();
      await state.dispose();
    }

    // 2. The HTTP route, on a server of its own with the same fakes.
    for (const f of Object.values(fakes.fakes)) f.requests.length = 0;
    const vigil = await startBenchServer("intel-cache", fakes.env);
    try {
      const w0 = performance.now();
      await pool(ips, 8, async (ip) => {
        const r = await vigil.api("GET", `/api/v1/threats/${ip}`);
        if (r.status !== 200) throw new Error(`warm ${ip}: ${r.status} ${JSON.stringify(r.json)}`);
      });
      const warmS = (performance.now() - w0) / 1000;
      const warmCalls = total(fakes.calls());
      console.log(`http: warmed ${IPS} IPs in ${warmS.toFixed(1)} s (${warmCalls} provider calls)`);
      const headers = { authorization: `Bearer ${vigil.token}` };
      for (const parallel of [1, PARALLEL]) {
        const r = await timed(ips, HTTP_LOOKUPS, parallel, async (ip) => {
          const res = await fetch(`${vigil.url}/api/v1/threats/${ip}`, { headers });
          const body = (await res.json()) as { cached?: boolean };
          if (res.status !== 200 || body.cached !== true) throw new Error(`${ip}: ${res.status}, not cached`);
        });
        rows.push(() => line("`GET /api/v1/threats/:ip`", parallel, r));
      }
      const leaked = total(fakes.calls()) - warmCalls;
      if (leaked !== 0) throw new Error(`${leaked} provider calls while timing cached lookups`);
      // Baseline: the cheapest signed-in request (token check, scope, JSON), to tell the route's own
      // cost from the price of any authenticated request on this machine.
      for (const parallel of [1, PARALLEL]) {
        const r = await timed(ips, HTTP_LOOKUPS, parallel, async () => {
          const res = await fetch(`${vigil.url}/api/v1/auth/me`, { headers });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`/api/v1/auth/me: ${res.status}`);
        });
        rows.push(() => line("baseline `GET /api/v1/auth/me`", parallel, r));
      }
    } finally {
      await vigil.stop();
    }
  } finally {
    await fakes.close();
  }
  console.log(
    `\n${LOOKUPS} service lookups, ${HTTP_LOOKUPS} HTTP lookups of random warm IPs; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
  );
  console.log("| through | at a time | cached lookups/s | p50 | p99 |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of rows) r();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
