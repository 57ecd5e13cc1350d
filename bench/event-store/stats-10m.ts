/**
 * Console query latency over 10 million events in a fresh chDB directory, with the real migrations.
 * The rows are generated inside the engine (INSERT ... SELECT FROM numbers) so the fill takes seconds,
 * not the hour a JS generator would; the value mix follows synthetic.ts.
 * Run: `npx tsx bench/event-store/stats-10m.ts [rows]`. Prints timings as JSON (cold run, then median of 5).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { silentLog } from "../../packages/server/src/storage/clickhouse-log.js";
import type { QueryParams } from "../../packages/server/src/storage/event-store.js";
import { createEventStore } from "../../packages/server/src/storage/event-store-factory.js";

const ROWS = Number(process.argv[2] ?? 10_000_000);
const DAYS = 7;
// DATA_DIR=<dir> reuses (and keeps) a directory filled by an earlier run.
const keep = process.env.DATA_DIR !== undefined;
const dataDir = process.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), "vigil-bench-stats-"));
const store = await createEventStore({
  dataDir,
  log: silentLog,
  retention: { eventsDays: 30, modsecDays: 30 },
});
const now = Date.now();

const fillSql = `INSERT INTO events
SELECT
  generateUUIDv7() AS event_id,
  fromUnixTimestamp64Milli(toInt64({now:Int64} - (cityHash64(number, 1) % ({days:UInt32} * 86400000)))) AS timestamp,
  concat('site-', leftPad(toString(intDiv((cityHash64(number, 2) % 30) * (cityHash64(number, 3) % 30), 30)), 2, '0')) AS site,
  'sophos', '10.0.0.1',
  ['Firewall','Firewall','Firewall','Firewall','WAF','WAF','IPS','ATP','Anti-Virus','VPN'][1 + cityHash64(number, 4) % 10] AS log_type,
  if(log_type = 'WAF', 'Web', 'Network'), if(log_type = 'WAF', 'SQLi', 'Policy'),
  ['info','info','info','low','low','medium','medium','high','critical'][1 + cityHash64(number, 5) % 9] AS severity,
  if(severity = 'info', '', 'T1190'),
  if(cityHash64(number, 6) % 10 = 0,
     concat('2001:db8:', hex(cityHash64(number, 7) % 5000), '::1'),
     IPv4NumToString(toUInt32(167772160 + (cityHash64(number, 7) % 50000) * 997))) AS src_ip,
  concat('192.168.', toString(cityHash64(number, 8) % 4), '.', toString(1 + cityHash64(number, 9) % 250)),
  1024 + cityHash64(number, 10) % 60000, [22, 80, 443, 3389, 8080][1 + cityHash64(number, 11) % 5],
  ['TCP','UDP','ICMP'][1 + cityHash64(number, 12) % 3],
  ['allow','allow','drop','drop','reject','quarantine',''][1 + cityHash64(number, 13) % 7] AS action,
  toString(940000 + cityHash64(number, 14) % 3000), concat('Rule ', toString(cityHash64(number, 15) % 200)),
  concat('fw-', site), if(cityHash64(number, 16) % 10 = 0, concat('user', toString(cityHash64(number, 17) % 500)), ''),
  ['/','/login','/wp-login.php','/api/v1/items?id=1','/../../etc/passwd','/search?q=<script>'][1 + cityHash64(number, 18) % 6] AS url,
  if(log_type = 'WAF', 'GET', ''), if(log_type = 'WAF', 403, 0), if(log_type = 'WAF', 'Mozilla/5.0 (X11; Linux x86_64)', ''),
  ['FR','US','CN','RU','DE','NL','BR','IN','VN','GB'][1 + cityHash64(number, 19) % 10], '', cityHash64(number, 20) % 60000,
  'Example Networks', 48.85, 2.35,
  ['SQL injection attempt blocked','Cross-site scripting payload detected','Port scan detected from external host',
   'SSH brute force login failure','Connection allowed by policy','Malware download blocked: EICAR-Test-File',
   'VPN tunnel established for user','Path traversal attempt in URI'][1 + cityHash64(number, 21) % 8] AS message,
  '',
  concat('device="SFW" device_id="X21000ABCDEF" log_id="0', toString(number), '" log_type="', log_type, '" priority="', severity,
         '" src_ip="', src_ip, '" dst_ip="192.168.1.10" protocol="TCP" url="', url, '" message="', message, '"'),
  if(log_type = 'WAF', ['942100', '949110'], []), if(log_type = 'WAF', ['SQL Injection Attack Detected', 'Inbound Anomaly Score Exceeded'], []),
  if(log_type = 'WAF', concat('ZfRk', hex(number)), ''),
  '075000617', 'X21000ABCDEF', '', now64(3)
FROM numbers({offset:UInt64}, {count:UInt64})`;

const t0 = performance.now();
const CHUNK = 1_000_000;
const [existing] = await store.query<{ n: number }>("SELECT count() AS n FROM events");
for (let off = existing?.n ?? 0; off < ROWS; off += CHUNK) {
  await store.exec(fillSql, { now, days: DAYS, offset: off, count: Math.min(CHUNK, ROWS - off) });
}
const fillMs = performance.now() - t0;
// Background merges right after a fill would be timed with the queries (same process): let them settle.
for (let i = 0; i < 120; i++) {
  const [m] = await store.query<{ n: number }>("SELECT count() AS n FROM system.merges");
  if ((m?.n ?? 0) === 0) break;
  await new Promise((r) => setTimeout(r, 1000));
}
const fmt = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");
const range = { from: fmt(now - DAYS * 86_400_000), to: fmt(now + 1000) };
const day = { from: fmt(now - 86_400_000), to: fmt(now + 1000) };

const HOURS =
  "toStartOfHour(timestamp) >= toStartOfHour({from:DateTime64(3)}) AND toStartOfHour(timestamp) <= toStartOfHour({to:DateTime64(3)})";
// The stats endpoint's shape: one branch per dimension, each answered by projection p_counts, and
// distinct source IPs by p_src_ips; branches of a UNION ALL run in parallel.
const statsByProjection = (extra: string) =>
  [
    ...["site", "log_type", "severity", "action"].map(
      (d) =>
        `SELECT '${d}' AS dim, ${d} AS value, count() AS n FROM events WHERE ${HOURS} ${extra} GROUP BY ${d}`,
    ),
    `SELECT 'src_ips' AS dim, '' AS value, uniqCombined(12)(nullIf(src_ip, '')) AS n FROM events WHERE ${HOURS} ${extra}`,
  ].join("\nUNION ALL\n");

const QUERIES: Record<string, { sql: string; params: QueryParams }> = {
  "stats via projections, 7 days (all 10M rows): counts by site/log_type/severity/action + uniq src_ip": {
    sql: statsByProjection(""),
    params: range,
  },
  "stats via projections, last 24 h": { sql: statsByProjection(""), params: day },
  "stats via projections, 7 days, one site": {
    sql: statsByProjection("AND site = {site:String}"),
    params: { ...range, site: "site-07" },
  },
  "stats without projections (GROUPING SETS over rows), 7 days": {
    sql: `SELECT log_type, severity, action, site, count() AS n, uniq(src_ip) AS ips
FROM events WHERE timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)}
GROUP BY GROUPING SETS ((log_type), (severity), (action), (site), ())`,
    params: range,
  },
  "page: newest 50, 7 days, no filter": {
    sql: `SELECT event_id, timestamp, site, log_type, severity, action, src_ip, dst_ip, message FROM events
WHERE timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)}
ORDER BY timestamp DESC LIMIT 50`,
    params: range,
  },
  "page: newest 50, 7 days, site + severity filter": {
    sql: `SELECT event_id, timestamp, site, log_type, severity, action, src_ip, dst_ip, message FROM events
WHERE timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)} AND site = {site:String} AND severity IN ('high', 'critical')
ORDER BY timestamp DESC LIMIT 50`,
    params: { ...range, site: "site-07" },
  },
  "page: newest 50 for one src_ip (bloom filter)": {
    sql: `SELECT event_id, timestamp, site, log_type, severity, src_ip FROM events
WHERE timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)} AND src_ip = {ip:String}
ORDER BY timestamp DESC LIMIT 50`,
    params: { ...range, ip: "10.0.3.229" },
  },
  "page: newest 50 in a CIDR": {
    sql: `SELECT event_id, timestamp, src_ip FROM events
WHERE timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)} AND isIPAddressInRange(src_ip, {cidr:String})
ORDER BY timestamp DESC LIMIT 50`,
    params: { ...range, cidr: "10.1.0.0/16" },
  },
  "free text: hasToken(message)": {
    sql: `SELECT count() AS n FROM events WHERE timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)} AND hasToken(message, {w:String})`,
    params: { ...range, w: "EICAR" },
  },
  "detail by event_id (bloom filter)": {
    sql: "SELECT * FROM events WHERE event_id = (SELECT event_id FROM events WHERE site = 'site-03' LIMIT 1)",
    params: {},
  },
};

// Wall time depends on what else the machine runs; CPU time (all engine threads) is the steadier figure.
const results: Record<
  string,
  { coldMs: number; medianMs: number; medianCpuMs: number; rows: number; projection: string }
> = {};
for (const [name, q] of Object.entries(QUERIES)) {
  const times: number[] = [];
  const cpu: number[] = [];
  let rows = 0;
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    rows = (await store.query(q.sql, q.params)).length;
    const spent = process.cpuUsage(c);
    times.push(performance.now() - t);
    cpu.push((spent.user + spent.system) / 1000);
  }
  const median = (xs: number[]) => Math.round(xs.slice(1).sort((a, b) => a - b)[2] ?? 0);
  const plan = await store.query<{ explain: string }>(`EXPLAIN ${q.sql}`, q.params);
  const text = plan.map((p) => p.explain).join("\n");
  const found = [...text.matchAll(/ReadFromMergeTree \((p_[a-z_]+)\)/g)].map((m) => m[1]);
  const projection = [...new Set(found)].join("+") || "none";
  results[name] = {
    coldMs: Math.round(times[0] ?? 0),
    medianMs: median(times),
    medianCpuMs: median(cpu),
    rows,
    projection,
  };
}
const [parts] = await store.query<{ parts: number; bytes: number }>(
  "SELECT count() AS parts, sum(bytes_on_disk) AS bytes FROM system.parts WHERE table = 'events' AND active",
);
console.log(
  JSON.stringify(
    {
      rows: ROWS,
      fillSeconds: Math.round(fillMs / 100) / 10,
      activeParts: parts?.parts,
      diskMB: Math.round((parts?.bytes ?? 0) / 1e6),
      loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
      results,
    },
    null,
    2,
  ),
);
await store.close();
if (!keep) rmSync(dataDir, { recursive: true, force: true });
