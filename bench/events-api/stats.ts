/**
 * Events API latency over N synthetic events (default 10,000,000) in a fresh chDB directory with the
 * real migrations, measured through the HTTP routes in-process (`app.inject`, JSON serialisation
 * included). Rows are generated inside the engine (INSERT … SELECT FROM numbers, 1M-row batches):
 * a JS generator would spend most of an hour on JSON.
 *
 * Run: `npx tsx bench/events-api/stats.ts [rows]` (BENCH_DIR=<dir> reuses a filled directory).
 * Prints a table: cold (first) run and median of 5 warm runs per request.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify from "fastify";
import { eventRoutes } from "../../packages/server/src/events/event-routes.js";
import type { Principal } from "../../packages/server/src/http/access.js";
import { silentLog } from "../../packages/server/src/storage/clickhouse-log.js";
import { createEventStore } from "../../packages/server/src/storage/event-store-factory.js";

const ROWS = Number(process.argv[2] ?? 10_000_000);
const SPAN_MS = 24 * 3600_000; // the console's default range, so "no filter" means every row
const BATCH = 1_000_000;
const reuse = process.env.BENCH_DIR !== undefined && existsSync(process.env.BENCH_DIR);
const dataDir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), "vigil-bench-events-api-"));
const store = await createEventStore({
  dataDir,
  log: silentLog,
  retention: { eventsDays: 30, modsecDays: 30 },
});

// 30 sites with a skewed share, ~60k IPv4 + 5k IPv6 sources, Sophos-like text. Deterministic per row.
const FILL = `INSERT INTO events (event_id, timestamp, site, source_type, sender, log_type, category, sub_category,
  severity, src_ip, dst_ip, src_port, dst_port, protocol, action, rule_id, rule_name, hostname, url, http_method,
  http_status, user_agent, geo_country, geo_asn, geo_org, message, raw_log, modsec_rule_ids, unique_id, sophos_id,
  device_serial)
SELECT
  generateUUIDv7(),
  fromUnixTimestamp64Milli(toInt64({end:Int64} - 1 - cityHash64(number, 1) % {span:UInt64})),
  concat('site-', toString(intDiv((cityHash64(number, 2) % 30) * (cityHash64(number, 3) % 30), 30))) AS s,
  'sophos', '192.0.2.1',
  ['Firewall','Firewall','Firewall','Firewall','WAF','WAF','IPS','ATP','Anti-Virus','VPN'][1 + cityHash64(number, 4) % 10] AS lt,
  lt, 'Policy',
  ['info','info','info','low','low','medium','medium','high','critical'][1 + cityHash64(number, 5) % 9] AS sev,
  if(cityHash64(number, 6) % 12 = 0, concat('2001:db8:', hex(toUInt16(cityHash64(number, 7) % 5000)), '::1'),
     IPv4NumToString(toUInt32(3405803776 + (cityHash64(number, 7) % 60000) * 7))) AS ip,
  concat('192.168.1.', toString(1 + cityHash64(number, 8) % 250)),
  1024 + cityHash64(number, 9) % 60000, [22, 80, 443, 3389][1 + cityHash64(number, 10) % 4], 'TCP',
  ['allow','drop','drop','reject','quarantine'][1 + cityHash64(number, 11) % 5],
  toString(1000 + cityHash64(number, 12) % 400), concat('Rule ', toString(cityHash64(number, 12) % 400)),
  concat('fw-', s),
  if(lt = 'WAF', ['/','/login','/wp-login.php','/search?q=<script>'][1 + cityHash64(number, 13) % 4], '') AS u,
  if(lt = 'WAF', 'GET', ''), if(lt = 'WAF', 403, 0), if(lt = 'WAF', 'Mozilla/5.0 (X11; Linux x86_64)', ''),
  ['FR','US','CN','RU','DE','NL','BR','IN','VN','GB','JP',''][1 + cityHash64(number, 14) % 12], 4134, 'Example Networks',
  ['SQL injection attempt blocked','Port scan detected from external host','SSH brute force login failure',
   'Connection allowed by policy','Malware download blocked: EICAR-Test-File','VPN tunnel established'][1 + cityHash64(number, 15) % 6] AS msg,
  concat('device="SFW" device_id="X21000ABCDEF" log_id="0', toString(number), '" log_type="', lt, '" priority="', sev,
         '" src_ip="', ip, '" url="', u, '" message="', msg, '"'),
  if(lt = 'WAF', ['942100', '949110'], []), if(lt = 'WAF', concat('Zf', hex(number)), ''),
  '010101600001', 'X21000ABCDEF'
FROM numbers({offset:UInt64}, {count:UInt64})`;

// A reused directory keeps its own time span: "now" for the requests is its newest event.
const [newest] = reuse
  ? await store.query<{ ms: number }>("SELECT toUnixTimestamp64Milli(max(timestamp)) + 1 AS ms FROM events")
  : [];
const end = newest ? Number(newest.ms) : Date.now();
let fillS = 0;
if (!reuse) {
  const t0 = performance.now();
  for (let off = 0; off < ROWS; off += BATCH) {
    await store.exec(FILL, { end, span: SPAN_MS, offset: off, count: Math.min(BATCH, ROWS - off) });
    process.stderr.write(`filled ${Math.min(off + BATCH, ROWS).toLocaleString()} rows\r`);
  }
  fillS = (performance.now() - t0) / 1000;
  process.stderr.write("\n");
}
// Background merges run inside this process: measuring while they run would charge their CPU to the
// requests. Wait (at most 5 minutes) until the parts have settled.
for (let waited = 0; waited < 300; waited += 2) {
  const [m] = await store.query<{ n: number }>(
    "SELECT count() AS n FROM system.merges WHERE table = 'events'",
  );
  const [mut] = await store.query<{ n: number }>(
    "SELECT count() AS n FROM system.mutations WHERE table = 'events' AND is_done = 0",
  );
  if (Number(m?.n ?? 0) === 0 && Number(mut?.n ?? 0) === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 2000));
}

const reader: Principal = {
  kind: "user",
  userId: "bench",
  username: "bench",
  role: "audit",
  sessionId: "bench",
};
const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
app.decorateRequest("principal", null);
app.addHook("onRequest", async (request) => {
  request.principal = reader;
});
await app.register(eventRoutes({ eventStore: store, now: () => end + 1 }));
await app.ready();

const lastHour = `from=${new Date(end - 3600_000).toISOString()}`;
const REQUESTS = [
  "/api/v1/events/stats",
  `/api/v1/events/stats?${lastHour}`,
  "/api/v1/events/stats?site=site-3&severity=critical,high",
  "/api/v1/events/timeline",
  "/api/v1/events/timeline?log_type=WAF",
  "/api/v1/events/top?dim=src_ip",
  "/api/v1/events/top?dim=country",
  "/api/v1/events/top?dim=rule&severity=critical",
  "/api/v1/events/geo",
  "/api/v1/events?limit=100",
  `/api/v1/events?limit=100&${lastHour}`,
  "/api/v1/events?limit=100&site=site-7&severity=high,critical",
  "/api/v1/events?limit=100&src_ip=203.0.113.0/24",
  "/api/v1/events?limit=100&src_ip=203.0.113.21",
  "/api/v1/events?limit=100&q=eicar",
];

// CPU time of this process (chDB runs in it) beside wall time: on a shared machine the wall figure
// includes waiting for other processes, the CPU figure does not.
const rows: { request: string; coldMs: number; medianMs: number; cpuMs: number; note: string }[] = [];
for (const url of REQUESTS) {
  const times: number[] = [];
  const cpu: number[] = [];
  let note = "";
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const res = await app.inject({ method: "GET", url });
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode} ${res.body}`);
    const body = res.json() as { total?: number; items?: unknown[]; buckets?: unknown[] };
    note =
      body.total !== undefined ? `total ${body.total}` : `${(body.items ?? body.buckets ?? []).length} items`;
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  const warmCpu = cpu.slice(1).sort((a, b) => a - b);
  rows.push({
    request: url,
    coldMs: Math.round(times[0] ?? 0),
    medianMs: Math.round(warm[2] ?? 0),
    cpuMs: Math.round(warmCpu[2] ?? 0),
    note,
  });
}

const [parts] = await store.query<{ parts: number; bytes: number; n: number }>(
  "SELECT count() AS parts, sum(bytes_on_disk) AS bytes, sum(rows) AS n FROM system.parts WHERE table = 'events' AND active",
);
console.log(
  `\n${(parts?.n ?? 0).toLocaleString()} events, ${parts?.parts} active parts, ${Math.round((parts?.bytes ?? 0) / 1e6)} MB` +
    `${fillS ? `, filled in ${fillS.toFixed(1)} s` : ""}, load average ${loadavg()[0]?.toFixed(1)}\n`,
);
const width = Math.max(...rows.map((r) => r.request.length));
console.log(`${"request".padEnd(width)}  cold ms  median ms  median CPU ms  result`);
for (const r of rows) {
  const figures = `${String(r.coldMs).padStart(7)}  ${String(r.medianMs).padStart(9)}  ${String(r.cpuMs).padStart(13)}`;
  console.log(`${r.request.padEnd(width)}  ${figures}  ${r.note}`);
}
await app.close();
await store.close();
if (!process.env.BENCH_DIR) rmSync(dataDir, { recursive: true, force: true });
