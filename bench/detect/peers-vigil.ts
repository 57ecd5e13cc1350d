/**
 * Vigil's side of the peer replay (bench/detect/peers.sh): every line of the generated sshd and
 * nginx logs goes through the same path as a syslog line in the server — header, `parseLine`,
 * `finishEvent` — and then the streaming detection engine with every shipped scenario, in batches of
 * 1000, on event time (`maxSkewMs: null`, as a replay; CrowdSec's file mode does the same). Not
 * included: storage and the ban policy. Prints lines/s (wall and CPU) and compares the IPs Vigil
 * would ban with gen_logs.py's ground truth (`*.truth.json`).
 *
 *   npx tsx bench/detect/peers-vigil.ts --logs DIR [--out DIR] [--runs 3]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { basename, join } from "node:path";
import { createDetectionEngine } from "../../packages/server/src/detection/engine.js";
import {
  builtinScenariosDir,
  loadScenarioFolder,
} from "../../packages/server/src/detection/scenario-files.js";
import type { Event } from "../../packages/server/src/ingest/event.js";
import { finishEvent } from "../../packages/server/src/ingest/normalise.js";
import { parseLine } from "../../packages/server/src/ingest/parsers/registry.js";
import { parseSyslogHeader } from "../../packages/server/src/ingest/syslog/header.js";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const LOGS = arg("logs", "/tmp/vigil-peers/logs");
const OUT = arg("out", "");
const RUNS = Number(arg("runs", "3"));
const BATCH = 1000;

const folder = await loadScenarioFolder(builtinScenariosDir(), "builtin");
if (folder.errors.length > 0) throw new Error(folder.errors.map((e) => e.message).join("\n"));
const scenarios = folder.scenarios.map((f) => f.scenario);

interface Truth {
  attacker_ips_seen?: string[];
  scanner_ips_seen?: string[];
  prober_ips_seen?: string[];
  bruteforce_ips_seen?: string[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function replay(lines: string[]) {
  const banned = new Set<string>();
  const byScenario: Record<string, number> = {};
  const engine = createDetectionEngine({
    scenarios,
    maxSkewMs: null,
    onDetection: (d) => {
      byScenario[d.scenario] = (byScenario[d.scenario] ?? 0) + 1;
      if (d.action === "ban" && d.group_by === "src_ip") banned.add(d.value);
    },
  });
  const ctx = { receivedAt: Date.now(), timezone: "UTC" };
  const origin = { site: "bench", sender: "127.0.0.1" };
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  let batch: Event[] = [];
  let parsed = 0;
  for (const line of lines) {
    const h = parseSyslogHeader(line, ctx);
    const r = parseLine(h.message, { ...ctx, syslog: h.meta });
    if (!r.event) continue;
    const e = finishEvent(r.event, origin, null, ctx.receivedAt);
    if (e.source_type !== "unknown") parsed++;
    batch.push(e);
    if (batch.length === BATCH) {
      engine.process(batch);
      batch = [];
    }
  }
  engine.process(batch);
  const wall = (performance.now() - w0) / 1000;
  const c = process.cpuUsage(cpu0);
  return { wall, cpu: (c.user + c.system) / 1e6, parsed, banned, byScenario, keys: engine.stats().keys };
}

function ipsIn(lines: string[], kind: string): Set<string> {
  const s = new Set<string>();
  const re = /(?:from|with|by|for) (\d{1,3}(?:\.\d{1,3}){3})\b/;
  for (const l of lines) {
    if (kind === "nginx") s.add(l.slice(0, l.indexOf(" ")));
    else {
      const m = re.exec(l);
      if (m?.[1]) s.add(m[1]);
    }
  }
  return s;
}

const summary: Record<string, unknown>[] = [];
for (const kind of ["sshd", "nginx"]) {
  const file = join(LOGS, `${kind}.log`);
  const lines = readFileSync(file, "utf8").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const truth = JSON.parse(readFileSync(join(LOGS, `${kind}.truth.json`), "utf8")) as Truth;
  const present = ipsIn(lines, kind);
  const bad = new Set(
    kind === "sshd"
      ? (truth.attacker_ips_seen ?? [])
      : [...(truth.prober_ips_seen ?? []), ...(truth.bruteforce_ips_seen ?? [])],
  );
  const scanners = new Set(truth.scanner_ips_seen ?? []);
  const badHere = [...bad].filter((ip) => present.has(ip));
  let last: ReturnType<typeof replay> | null = null;
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const load = (loadavg()[0] as number).toFixed(2);
    last = replay(lines);
    rates.push(lines.length / last.wall);
    cpuRates.push(lines.length / last.cpu);
    console.log(
      `${kind} run ${run}: ${Math.round(lines.length / last.wall).toLocaleString("en")} lines/s wall, ` +
        `${Math.round(lines.length / last.cpu).toLocaleString("en")} lines/s CPU (${last.wall.toFixed(2)} s; load ${load}); ` +
        `parsed ${last.parsed}/${lines.length}; detections ${JSON.stringify(last.byScenario)}; would ban ${last.banned.size}`,
    );
  }
  if (!last) continue;
  const tp = [...last.banned].filter((ip) => bad.has(ip)).length;
  const scan = [...last.banned].filter((ip) => scanners.has(ip)).length;
  const row = {
    tool: "vigil",
    log: basename(file),
    lines: lines.length,
    lines_per_s_wall_median: Math.round(
      [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)] as number,
    ),
    lines_per_s_cpu_median: Math.round(median(cpuRates)),
    banned: last.banned.size,
    attackers_in_log: badHere.length,
    true_positives: tp,
    scanners_banned: scan,
    false_positives_benign: last.banned.size - tp - scan,
    missed: badHere.length - tp,
    missed_ips: badHere.filter((ip) => !last?.banned.has(ip)),
  };
  console.log(JSON.stringify(row));
  summary.push(row);
  if (OUT) {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, `${kind}.banned.txt`), `${[...last.banned].sort().join("\n")}\n`);
  }
}
if (OUT) writeFileSync(join(OUT, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
