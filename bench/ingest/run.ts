/**
 * End-to-end ingest benchmark: starts Vigil (the built server when present, else through tsx) with the
 * embedded stores in a fresh data directory, sends N events over TCP syslog, then N over HTTP batches,
 * and times each until every event is stored AND queryable through GET /api/v1/events/stats. Samples the
 * server's resident memory (RSS) throughout. The load generators run on the same machine.
 *
 *   npx tsx bench/ingest/run.ts [--events 1000000] [--connections 4] [--skip-http]
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { REPO_ROOT } from "../../e2e/support/server-process.js";
import { arg, startBenchServer } from "../support/bench-server.js";

const EVENTS = Number(arg("events", "1000000"));
const CONNECTIONS = arg("connections", "4");
const SKIP_HTTP = process.argv.includes("--skip-http");

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function run(cmd: string[], label: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, cmd, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    c.stdout.on("data", (d) => {
      out += String(d);
    });
    c.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${label} exited ${code}: ${out.slice(-500)}`)),
    );
  });
}

async function main() {
  const vigil = await startBenchServer("ingest", {}, { preferBuilt: true });
  const { pid, url, syslogPort, token, built } = vigil;
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(pid));
  }, 250);

  try {
    const auth = { authorization: `Bearer ${token}` };
    const total = async () => {
      const r = await fetch(`${url}/api/v1/events/stats?from=2000-01-01T00:00:00Z`, { headers: auth });
      return ((await r.json()) as { total: number }).total;
    };
    const waitFor = async (n: number) => {
      for (;;) {
        if ((await total()) >= n) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const idleRss = rssMb(pid);
    console.log(
      `server up (${built ? "built" : "tsx"}), idle RSS ${idleRss.toFixed(0)} MB; ${EVENTS.toLocaleString("en")} events per phase`,
    );

    peakRss = 0;
    let t0 = performance.now();
    const syslogOut = await run(
      [
        "--import",
        "tsx",
        "bench/ingest/load-syslog.ts",
        "--port",
        String(syslogPort),
        "--events",
        String(EVENTS),
        "--connections",
        CONNECTIONS,
        "--run-id",
        "tcp",
      ],
      "load-syslog",
    );
    const sentAt = performance.now();
    await waitFor(EVENTS);
    const tcpSeconds = (performance.now() - t0) / 1000;
    const tcp = {
      events: EVENTS,
      seconds: tcpSeconds,
      perSecond: EVENTS / tcpSeconds,
      sendSeconds: (sentAt - t0) / 1000,
      peakRssMb: peakRss,
    };
    console.log(syslogOut.trim().split("\n").slice(-2, -1)[0]);
    console.log(
      `TCP syslog: ${EVENTS.toLocaleString("en")} events stored and queryable in ${tcpSeconds.toFixed(1)} s = ${Math.round(tcp.perSecond).toLocaleString("en")} events/s, peak RSS ${peakRss.toFixed(0)} MB`,
    );

    let http: Record<string, number> | null = null;
    if (!SKIP_HTTP) {
      const keyRes = await fetch(`${url}/api/v1/api-keys`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ name: "bench", scopes: ["ingest"] }),
      });
      const { key } = (await keyRes.json()) as { key: string };
      peakRss = 0;
      t0 = performance.now();
      await run(
        [
          "--import",
          "tsx",
          "bench/ingest/load-http.ts",
          "--url",
          url,
          "--key",
          key,
          "--events",
          String(EVENTS),
          "--batch",
          "5000",
          "--concurrency",
          "8",
          "--run-id",
          "http",
        ],
        "load-http",
      );
      await waitFor(EVENTS * 2);
      const s = (performance.now() - t0) / 1000;
      http = { events: EVENTS, seconds: s, perSecond: EVENTS / s, peakRssMb: peakRss };
      console.log(
        `HTTP batches: ${EVENTS.toLocaleString("en")} events acknowledged (= stored) and queryable in ${s.toFixed(1)} s = ${Math.round(http.perSecond).toLocaleString("en")} events/s, peak RSS ${peakRss.toFixed(0)} MB`,
      );
    }
    console.log(
      JSON.stringify({
        machine: { cpus: cpus().length, model: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30) },
        node: process.version,
        server: built ? "built" : "tsx",
        tcp,
        http,
      }),
    );
  } finally {
    clearInterval(sampler);
    await vigil.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
