import { appendFileSync, writeFileSync } from "node:fs";
import {
  markerOf,
  newRunId,
  positiveInt,
  progress,
  readArgs,
  syslogTemplates,
  type Template,
} from "./load-common.js";

/**
 * Ingest benchmark load over HTTP: posts --events records as NDJSON batches of --batch to
 * `<url>/api/v1/ingest/batch` with --concurrency requests in flight. 429/503 are retried after the
 * server's Retry-After; network errors (a server restarting) are retried with backoff. Every batch that
 * gets a 2xx is appended at once to --acked-file as one JSON line
 * `{"batch":"<runId>-b<k>","first":"<runId>-<seq>","last":...,"count":n,"accepted":a,"rejected":r,"attempts":t}`
 * so a crash test can check that every acknowledged batch is stored exactly once. Each record carries
 * its marker in `unique_id` and in its message. The last line printed is a JSON summary.
 *
 *   tsx bench/ingest/load-http.ts --url http://127.0.0.1:8080 --key vk_... --events 1000000 --batch 1000 --concurrency 4 --acked-file acked.ndjson
 */
const USAGE =
  "Usage: tsx bench/ingest/load-http.ts --url http://127.0.0.1:8080 --key vk_... [--events 1000000] [--batch 1000] [--concurrency 4] [--acked-file F] [--seed 1] [--run-id ID] [--max-retries 100]";

const args = readArgs(
  {
    url: "http://127.0.0.1:8080",
    key: "",
    events: "1000000",
    batch: "1000",
    concurrency: "4",
    "acked-file": "",
    seed: "1",
    "run-id": "",
    "max-retries": "100",
  },
  USAGE,
);
if (!args.key) {
  console.error(`--key is required (an API key with the ingest scope)\n${USAGE}`);
  process.exit(2);
}
const total = positiveInt("events", args.events);
const batchSize = positiveInt("batch", args.batch);
const concurrency = positiveInt("concurrency", args.concurrency);
const maxRetries = positiveInt("max-retries", args["max-retries"]);
const runId = args["run-id"] || newRunId();
const endpoint = new URL("/api/v1/ingest/batch", args.url).toString();
const ackedFile = args["acked-file"];
if (ackedFile) writeFileSync(ackedFile, "");

/**
 * A JSON record per template: normalised fields, the marker in `unique_id` and in the message. The
 * syslog line itself is not embedded: its `key=value` text would make the server sniff the record as
 * Sophos rather than JSON, and this load is meant to measure the JSON path.
 */
function recordTemplate(t: Template): string[] {
  const line = t.parts.join(SLOT_TEXT);
  const ip = /(?:src_ip|sourceip)="?([\d.]+)|from ([\d.]+) port|^\S+ \S+ \S+ \S+ \S+ \S+ \S+ ([\d.]+) /.exec(
    line,
  );
  const srcIp = ip?.[1] ?? ip?.[2] ?? ip?.[3] ?? "";
  const [logType, action, severity] = SHAPE[t.kind] ?? ["Event", "", "info"];
  const record = {
    site: t.site,
    log_type: logType,
    action,
    severity,
    src_ip: srcIp,
    hostname: `loadgen.${t.site}`,
    message: `${t.kind} from ${srcIp || "unknown"} (${SLOT_TEXT})`,
    unique_id: SLOT_TEXT,
  };
  return JSON.stringify(record).split(SLOT_TEXT);
}
const SLOT_TEXT = "@@VIGIL_MARK@@";
const SHAPE: Record<string, [string, string, string]> = {
  "fw-allow": ["Firewall", "allow", "info"],
  "fw-drop": ["Firewall", "drop", "low"],
  "port-scan": ["Firewall", "drop", "low"],
  ips: ["IPS", "drop", "high"],
  atp: ["ATP", "drop", "critical"],
  av: ["Anti-Virus", "drop", "critical"],
  waf: ["WAF", "allow", "info"],
  "waf-sqli": ["WAF", "drop", "high"],
  "vpn-ok": ["VPN", "allow", "info"],
  "vpn-fail": ["VPN", "reject", "medium"],
  heartbeat: ["Heartbeat", "", "info"],
  nginx: ["Web", "", "info"],
  "ssh-bruteforce": ["SSH", "reject", "medium"],
  "ssh-fail": ["SSH", "reject", "low"],
  "ssh-accept": ["SSH", "allow", "info"],
};
const templates = syslogTemplates(5000, positiveInt("seed", args.seed)).map(recordTemplate);

