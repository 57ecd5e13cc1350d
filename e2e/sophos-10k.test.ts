import { spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  startTestVigil,
  type TestVigil,
} from "../packages/server/src/test-support/test-vigil.js";
import { hasLogger, sendTcp } from "./support/syslog.js";

/**
 * 10,000 Sophos XGS lines, both formats, half over TCP and half over UDP (a few through util-linux
 * `logger`), then every one is read back through GET /api/v1/events and its parsed fields checked.
 */
let t: TestVigil;
const RUN = `k${Date.now().toString(36)}`;
const N = 10_000;

beforeAll(async () => {
  t = await startTestVigil();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

/** What line i says, so the check can recompute it. */
function expected(i: number) {
  const drop = i % 3 === 0;
  return {
    src_ip: `198.51.${(i >> 8) & 255}.${i & 255}`,
    dst_ip: "10.20.0.5",
    src_port: 1024 + (i % 50_000),
    dst_port: [22, 80, 443, 3389][i % 4] as number,
    rule_id: String(1 + (i % 40)),
    action: drop ? "drop" : "allow",
    log_type: "Firewall",
    source_type: "sophos",
  };
}

function line(i: number): string {
  const e = expected(i);
  const subtype = e.action === "drop" ? "Denied" : "Allowed";
  const common = `log_id=01010160000${e.action === "drop" ? 1 : 2} log_type="Firewall" log_component="Firewall Rule" log_subtype="${subtype}" fw_rule_id=${e.rule_id} src_ip=${e.src_ip} dst_ip=${e.dst_ip} src_port=${e.src_port} dst_port=${e.dst_port} protocol="TCP" marker="${RUN}-${i}"`;
  const now = new Date();
  if (i % 2 === 0) {
    const ts = now.toISOString().replace(/\.\d+Z$/, "+0000");
    return `<30>device_name="SFW" timestamp="${ts}" device_model="XGS2100" device_serial_id="X2100E2E" log_version=1 severity="Information" ${common}`;
  }
  const date = now.toISOString().slice(0, 10);
  const time = now.toISOString().slice(11, 19);
  return `<30>device="SFW" date=${date} time=${time} timezone="UTC" device_name="XG230" device_id=C22E2E status="${e.action === "drop" ? "Deny" : "Allow"}" priority=Information ${common}`;
}

async function sendUdpPaced(port: number, lines: string[]): Promise<void> {
  const socket = createSocket("udp4");
  for (let k = 0; k < lines.length; k++) {
    await new Promise<void>((resolve, reject) =>
      socket.send(lines[k] as string, port, "127.0.0.1", (err) => (err ? reject(err) : resolve())),
    );
    // Loopback UDP has no flow control: pause now and then so the receive buffer never overflows.
    if (k % 200 === 199) await new Promise((r) => setTimeout(r, 5));
  }
  socket.close();
}

interface EventJson extends Record<string, unknown> {
  raw_log: string;
}

describe("10,000 Sophos lines over UDP and TCP", () => {
  it("are all queryable through the API with the right parsed fields", async () => {
    const viaLogger = hasLogger ? 20 : 0;
    const lines = Array.from({ length: N }, (_, i) => line(i));
    // TCP: the first half (minus what logger sends), in a few connections.
    const tcpEnd = N / 2 - viaLogger;
    for (let start = 0; start < tcpEnd; start += 1000) {
      await sendTcp(t.syslogPort, `${lines.slice(start, Math.min(start + 1000, tcpEnd)).join("\n")}\n`);
    }
    for (let i = tcpEnd; i < N / 2; i++) {
      // logger adds its own header; it carries the Sophos text as the message, as a relay would.
      const msg = (lines[i] as string).replace(/^<30>/, "");
      const r = spawnSync("logger", [
        "-n",
        "127.0.0.1",
        "-P",
        String(t.syslogPort),
        i % 2 ? "--udp" : "--tcp",
        "--",
        msg,
      ]);
      expect(r.status).toBe(0);
    }
    await sendUdpPaced(t.syslogPort, lines.slice(N / 2));

    const found = new Map<number, EventJson>();
    await eventually(async () => {
      found.clear();
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/events?limit=1000&q=${RUN}-${cursor ? `&cursor=${cursor}` : ""}`;
        const res = await t.api("GET", url, undefined, t.adminToken);
        const body = res.json() as { items: EventJson[]; next_cursor: string | null };
        for (const e of body.items) {
          const m = new RegExp(`${RUN}-(\\d+)`).exec(e.raw_log);
          if (m) found.set(Number(m[1]), e);
        }
        cursor = body.next_cursor;
      } while (cursor);
      return found.size >= N ? true : undefined;
    }, 60_000);

    expect(found.size).toBe(N);
    let wrong = 0;
    for (const [i, e] of found) {
      const want = expected(i);
      for (const [k, v] of Object.entries(want)) {
        if (e[k] !== v) {
          wrong++;
          if (wrong < 5) console.error(`line ${i}: ${k} = ${String(e[k])}, expected ${String(v)}`);
        }
      }
    }
    expect(wrong).toBe(0);
  }, 180_000);
});
