/**
 * Insert throughput of the embedded event store: 10k-row JSONEachRow batches of realistic events,
 * serialisation and insert timed apart.
 * Run: `[BATCH=10000] [CONCURRENCY=1] npx tsx bench/event-store/insert-rate.ts [batches]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { silentLog } from "../../packages/server/src/storage/clickhouse-log.js";
import { createEventStore } from "../../packages/server/src/storage/event-store-factory.js";
import { rng, syntheticEvent } from "./synthetic.js";

const BATCH = Number(process.env.BATCH ?? 10_000);
const batches = Number(process.argv[2] ?? 40);
const concurrency = Number(process.env.CONCURRENCY ?? 1);
const dataDir = mkdtempSync(join(tmpdir(), "vigil-bench-insert-"));
const store = await createEventStore({
  dataDir,
  log: silentLog,
  retention: { eventsDays: 30, modsecDays: 30 },
});
const r = rng(7);
const now = Date.now();

// Serialise every batch first, so the insert figure is the store's alone.
let t0 = performance.now();
const payloads: Buffer[] = [];
for (let b = 0; b < batches; b++) {
  const lines: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    const n = b * BATCH + i;
    lines.push(JSON.stringify(syntheticEvent(r, n, now - Math.floor(r() * 86_400_000))));
  }
  payloads.push(Buffer.from(`${lines.join("\n")}\n`));
}
const serialiseMs = performance.now() - t0;
const bytes = payloads.reduce((s, p) => s + p.length, 0);

t0 = performance.now();
const cpu0 = process.cpuUsage();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < payloads.length) {
      const p = payloads[next++];
      if (p) await store.insertJsonEachRow("events", p);
    }
  }),
);
const insertMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const insertCpuMs = (cpu.user + cpu.system) / 1000;
const rows = batches * BATCH;
const [count] = await store.query<{ n: number }>("SELECT count() AS n FROM events");
console.log(
  JSON.stringify(
    {
      rows,
      stored: count?.n,
      batchRows: BATCH,
      concurrency,
      avgRowBytes: Math.round(bytes / rows),
      serialiseRowsPerSec: Math.round(rows / (serialiseMs / 1000)),
      insertRowsPerSec: Math.round(rows / (insertMs / 1000)),
      insertMBPerSec: Math.round(bytes / 1e6 / (insertMs / 1000)),
      // Rows per second of CPU (all engine threads): what one dedicated core would sustain.
      insertRowsPerCpuSecond: Math.round(rows / (insertCpuMs / 1000)),
      loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
      endToEndRowsPerSec: Math.round(rows / ((serialiseMs + insertMs) / 1000)),
    },
    null,
    2,
  ),
);
await store.close();
rmSync(dataDir, { recursive: true, force: true });
