/**
 * The side-by-side table for docs/PERFORMANCE.md from one bench/detect/peers.sh run: reads CrowdSec's
 * and fail2ban's results (written by /work/shared/bench-peers scripts) and Vigil's summary.json.
 *
 *   npx tsx bench/detect/peers-table.ts [WORKDIR]
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const work = process.argv[2] ?? "/tmp/vigil-peers";
type Row = Record<string, unknown>;
const jsonl = (p: string): Row[] =>
  existsSync(p)
    ? readFileSync(p, "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as Row)
    : [];
const num = (r: Row | undefined, k: string): number =>
  typeof r?.[k] === "number" ? (r[k] as number) : Number.NaN;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const f = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en") : "—");

interface Line {
  tool: string;
  log: string;
  lines: number;
  wall: number;
  cpu: number;
  banned: number;
  attackers: number;
  tp: number;
  scanners: number;
  benign: number;
}
const out: Line[] = [];

for (const [log, dir, label] of [
  ["sshd", "crowdsec", "sshd"],
  ["nginx", "crowdsec-nginx", "nginx"],
] as const) {
  const runs = jsonl(join(work, "results", dir, "results.jsonl")).filter((r) => r.label === label);
  const r = runs[runs.length - 1];
  if (!r) continue;
  const tp = num(r, "truth_detected_attacker_ips");
  const sc = log === "sshd" ? num(r, "truth_detected_scanner_ips") : 0;
  out.push({
    tool: "CrowdSec 1.4.6 (file replay, hub scenarios)",
    log,
    lines: num(r, "lines"),
    wall: median(runs.map((x) => num(x, "lines_per_s_wall"))),
    cpu: median(runs.map((x) => num(x, "lines_per_cpu_s"))),
    banned: num(r, "banned_ips"),
    attackers: num(r, "truth_attacker_ips_in_log"),
    tp,
    scanners: sc,
    benign: num(r, "truth_detected_benign_ips"),
  });
}

const f2bRuns = jsonl(join(work, "results", "fail2ban", "results.jsonl"));
for (const b of jsonl(join(work, "results", "fail2ban", "bans.jsonl"))) {
  const label = String(b.label);
  const runs = f2bRuns.filter((r) => r.label === label);
  out.push({
    tool: `fail2ban 1.0.2 (fail2ban-regex ${label === "sshd" ? "sshd" : "nginx-botsearch"}, maxretry 5 / 600 s)`,
    log: label === "sshd" ? "sshd" : "nginx",
    lines: num(runs[0], "lines"),
    wall: median(runs.map((x) => num(x, "lines_per_s_wall"))),
    cpu: median(runs.map((x) => num(x, "lines_per_cpu_s"))),
    banned: num(b, "banned_ips"),
    attackers: num(b, "truth_attacker_ips_in_log"),
    tp: num(b, "truth_detected_attacker_ips"),
    scanners: label === "sshd" ? num(b, "truth_detected_scanner_ips") : 0,
    benign: num(b, "truth_detected_benign_ips"),
  });
}

const vigilPath = join(work, "results", "vigil", "summary.json");
if (existsSync(vigilPath)) {
  for (const v of JSON.parse(readFileSync(vigilPath, "utf8")) as Row[]) {
    out.push({
      tool: "Vigil (parseLine + detection engine, shipped scenarios)",
      log: String(v.log).replace(/\.log$/, ""),
      lines: num(v, "lines"),
      wall: num(v, "lines_per_s_wall_median"),
      cpu: num(v, "lines_per_s_cpu_median"),
      banned: num(v, "banned"),
      attackers: num(v, "attackers_in_log"),
      tp: num(v, "true_positives"),
      scanners: num(v, "scanners_banned"),
      benign: num(v, "false_positives_benign"),
    });
  }
}

out.sort((a, b) => a.log.localeCompare(b.log) * -1 || a.tool.localeCompare(b.tool));
console.log(
  "| log | tool | lines | lines/s (wall) | lines per CPU-s | IPs banned | attackers in log | true positives | missed | scanners banned | benign banned (false positives) |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const l of out) {
  console.log(
    `| ${l.log} | ${l.tool} | ${f(l.lines)} | ${f(l.wall)} | ${f(l.cpu)} | ${f(l.banned)} | ${f(l.attackers)} | ${f(l.tp)} | ${f(l.attackers - l.tp)} | ${f(l.scanners)} | ${f(l.benign)} |`,
  );
}
