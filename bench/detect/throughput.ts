/**
 * Detection throughput: events/s through the streaming engine with every shipped scenario
 * (`scenarios/*.yaml`) over a realistic mix of parsed Events from --ips distinct source IPs, fed in
 * batches as the ingest pipeline does. Measures wall and CPU rate of `engine.process()` only (event
 * generation is not timed), keys held, and heap growth. The engine's receive clock follows the batch
 * time, so the skew guard runs exactly as in the server.
 *
 *   npx tsx bench/detect/throughput.ts [--events 1000000] [--ips 100000] [--batch 1000] [--runs 3] [--span-min 30]
 *   (node --expose-gc --import tsx bench/detect/throughput.ts  gives settled heap figures)
 */
import { cpus, loadavg } from "node:os";
import { createDetectionEngine } from "../../packages/server/src/detection/engine.js";
import {
  builtinScenariosDir,
  loadScenarioFolder,
} from "../../packages/server/src/detection/scenario-files.js";
import { generateMix } from "./synthetic-events.js";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const EVENTS = Number(arg("events", "1000000"));
const IPS = Number(arg("ips", "100000"));
const BATCH = Number(arg("batch", "1000"));
const RUNS = Number(arg("runs", "3"));
/** Minutes of event time the set covers: short spans keep every source inside its window at once. */
const SPAN_MIN = Number(arg("span-min", "30"));

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 1048576;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en");

const folder = await loadScenarioFolder(builtinScenariosDir(), "builtin");
if (folder.errors.length > 0) throw new Error(folder.errors.map((e) => e.message).join("\n"));
const scenarios = folder.scenarios.map((f) => f.scenario);

const t0 = performance.now();
// Default 30 min of event time: windows (1-10 min) open and expire during the run, so eviction runs.
const spanMs = SPAN_MIN * 60_000;
const mix = generateMix({ events: EVENTS, distinctIps: IPS, spanMs, start: Date.now() - spanMs });
console.log(
  `generated ${fmt(mix.events.length)} events from ${fmt(mix.ips)} distinct source IPs in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
console.log(
  `mix: ${Object.entries(mix.kinds)
    .map(([k, n]) => `${k} ${((100 * n) / mix.events.length).toFixed(1)}%`)
    .join(", ")}`,
);
console.log(`scenarios: ${scenarios.map((s) => s.name).join(", ")}`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, node ${process.version}`);

const results: { rateWall: number; rateCpu: number }[] = [];
for (let run = 1; run <= RUNS; run++) {
  const byScenario = new Map<string, number>();
  const banned = new Set<string>();
  let clock = 0;
  const engine = createDetectionEngine({
    scenarios,
    now: () => clock,
    onDetection: (d) => {
      byScenario.set(d.scenario, (byScenario.get(d.scenario) ?? 0) + 1);
      if (d.action === "ban") banned.add(d.value);
    },
  });
  const heap0 = heapMb();
  let peakKeys = 0;
  const load0 = loadavg()[0] as number;
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < mix.events.length; i += BATCH) {
    const batch = mix.events.slice(i, i + BATCH);
    clock = (batch[batch.length - 1] as { timestamp: number }).timestamp;
    engine.process(batch);
    if ((i / BATCH) % 50 === 0) peakKeys = Math.max(peakKeys, engine.stats().keys);
  }
  const wall = (performance.now() - w0) / 1000;
  const c = process.cpuUsage(cpu0);
  const cpu = (c.user + c.system) / 1e6;
  const st = engine.stats();
  peakKeys = Math.max(peakKeys, st.keys);
  const heap1 = heapMb();
  const rateWall = mix.events.length / wall;
  const rateCpu = mix.events.length / cpu;
  results.push({ rateWall, rateCpu });
  console.log(
    `run ${run}: ${fmt(rateWall)} events/s wall, ${fmt(rateCpu)} events/s CPU (${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU); ` +
      `keys held at end ${fmt(st.keys)} (peak sampled ${fmt(peakKeys)}), key-cap hits ${st.keyCapHits}, skewed ${st.skewed}; ` +
      `heap +${(heap1 - heap0).toFixed(0)} MB${gc ? "" : " (no --expose-gc: approximate)"}; ` +
      `detections ${fmt(st.detections)} (${[...byScenario].map(([k, n]) => `${k} ${n}`).join(", ")}), ${fmt(banned.size)} IPs to ban; ` +
      `load avg ${load0.toFixed(2)} → ${(loadavg()[0] as number).toFixed(2)}`,
  );
}
const best = results.reduce((a, b) => (b.rateWall > a.rateWall ? b : a));
const median = [...results].sort((a, b) => a.rateWall - b.rateWall)[Math.floor(results.length / 2)] ?? best;
console.log(
  JSON.stringify({
    events: mix.events.length,
    distinct_ips: mix.ips,
    batch: BATCH,
    median_events_per_s_wall: Math.round(median.rateWall),
    median_events_per_s_cpu: Math.round(median.rateCpu),
    best_events_per_s_wall: Math.round(best.rateWall),
    loadavg: loadavg().map((x) => Number(x.toFixed(2))),
  }),
);
