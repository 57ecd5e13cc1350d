/**
 * Provider calls spent per 1,000 distinct attacker IPs under the tier rule (docs/THREAT-INTEL.md §3):
 * all eleven providers configured against local fakes speaking their documented wire formats, each IP
 * looked up once through the threat-intel service (createThreatIntel, as the server assembles it),
 * `--parallel` lookups at a time. Calls are counted by the fakes (what reached each provider), twice:
 * with the daily quotas Vigil ships (which cap GreyNoise, CrowdSec and Pulsedive), and with every quota
 * lifted, which shows what the tier rule alone asks for.
 *
 *   npx tsx bench/intel/tier-calls.ts [--ips 1000] [--mix 70,20,10] [--parallel 8]
 */
import { cpus, loadavg } from "node:os";
import { createThreatIntel } from "../../packages/server/src/intel/lookup/threat-intel-feature.js";
import type { Tier } from "../../packages/server/src/intel/providers/provider.js";
import { arg } from "../support/bench-server.js";
import {
  type AttackerClass,
  attackers,
  openBenchState,
  parseMix,
  pool,
  quietLog,
  startIntelFakes,
} from "./intel-fakes.js";

const IPS = Number(arg("ips", "1000"));
const MIX = parseMix(arg("mix", "70,20,10"));
const PARALLEL = Number(arg("parallel", "8"));

const TIER: Record<string, Tier> = {
  ipsum: 1,
  otx: 1,
  threatfox: 1,
  urlhaus: 1,
  internetdb: 1,
  abuseipdb: 2,
  greynoise: 2,
  crowdsec: 2,
  virustotal: 3,
  criminalip: 3,
  pulsedive: 3,
};

const UNLIMITED = Object.fromEntries(Object.keys(TIER).map((p) => [p, null]));

interface RunResult {
  calls: Record<string, number>;
  /** Rows per provider with status quota (not asked: the day's quota was spent or it backed off). */
  quotaRows: Record<string, number>;
  /** Per class: how many IPs reached tier 2, tier 3, and their mean score. */
  byClass: Record<AttackerClass, { n: number; tier2: number; tier3: number; scoreSum: number }>;
  ipsumInLookup: boolean;
  seconds: number;
}

async function run(label: string, quotas: Record<string, null> | undefined): Promise<RunResult> {
  const ips = attackers(IPS, MIX);
  const intelFakes = await startIntelFakes(ips);
  const state = await openBenchState("intel-tiers");
  const intel = createThreatIntel({
    db: state.store.db,
    config: intelFakes.config(),
    log: quietLog,
    ...(quotas ? { quotas } : {}),
  });
  try {
    // IPsum is a daily download: wait for the list to be in memory before the first lookup.
    let ipsumInLookup = false;
    for (let i = 0; i < 100; i++) {
      const status = (await intel.lookup.providers()).find((p) => p.name === "ipsum") as
        | { list?: { entries: number | null } }
        | undefined;
      if (!status) break;
      if ((status.list?.entries ?? 0) > 0) {
        ipsumInLookup = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = intelFakes.calls();
    const quotaRows: Record<string, number> = {};
    const byClass = {
      unknown: { n: 0, tier2: 0, tier3: 0, scoreSum: 0 },
      mid: { n: 0, tier2: 0, tier3: 0, scoreSum: 0 },
      malicious: { n: 0, tier2: 0, tier3: 0, scoreSum: 0 },
    };
    const t0 = performance.now();
    await pool(ips, PARALLEL, async ({ ip, cls }) => {
      const r = await intel.lookup.lookup(ip);
      const c = byClass[cls];
      c.n++;
      c.scoreSum += r.aggregated_score;
      const asked = (tier: Tier) => r.providers.some((p) => p.tier === tier && p.status !== "skipped");
      if (asked(2)) c.tier2++;
      if (asked(3)) c.tier3++;
      for (const p of r.providers) if (p.status === "quota") quotaRows[p.name] = (quotaRows[p.name] ?? 0) + 1;
    });
    const seconds = (performance.now() - t0) / 1000;
    const after = intelFakes.calls();
    const calls = Object.fromEntries(Object.keys(after).map((p) => [p, (after[p] ?? 0) - (before[p] ?? 0)]));
    // IPsum's calls are its downloads, made before the first lookup.
    calls.ipsum = after.ipsum ?? 0;
    console.log(`${label}: ${IPS} lookups in ${seconds.toFixed(1)} s`);
    return { calls, quotaRows, byClass, ipsumInLookup, seconds };
  } finally {
    await intel.close();
    await state.dispose();
    await intelFakes.close();
  }
}

function report(label: string, r: RunResult): void {
  // Quotas cap absolute counts, so the table gives what --ips IPs cost, never a rescaled figure.
  const tierSum = (t: Tier) =>
    Object.entries(r.calls)
      .filter(([p]) => TIER[p] === t && p !== "ipsum")
      .reduce((s, [, n]) => s + n, 0);
  console.log(`\n### ${label}\n`);
  console.log(`| provider | tier | calls for ${IPS} IPs | rows \`quota\` |`);
  console.log("| --- | --- | --- | --- |");
  for (const p of Object.keys(TIER)) {
    const calls = p === "ipsum" ? `${r.calls[p] ?? 0} file download(s)` : String(r.calls[p] ?? 0);
    console.log(`| ${p} | ${TIER[p]} | ${calls} | ${r.quotaRows[p] ?? 0} |`);
  }
  const t1 = tierSum(1);
  const t2 = tierSum(2);
  const t3 = tierSum(3);
  console.log(`\ntier 1: ${t1}, tier 2: ${t2}, tier 3: ${t3}, total: ${t1 + t2 + t3} calls for ${IPS} IPs`);
  for (const [cls, c] of Object.entries(r.byClass)) {
    if (c.n === 0) continue;
    console.log(
      `  ${cls}: ${c.n} IPs, ${c.tier2} reached tier 2, ${c.tier3} tier 3, mean score ${(c.scoreSum / c.n).toFixed(1)}`,
    );
  }
  console.log(`  IPsum consulted in the lookup: ${r.ipsumInLookup ? "yes" : "no (not in this build)"}`);
}

async function main() {
  console.log(
    `${IPS} distinct IPs, mix unknown/mid/malicious ${MIX.unknown}/${MIX.mid}/${MIX.malicious} %, ${PARALLEL} lookups at a time; ${cpus().length} CPUs, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const shipped = await run("daily quotas as shipped", undefined);
  const lifted = await run("every quota lifted", UNLIMITED);
  report("Daily quotas as shipped", shipped);
  report("Every quota lifted (the tier rule alone)", lifted);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
