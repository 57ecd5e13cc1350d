import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestSitesViaApi,
  eventually,
  startTestVigil,
  type TestVigil,
} from "../packages/server/src/test-support/test-vigil.js";
import { bsdTime, sendTcp, sendUdp, sophosTime } from "./support/syslog.js";

/**
 * Bans that a forger cannot cause (docs/THREAT-MODEL.md): one Sophos ATP line over UDP from a sender
 * nobody registered used to ban the address it named for 4 hours. Now it raises an alert and waits for
 * approval; the same line from a registered source bans the C2 server it called, and a private
 * address is never banned automatically, whoever reports it.
 */
let t: TestVigil;
let blocklistKey: string;

beforeAll(async () => {
  t = await startTestVigil();
  blocklistKey = await t.createApiKey(["blocklist"]);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

/** Sophos ATP: internal host `host` called the command-and-control server `c2`. */
function atpLine(host: string, c2: string): string {
  return (
    `<30>device="SFW" date=2024-03-10 time=14:07:30 timestamp="${sophosTime(Date.now())}" ` +
    `device_name="XGS2100" device_id=X21000000001 log_id=086304418010 log_type="ATP" ` +
    `log_component="Firewall" log_subtype="Alert" priority=Critical user_name="alice" ` +
    `protocol="TCP" src_port=50112 dst_port=443 sourceip=${host} destinationip=${c2} ` +
    `url="" threatname="C2/Generic-A" eventid="E1" eventtype="Standard" login_user="" ` +
    `process_user="" ip_address="" execution_path="" event_type="Alert"`
  );
}

interface BanJson {
  ip: string;
  status: string;
  trigger_rule: string;
}

async function banOf(ip: string): Promise<BanJson | null> {
  const res = await t.api("GET", `/api/v1/bans/${ip}`, undefined, t.adminToken);
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return (res.json() as { ban: BanJson | null }).ban;
}

async function pendingFor(ip: string) {
  const res = await t.api("GET", "/api/v1/bans/pending", undefined, t.adminToken);
  expect(res.status).toBe(200);
  const items = (
    res.json() as { items: { ip: string; pending_type: string; status: string; reason: string }[] }
  ).items;
  return items.find((p) => p.ip === ip && p.status === "pending");
}

/** What firewalls pull: the plain-text blocklist. */
async function blocklist(): Promise<string> {
  const res = await t.api("GET", `/api/v1/blocklist.txt?token=${blocklistKey}`);
  expect(res.status).toBe(200);
  return res.text;
}

describe("bans a forger cannot cause", () => {
  it("a forged ATP line over UDP from an unregistered sender bans nothing: an alert and an approval instead", async () => {
    const c2 = "185.100.87.41";
    await sendUdp(t.syslogPort, atpLine("192.168.10.15", c2));
    const pending = await eventually(() => pendingFor(c2));
    expect(pending).toMatchObject({ pending_type: "unverified_sender" });
    expect(pending.reason).toContain("127.0.0.1 over UDP");
    const alerts = await eventually(async () => {
      const res = await t.api("GET", "/api/v1/alerts?limit=100", undefined, t.adminToken);
      const items = (res.json() as { items: { title: string }[] }).items;
      return items.some((a) => a.title.includes(c2)) ? items : undefined;
    });
    expect(alerts.find((a) => a.title.includes(c2))?.title).toMatch(/waits for approval/);
    const ban = await banOf(c2);
    expect(ban?.status ?? "none").not.toBe("active");
    expect(await blocklist()).not.toContain(c2);
  });

  it("from a registered source the same line bans the C2 server it called, not the inside host", async () => {
    await createTestSitesViaApi(t, ["hq"]);
    const reg = await t.api(
      "POST",
      "/api/v1/sources",
      { match_type: "ip", match_value: "127.0.0.1", site: "hq", timezone: "UTC", name: "hq firewall" },
      t.adminToken,
    );
    expect(reg.status).toBe(201);
    const c2 = "185.100.87.42";
    await sendUdp(t.syslogPort, atpLine("192.168.10.16", c2));
    const ban = await eventually(async () => {
      const b = await banOf(c2);
      return b?.status === "active" ? b : undefined;
    });
    expect(ban).toMatchObject({ ip: c2, trigger_rule: "atp-callback" });
    expect(await banOf("192.168.10.16")).toBeNull();
    await eventually(async () => (await blocklist()).includes(c2));
  });

  it("an attack from a private address, reported by a registered source, is alerted on, not banned", async () => {
    const inside = "10.9.8.7";
    const lines = Array.from(
      { length: 6 },
      (_, i) =>
        `<38>${bsdTime(Date.now())} bastion sshd[${700 + i}]: Failed password for root from ${inside} port ${41000 + i} ssh2`,
    );
    await sendTcp(t.syslogPort, `${lines.join("\n")}\n`);
    const alert = await eventually(async () => {
      const res = await t.api("GET", "/api/v1/alerts?limit=100", undefined, t.adminToken);
      const items = (res.json() as { items: { title: string }[] }).items;
      return items.find((a) => a.title.includes(inside));
    });
    expect(alert.title).toContain("private address");
    expect(await banOf(inside)).toBeNull();
    expect(await pendingFor(inside)).toBeUndefined();
  });
});
