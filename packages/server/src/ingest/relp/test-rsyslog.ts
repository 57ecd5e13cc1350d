/**
 * Test-only: Debian's real rsyslogd with omrelp as a RELP client, in the foreground with a private
 * configuration and work directory (no system syslog touched). Lines reach it over imtcp from the test
 * and leave through an omrelp action with an in-memory queue that retries forever, as an operator would
 * configure it for "lose nothing".
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";

const MODULE_DIRS = [
  "/usr/lib/x86_64-linux-gnu/rsyslog",
  "/usr/lib/aarch64-linux-gnu/rsyslog",
  "/usr/lib/rsyslog",
];
const RSYSLOGD = ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"];

/** Why rsyslog cannot be used here, or null when rsyslogd and omrelp are installed. */
export function rsyslogMissing(): string | null {
  if (!RSYSLOGD.some(existsSync)) return "rsyslogd is not installed (apt-get install rsyslog)";
  if (!MODULE_DIRS.some((d) => existsSync(join(d, "omrelp.so"))))
    return "rsyslog's omrelp is not installed (apt-get install rsyslog-relp)";
  return null;
}

export interface Rsyslog {
  child: ChildProcess;
  /** Where the test writes lines (imtcp, newline-framed). */
  inputPort: number;
  output(): string;
  stop(): Promise<void>;
}

export interface RsyslogOptions {
  /** Private folder for the configuration, pid file and rsyslog's work directory. */
  dir: string;
  relpPort: number;
  inputPort: number;
  /** Seconds between reconnection attempts while Vigil is down. */
  resumeIntervalS?: number;
  /** More omrelp parameters, e.g. `tls="on"`. */
  omrelpExtra?: string;
}

export async function startRsyslog(o: RsyslogOptions): Promise<Rsyslog> {
  const work = join(o.dir, "work");
  mkdirSync(work, { recursive: true });
  const conf = join(o.dir, "rsyslog.conf");
  const resume = o.resumeIntervalS ?? 1;
  writeFileSync(
    conf,
    `global(workDirectory="${work}" net.enableDNS="off" maxMessageSize="64k")
module(load="imtcp")
module(load="omrelp")
input(type="imtcp" address="127.0.0.1" port="${o.inputPort}" ruleset="toVigil")
ruleset(name="toVigil") {
  action(type="omrelp" target="127.0.0.1" port="${o.relpPort}" ${o.omrelpExtra ?? ""}
         queue.type="LinkedList" queue.size="200000"
         action.resumeRetryCount="-1" action.resumeInterval="${resume}")
}
`,
  );
  const bin = RSYSLOGD.find(existsSync) ?? "rsyslogd";
  const child = spawn(bin, ["-n", "-f", conf, "-i", join(o.dir, "rsyslogd.pid")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += String(d);
  });
  child.stderr?.on("data", (d) => {
    out += String(d);
  });
  // Up once imtcp accepts a connection.
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rsyslogd exited with ${child.exitCode}:\n${out}`);
    if (await canConnect(o.inputPort)) break;
    if (Date.now() > until) {
      child.kill("SIGKILL");
      throw new Error(`rsyslogd did not open its input port in 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    inputPort: o.inputPort,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}

/** A newline-framed TCP writer into rsyslog's imtcp input. */
export async function openInput(
  port: number,
): Promise<{ send(lines: string[]): Promise<void>; close(): Promise<void> }> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => resolve(s));
    s.once("error", reject);
  });
  return {
    send: (lines) =>
      new Promise<void>((resolve, reject) => {
        socket.write(`${lines.join("\n")}\n`, (err) => (err ? reject(err) : resolve()));
      }),
    close: () => new Promise<void>((resolve) => socket.end(() => resolve())),
  };
}

/**
 * A syslog line carrying a marker the test can find again: `<run>-<seq>`. No timestamp: rsyslog stamps it
 * on arrival, so the event is "now" whatever today's date is.
 */
export function markedLine(run: string, seq: number): string {
  return `<13>relptest: message ${run}-${String(seq).padStart(7, "0")} end`;
}

export function markerOf(raw: string, run: string): string | null {
  const m = new RegExp(`${run}-(\\d{7})`).exec(raw);
  return m ? (m[1] as string) : null;
}
