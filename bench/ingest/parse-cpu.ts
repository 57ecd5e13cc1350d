/**
 * CPU cost of the ingest hot path on one core, without sockets or stores: syslog header → parser →
 * normalised Event (with GeoIP) → JSONEachRow row. Run: npx tsx bench/ingest/parse-cpu.ts [lines]
 */
import { createTrafficMix } from "../../packages/server/src/cli/traffic/mix.js";
import { createGeoIp } from "../../packages/server/src/geo/geoip.js";
import { eventRow, finishEvent } from "../../packages/server/src/ingest/normalise.js";
import { parseLine } from "../../packages/server/src/ingest/parsers/registry.js";
import { parseSyslogHeader } from "../../packages/server/src/ingest/syslog/header.js";

const n = Number(process.argv[2] ?? 200_000);
const mix = createTrafficMix({ seed: 7, singleLine: true });
const lines: string[] = [];
while (lines.length < n) lines.push(...mix.next().lines);
const geo = createGeoIp({ log: { info() {}, warn() {} } });
await geo.ready;

function run(label: string, f: (line: string) => unknown) {
  const t0 = process.cpuUsage();
  const w0 = performance.now();
  for (const l of lines) f(l);
  const cpu = process.cpuUsage(t0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${label.padEnd(34)} ${Math.round(n / cpuS).toLocaleString("en")} lines/s CPU  (${Math.round(n / ((performance.now() - w0) / 1000)).toLocaleString("en")}/s wall)`,
  );
}

const ctx = { receivedAt: Date.now(), timezone: "Europe/Paris" };
run("header only", (l) => parseSyslogHeader(l, ctx));
run("header + parser", (l) => {
  const h = parseSyslogHeader(l, ctx);
  return parseLine(h.message, { ...ctx, syslog: h.meta });
});
run("header + parser + normalise + row", (l) => {
  const h = parseSyslogHeader(l, ctx);
  const r = parseLine(h.message, { ...ctx, syslog: h.meta });
  if (r.event) return eventRow(finishEvent(r.event, { site: "s", sender: "1.2.3.4" }, geo, ctx.receivedAt));
  return null;
});
geo.close();
