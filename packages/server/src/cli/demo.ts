import { createSocket } from "node:dgram";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createTrafficMix } from "./traffic/mix.js";
import { registerDemoSources } from "./traffic/register-sites.js";
import { createSyslogSender } from "./traffic/sender.js";

/**
 * `npm run demo`: sends realistic, varied syslog to a running Vigil so the console has something to
 * show: Sophos XGS firewall/IPS/ATP/AV/WAF/VPN/heartbeat, ModSecurity, nginx and sshd from three sites,
 * with an ssh brute-forcer, a port scanner and a SQL-injection campaign among ordinary traffic.
 * First it registers the three sites' firewalls (by device serial and syslog hostname) and hosts as
 * sources through the API, so the console shows three sites; that needs the admin password (asked for,
 * or VIGIL_ADMIN_PASSWORD) or a token (VIGIL_TOKEN), and is skipped with --no-register.
 */
const USAGE = `Usage: npm run demo -- [--host 127.0.0.1] [--port 5514] [--rate 200] [--duration 0] [--transport udp|tcp] [--seed N]
                            [--api http://HOST:8080] [--user admin] [--no-register]
  --rate         events per second (default 200)
  --duration     seconds to run; 0 = until Ctrl-C (default 0)
  --transport    udp (default) or tcp (LF-framed)
  --api          Vigil's HTTP address, to register the demo's sites (default http://<host>:8080)
  --user         who registers them (default admin; password from VIGIL_ADMIN_PASSWORD or asked for;
                 VIGIL_TOKEN instead takes a session token or an API key)
  --no-register  send only: every event lands in site "default" until its sender is assigned`;

function options() {
  const { values } = parseArgs({
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "5514" },
      rate: { type: "string", default: "200" },
      duration: { type: "string", default: "0" },
      transport: { type: "string", default: "udp" },
      seed: { type: "string", default: String(Date.now() % 100000) },
      api: { type: "string" },
      user: { type: "string", default: "admin" },
      "no-register": { type: "boolean", default: false },
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
    api: values.api ?? `http://${values.host.includes(":") ? `[${values.host}]` : values.host}:8080`,
    user: values.user,
    register: !values["no-register"],
  };
}

/** Reads a password from the terminal without echoing it. */
async function askPassword(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // readline echoes what is typed through this hook: print the question, then nothing.
  const echo = rl as unknown as { _writeToOutput: (s: string) => void };
  let asked = false;
  echo._writeToOutput = (s: string) => {
    if (!asked) process.stdout.write(s);
    asked = true;
  };
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  process.stdout.write("\n");
  return answer;
}

/**
 * The address this machine sends from towards `host` — the sender address Vigil sees. Connecting a
 * UDP socket sends nothing; it only picks the route. Empty when it cannot tell.
 */
async function senderAddress(host: string, port: number): Promise<string> {
  const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(port, host, () => resolve());
    });
    return socket.address().address;
  } catch {
    return "";
  } finally {
    socket.close();
  }
}

/** Registers the demo's sources; on any failure says why and how to do it by hand, and goes on sending. */
async function registerSites(o: ReturnType<typeof options>): Promise<void> {
  const token = process.env.VIGIL_TOKEN;
  let password = process.env.VIGIL_ADMIN_PASSWORD;
  if (!token && !password && process.stdin.isTTY) {
    password = await askPassword(
      `Password of ${o.user} on ${o.api}, to register the demo's three sites (Enter to skip): `,
    );
  }
  if (!token && !password) {
    console.log(
      'Not registering sites: events go to site "default"; assign the senders on the Sources page.',
    );
    return;
  }
  try {
    const n = await registerDemoSources({
      api: o.api,
      senderIp: await senderAddress(o.host, o.port),
      ...(token ? { token } : { username: o.user, password }),
    });
    console.log(`Registered ${n} demo sources under three sites (paris-hq, lyon-clinic, madrid-office).`);
  } catch (err) {
    console.log(
      `Could not register the demo's sites (${(err as Error).message}); events go to site "default" until assigned on the Sources page.`,
    );
  }
}

async function main(): Promise<void> {
  const o = options();
  if (o.register) await registerSites(o);
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
