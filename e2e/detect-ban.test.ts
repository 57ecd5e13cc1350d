import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeXgs, startFakeXgs } from "../packages/server/src/test-support/fake-xgs.js";
import {
  eventually,
  registerTestSender,
  startTestVigil,
  type TestVigil,
} from "../packages/server/src/test-support/test-vigil.js";
import { sendTcp } from "./support/syslog.js";

/**
 * Detect and ban, end to end: an SSH brute force arrives over syslog, the shipped scenario fires, the
 * ban policy bans the attacker, and the (fake) Sophos XGS ends up holding it in grp_VGX-BannedIP;
 * unbanning takes it off the firewall.
 */
let t: TestVigil;
let xgs: FakeXgs;
const ATTACKER = "185.220.101.77";

beforeAll(async () => {
  xgs = await startFakeXgs({ username: "api-user", password: "firewall-pass-1" });
  t = await startTestVigil();
  // Bans come only from registered senders' events (docs/THREAT-MODEL.md): register ours, as a user would.
  await registerTestSender(t);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await xgs?.close();
});

interface BanJson {
  ip: string;
  status: string;
  current_tier: number;
  trigger_rule: string;
  expires_at: string | null;
}

describe("detect and ban", () => {
  it("bans an SSH brute-forcer from syslog on the firewall within seconds, and unbans it", async () => {
    const target = await t.api(
      "POST",
      "/api/v1/enforcement/targets",
      {
        name: "hq-xgs",
        type: "sophos_xgs",
        enabled: true,
        config: { url: xgs.url, username: "api-user", password: "firewall-pass-1", verify_tls: false },
      },
      t.adminToken,
    );
    expect(target.status).toBe(201);
    expect(target.text).not.toContain("firewall-pass-1");

    const lines = Array.from(
      { length: 6 },
      (_, i) =>
        `<38>${new Date()
          .toUTCString()
          .slice(5, 25)
          .replace(
            /^(\d+) (\w+) \d+ /,
            "$2 $1 ",
          )} bastion sshd[${900 + i}]: Failed password for root from ${ATTACKER} port ${40000 + i} ssh2`,
    );
    const sentAt = Date.now();
    await sendTcp(t.syslogPort, `${lines.join("\n")}\n`);

    const ban = await eventually(async () => {
      const res = await t.api("GET", `/api/v1/bans/${ATTACKER}`, undefined, t.adminToken);
      if (res.status !== 200) return undefined;
      const b = (res.json() as { ban: BanJson | null }).ban;
      return b?.status === "active" ? b : undefined;
    });
    expect(ban).toMatchObject({ ip: ATTACKER, trigger_rule: "ssh-bruteforce", current_tier: 0 });
    expect(Date.parse(ban.expires_at ?? "") - sentAt).toBeGreaterThan(3.9 * 3600_000);

    await eventually(async () =>
      xgs.members("grp_VGX-BannedIP").includes(`VGX_${ATTACKER.replaceAll(".", "_")}`),
    );
    const onFirewallMs = Date.now() - sentAt;
    console.log(`[detect-ban] syslog → ban on the firewall in ${onFirewallMs} ms`);

    const unban = await t.api("DELETE", `/api/v1/bans/${ATTACKER}?immunity_hours=1`, undefined, t.adminToken);
    expect(unban.status).toBe(200);
    await eventually(async () => !xgs.hosts.has(`VGX_${ATTACKER.replaceAll(".", "_")}`));
  }, 90_000);

  it("bans a source from a hostile geo-zone at its first offence", async () => {
    const put = await t.api(
      "PUT",
      "/api/v1/geozone",
      {
        enabled: true,
        authorized_countries: ["FR"],
        hostile_countries: ["US"],
        default_policy: "neutral",
        waf_threshold_hzone: 1,
        waf_threshold_zone: 3,
        threat_score_threshold: 50,
      },
      t.adminToken,
    );
    expect(put.status).toBe(200);
    // The engine re-reads geo-zone settings every 5 s; after that, ONE failure must be enough.
    await new Promise((r) => setTimeout(r, 5_500));
    const hostile = "8.8.4.4";
    await sendTcp(
      t.syslogPort,
      `<38>bastion sshd[77]: Failed password for admin from ${hostile} port 51000 ssh2\n`,
    );
    await eventually(async () => {
      const res = await t.api("GET", `/api/v1/bans/${hostile}`, undefined, t.adminToken);
      if (res.status !== 200) return undefined;
      const b = (res.json() as { ban: BanJson | null }).ban;
      return b?.status === "active" ? b : undefined;
    }, 10_000);
    const history = await t.api("GET", `/api/v1/bans/${hostile}`, undefined, t.adminToken);
    expect(history.text).toContain("ssh-bruteforce");
  }, 60_000);
});
