import { parseArgs } from "node:util";
import { createTrafficMix } from "./traffic/mix.js";
import { createSyslogSender } from "./traffic/sender.js";

/**
 * `npm run demo`: sends realistic, varied syslog to a running Vigil so the console has something to
 * show: Sophos XGS firewall/IPS/ATP/AV/WAF/VPN/heartbeat, ModSecurity, nginx and sshd from three sites,
 * with an ssh brute-forcer, a port scanner and a SQL-injection campaign among ordinary traffic.
 */
const USAGE = `Usage: npm run demo -- [--host 127.0.0.1] [--port 5514] [--rate 200] [--duration 0] [--transport udp|tcp] [--seed N]
  --rate       events per second (default 200)
  --duration   seconds to run; 0 = until Ctrl-C (default 0)
  --transport  udp (default) or tcp (LF-framed)`;

function options() {
  const { values } = parseArgs({
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "5514" },
      rate: { type: "string", default: "200" },
      duration: { type: "string", default: "0" },
      transport: { type: "string", default: "udp" },
      seed: { type: "string", default: String(Date.now() % 100000) },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) {
      console.error(`--${name}: expected a number >= ${min}, got ${JSON.stringify(v)}\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const transport = values.transport;
  if (transport !== "udp" && transport !== "tcp") {
    console.error(`--transport: expected udp or tcp, got ${JSON.stringify(transport)}\n${USAGE}`);
    process.exit(2);
  }
  return {
    host: values.host,
    port: num("port", values.port, 1),
    rate: num("rate", values.rate, 0.1),
    duration: num("duration", values.duration, 0),
    transport: transport as "udp" | "tcp",
    seed: num("seed", values.seed, 0),
  };
}

async function main(): Promise<void> {
  const o = options();
  const mix = createTrafficMix({ seed: o.seed });
  let lastError = "";
  const sender = createSyslogSender({
    host: o.host,
    port: o.port,
    transport: o.transport,
    onError: (err) => {
      lastError = err.message;
    },
  });
  console.log(
    `Sending demo traffic to ${o.transport}://${o.host}:${o.port} at ${o.rate} events/s` +
      `${o.duration ? ` for ${o.duration}s` : " (Ctrl-C to stop)"}, seed ${o.seed}`,
  );

  let stop = false;
  process.once("SIGINT", () => {
    stop = true;
  });
  process.once("SIGTERM", () => {
    stop = true;
  });

  const started = performance.now();
  let events = 0;
  let lines = 0;
  let lastReport = started;
  let eventsAtReport = 0;
  const byKind = new Map<string, number>();

  while (!stop) {
    const now = performance.now();
    const elapsed = (now - started) / 1000;
    if (o.duration > 0 && elapsed >= o.duration) break;
    // Pace by schedule, not by sleeps: after a stall we catch up, but at most one second's worth.
    const due = Math.min(Math.floor(elapsed * o.rate) - events, Math.ceil(o.rate));
    for (let i = 0; i < due && !stop; i++) {
      const item = mix.next();
      for (const line of item.lines) {
        const wait = sender.send(line);
        if (wait) await wait;
        lines++;
      }
      events++;
      byKind.set(item.kind, (byKind.get(item.kind) ?? 0) + 1);
    }
    if (now - lastReport >= 1000) {
      const rate = ((events - eventsAtReport) * 1000) / (now - lastReport);
      const link = o.transport === "tcp" && !sender.connected ? " [not connected]" : "";
      const err = lastError ? ` last error: ${lastError}` : "";
      console.log(`sent ${events} events (${lines} lines), ${rate.toFixed(0)}/s${link}${err}`);
      lastError = "";
      lastReport = now;
      eventsAtReport = events;
    }
    await new Promise((r) => setTimeout(r, 20));
  }

  await sender.close();
  const secs = (performance.now() - started) / 1000;
  const mixText = [...byKind.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}=${n}`)
    .join(" ");
  console.log(
    `\nDone: ${events} events (${lines} lines) in ${secs.toFixed(1)}s (${(events / secs).toFixed(0)}/s)`,
  );
  console.log(`Mix: ${mixText}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