const batches = Math.ceil(total / batchSize);
let nextBatch = 0;
let ackedEvents = 0;
let ackedBatches = 0;
let retries = 0;
let throttled = 0;
let rejectedRecords = 0;
let failedBatches = 0;

function body(k: number): { text: string; first: number; last: number } {
  const first = k * batchSize;
  const last = Math.min(total, first + batchSize) - 1;
  let text = "";
  for (let seq = first; seq <= last; seq++) {
    text += `${(templates[seq % templates.length] ?? []).join(markerOf(runId, seq))}\n`;
  }
  return { text, first, last };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function retryAfterMs(res: Response): number {
  const h = res.headers.get("retry-after");
  if (!h) return 1000;
  const secs = Number(h);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(h);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - Date.now());
}

async function send(k: number): Promise<void> {
  const { text, first, last } = body(k);
  const batchId = `${runId}-b${k}`;
  for (let attempt = 1; attempt <= maxRetries; attempt++) {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-ndjson",
          authorization: `Bearer ${args.key}`,
          "x-batch-id": batchId,
        },
        body: text,
      });
    } catch {
      // Connection refused or reset (server down or restarting): back off and try again.
      retries++;
      await sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)));
      continue;
    }
    if (res.status === 429 || res.status === 503) {
      throttled++;
      retries++;
      const wait = retryAfterMs(res);
      await res.arrayBuffer();
      await sleep(wait);
      continue;
    }
    const reply: unknown = await res.json().catch(() => null);
    if (res.ok) {
      const r = (reply ?? {}) as { accepted?: number; rejected?: unknown[] };
      const count = last - first + 1;
      const rejected = Array.isArray(r.rejected) ? r.rejected.length : 0;
      ackedBatches++;
      ackedEvents += count;
      rejectedRecords += rejected;
      if (ackedFile) {
        const ack = {
          batch: batchId,
          first: markerOf(runId, first),
          last: markerOf(runId, last),
          count,
          accepted: typeof r.accepted === "number" ? r.accepted : count - rejected,
          rejected,
          attempts: attempt,
        };
        appendFileSync(ackedFile, `${JSON.stringify(ack)}\n`);
      }
      return;
    }
    if (res.status >= 500) {
      retries++;
      await sleep(500);
      continue;
    }
    failedBatches++;
    const detail = reply && typeof reply === "object" && "detail" in reply ? String(reply.detail) : "";
    throw new Error(`batch ${batchId}: HTTP ${res.status} ${detail}`);
  }
  failedBatches++;
  console.error(`batch ${batchId}: gave up after ${maxRetries} attempts`);
}

async function worker(): Promise<void> {
  while (nextBatch < batches) await send(nextBatch++);
}

async function main(): Promise<void> {
  console.log(
    `run ${runId}: ${total} events in ${batches} batches of ${batchSize}, ${concurrency} in flight → ${endpoint}`,
  );
  const started = performance.now();
  const stop = progress("acked", () => ({
    done: ackedEvents,
    extra: `${ackedBatches}/${batches} batches, ${throttled} throttled, ${retries} retries`,
  }));
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const eventsPerSec = Math.round(ackedEvents / seconds);
  console.log(`acked ${ackedEvents} events in ${seconds.toFixed(2)} s: ${eventsPerSec} events/s`);
  console.log(
    JSON.stringify({
      runId,
      transport: "http",
      events: ackedEvents,
      batches: ackedBatches,
      failedBatches,
      rejectedRecords,
      throttled,
      retries,
      seconds: Number(seconds.toFixed(3)),
      eventsPerSec,
      concurrency,
      batchSize,
    }),
  );
  if (failedBatches > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`load-http failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
