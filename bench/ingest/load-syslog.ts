import { connect, type Socket } from "node:net";
import { fill, markerOf, newRunId, positiveInt, progress, readArgs, syslogTemplates } from "./load-common.js";

/**
 * Ingest benchmark load: sends --events syslog lines over --connections TCP connections (LF framing) as
 * fast as the server takes them. Writes are batched into ~64 KB chunks and the sender waits for 'drain'
 * whenever the socket is full, so the measured rate is the server's, not an unbounded client buffer.
 * Each line carries a unique marker `<runId>-<seq>`; the last line printed is a JSON summary.
 *
 *   tsx bench/ingest/load-syslog.ts --port 5514 --events 1000000 --connections 4
 */
const USAGE =
  "Usage: tsx bench/ingest/load-syslog.ts --port P [--host 127.0.0.1] [--events 1000000] [--connections 4] [--seed 1] [--run-id ID]";

const args = readArgs(
  { host: "127.0.0.1", port: "5514", events: "1000000", connections: "4", seed: "1", "run-id": "" },
  USAGE,
);
const port = positiveInt("port", args.port);
const total = positiveInt("events", args.events);
const connections = positiveInt("connections", args.connections);
const runId = args["run-id"] || newRunId();
const templates = syslogTemplates(5000, positiveInt("seed", args.seed));

const CHUNK_BYTES = 64 * 1024;
let nextSeq = 0;
let sent = 0;

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: args.host, port });
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}

async function worker(s: Socket): Promise<void> {
  let failed: Error | null = null;
  s.on("error", (err) => {
    failed = err;
  });
  while (nextSeq < total) {
    if (failed) throw failed;
    let chunk = "";
    let n = 0;
    // Take events from the shared counter until the chunk is full: connections share the work.
    while (chunk.length < CHUNK_BYTES && nextSeq < total) {
      const seq = nextSeq++;
      chunk += `${fill(templates[seq % templates.length] as (typeof templates)[number], markerOf(runId, seq))}\n`;
      n++;
    }
    const flushed = s.write(chunk);
    sent += n;
    if (!flushed) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          s.off("close", onClose);
          resolve();
        };
        const onClose = () => {
          s.off("drain", onDrain);
          reject(failed ?? new Error("connection closed by the server"));
        };
        s.once("drain", onDrain);
        s.once("close", onClose);
      });
    }
  }
  await new Promise<void>((r) => s.end(r));
}

async function main(): Promise<void> {
  console.log(`run ${runId}: ${total} events over ${connections} TCP connection(s) to ${args.host}:${port}`);
  const sockets = await Promise.all(Array.from({ length: connections }, open));
  const started = performance.now();
  const stop = progress("sent", () => ({ done: sent }));
  try {
    await Promise.all(sockets.map(worker));
  } finally {
    stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const eventsPerSec = Math.round(sent / seconds);
  console.log(`sent ${sent} events in ${seconds.toFixed(2)} s: ${eventsPerSec} events/s`);
  console.log(
    JSON.stringify({
      runId,
      transport: "tcp",
      events: sent,
      seconds: Number(seconds.toFixed(3)),
      eventsPerSec,
      connections,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(
    `load-syslog failed after ${sent} events: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
});
