import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { bsdTime, sophosTime } from "../../packages/server/src/test-support/syslog-stamps.js";

export { bsdTime, sophosTime };

/** Writes `payload` to the syslog TCP listener and closes the connection once it is flushed. */
export function sendTcp(port: number, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(payload));
    socket.on("close", () => resolve());
    socket.on("error", reject);
  });
}

/** One datagram to the syslog UDP listener (same port number as TCP). */
export function sendUdp(port: number, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.send(payload, port, "127.0.0.1", (error) => {
      socket.close();
      if (error) reject(error);
      else resolve();
    });
  });
}

/** util-linux `logger` is what an admin would reach for to test a syslog server; not every machine has it. */
export const hasLogger = spawnSync("logger", ["--version"], { stdio: "ignore" }).status === 0;

/** Sends one message through `logger` over TCP, as `tag` at `priority` (e.g. auth.warning). */
export function sendWithLogger(port: number, tag: string, priority: string, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "logger",
      ["-n", "127.0.0.1", "-P", String(port), "--tcp", "-t", tag, "-p", priority, "--", message],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`logger exited ${code}: ${stderr}`)),
    );
  });
}

export interface SampleLine {
  marker: string;
  src_ip: string;
  action: string;
  log_type: string;
  line: string;
}

/** A Sophos XGS firewall rule drop; the marker is the rule name, so it shows in the summary message. */
export function sophosFirewallDrop(marker: string, at: number): SampleLine {
  const src_ip = "185.220.101.4";
  return {
    marker,
    src_ip,
    action: "drop",
    log_type: "Firewall",
    line: `<30>device_name="SFW" timestamp="${sophosTime(at)}" device_serial_id="X21000E2E" log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" log_version=1 severity="Information" fw_rule_id=5 fw_rule_name="${marker}" src_ip=${src_ip} dst_ip=10.0.0.1 src_port=4444 dst_port=22 protocol="TCP"`,
  };
}

/** A Sophos WAF block of a SQL injection; the marker rides in the query string. */
export function sophosWafBlock(marker: string, at: number): SampleLine {
  const src_ip = "45.33.32.156";
  return {
    marker,
    src_ip,
    action: "drop",
    log_type: "WAF",
    line: `<30>device_name="SFW" timestamp="${sophosTime(at)}" log_type="WAF" log_component="Web Application Firewall" log_subtype="Denied" log_version=1 severity="Warning" sourceip=${src_ip} localip=10.0.0.5 method="POST" httpstatus=403 url="/login.php?tag=${marker}&id=1' OR 1=1" useragent="sqlmap/1.7" domain="shop.example.com"`,
  };
}

/** An sshd password failure for a user named after the marker. */
export function sshdFailure(marker: string, at: number, src_ip = "203.0.113.9"): SampleLine {
  return {
    marker,
    src_ip,
    action: "reject",
    log_type: "SSH",
    line: `<38>${bsdTime(at)} bastion sshd[811]: Failed password for ${marker} from ${src_ip} port 40022 ssh2`,
  };
}

/** A Sophos XGS firewall drop of an RDP attempt (dst port 3389) from `srcIp`, stamped now. */
export function sophosRdpDrop(srcIp: string, srcPort: number): string {
  return `<30>device_name="SFW" timestamp="${sophosTime(Date.now())}" device_serial_id="X21000E2E" log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" log_version=1 severity="Information" fw_rule_id=5 src_ip=${srcIp} dst_ip=10.0.0.1 src_port=${srcPort} dst_port=3389 protocol="TCP"`;
}
