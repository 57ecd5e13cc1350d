import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../packages/server/src/intel/lookup/fake-provider.js";
import { fixture } from "../packages/server/src/intel/providers/fixtures/recorded.js";
import { openLiveClient } from "../packages/server/src/test-support/live-client.js";
import { bsdTime } from "../packages/server/src/test-support/syslog-stamps.js";
import {
  eventually,
  registerTestSender,
  startTestVigil,
  type TestVigil,
} from "../packages/server/src/test-support/test-vigil.js";
import { sendTcp } from "./support/syslog.js";

/**
 * Threat intelligence in the ban decision, end to end over syslog (issue 10): the shipped SSH
 * scenario, switched to `validate_threat: true` through the API, bans the attacker that OTX reports
 * in many pulses and AbuseIPDB at 100, and turns the clean attacker's detection into an alert. The
 * providers are local fakes behind VIGIL_TI_OTX_URL and VIGIL_TI_ABUSEIPDB_URL; a live client
 * subscribed to the `threats` topic hears about the bad one from background enrichment.
 */
const BAD = "45.155.205.233";
const CLEAN = "8.8.4.4";

let t: TestVigil;
let otx: FakeProvider;
let abuse: FakeProvider;

beforeAll(async () => {
  otx = await startFakeProvider((r) => {
    const ip = r.path.split("/")[5] ?? "";
    const count = ip === BAD ? 25 : 0;
    const pulses = Array.from({ length: Math.min(count, 3) }, (_, i) => ({
      id: `p${i}`,
      name: `SSH brute force ${i}`,
      tags: ["ssh", "bruteforce"],
      malware_families: [],
    }));
    return { status: 200, body: JSON.stringify({ indicator: ip, pulse_info: { count, pulses } }) };
  });
  abuse = await startFakeProvider((r) => {
    const ip = new URL(r.path, "http://x").searchParams.get("ipAddress") ?? "";
    const doc = JSON.parse(fixture("abuseipdb-check.json"));
    const bad = ip === BAD;
    doc.data.ipAddress = ip;
    doc.data.abuseConfidenceScore = bad ? 100 : 0;
    doc.data.totalReports = bad ? doc.data.totalReports : 0;
    doc.data.lastReportedAt = bad ? new Date().toISOString() : null;
    return { status: 200, body: JSON.stringify(doc) };
  });
  t = await startTestVigil({
    VIGIL_TI_OTX_KEY: "otx-e2e-key",
    VIGIL_TI_OTX_URL: otx.url,
    VIGIL_TI_ABUSEIPDB_KEY: "abuse-e2e-key",
    VIGIL_TI_ABUSEIPDB_URL: abuse.url,
  });
  await registerTestSender(t);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await otx?.close();
  await abuse?.close();
});

async function liveThreats() {
  const client = await openLiveClient(t);
  await client.subscribe(["threats"]);
  return client;
}

const sshFailures = (ip: string) =>
  Array.from(
    { length: 6 },
    (_, i) =>
      `<38>${bsdTime(Date.now())} bastion sshd[${700 + i}]: Failed password for root from ${ip} port ${41000 + i} ssh2`,
  ).join("\n");

describe("validate_threat over syslog", () => {
  it("bans the attacker the providers score high, alerts on the clean one, and tells live clients", async () => {
    const current = await t.api("GET", "/api/v1/scenarios/ssh-bruteforce", undefined, t.adminToken);
    expect(current.status).toBe(200);
    const yaml = (current.json() as { yaml: string }).yaml.replace(
      "validate_threat: false",
      "validate_threat: true",
    );
    const put = await t.api("PUT", "/api/v1/scenarios/ssh-bruteforce", { yaml }, t.adminToken);
    expect(put.status).toBe(200);

    const live = await liveThreats();
    await sendTcp(t.syslogPort, `${sshFailures(BAD)}\n${sshFailures(CLEAN)}\n`);

    const ban = await eventually(async () => {
      const res = await t.api("GET", `/api/v1/bans/${BAD}`, undefined, t.adminToken);
      const b = res.status === 200 ? (res.json() as { ban: Record<string, unknown> | null }).ban : null;
      return b?.status === "active" ? b : undefined;
    });
    expect(ban.trigger_rule).toBe("ssh-bruteforce");
    expect(ban.threat_score_at_ban).toBeGreaterThanOrEqual(50);
    expect(ban.threat_sources).toEqual(expect.arrayContaining(["otx", "abuseipdb"]));
    expect(abuse.requests.some((r) => r.headers.key === "abuse-e2e-key")).toBe(true);

    const alert = await eventually(async () => {
      const res = await t.api("GET", `/api/v1/alerts?q=${CLEAN}`, undefined, t.adminToken);
      const items = (res.json() as { items: Array<{ title: string; group_value: string }> }).items;
      return items.find((a) => a.group_value === CLEAN && /not banned/.test(a.title));
    });
    expect(alert.title).toMatch(/threat score 0 below 50/);
    const cleanBan = await t.api("GET", `/api/v1/bans/${CLEAN}`, undefined, t.adminToken);
    const cleanRow = cleanBan.status === 200 ? (cleanBan.json() as { ban: unknown }).ban : null;
    expect(cleanRow).toBeNull();
    // The clean IP never reached tier 2: AbuseIPDB was asked about the bad one only.
    expect(
      abuse.requests.map((r) => new URL(r.path, "http://x").searchParams.get("ipAddress")),
    ).not.toContain(CLEAN);

    const notice = await eventually(async () =>
      live.messages.find((m) => m.type === "threat_detected" && (m.data as { ip: string }).ip === BAD),
    );
    expect(notice.data).toMatchObject({ ip: BAD, is_malicious: true });
    expect(
      live.messages.some((m) => m.type === "threat_detected" && (m.data as { ip: string }).ip === CLEAN),
    ).toBe(false);
    live.socket.terminate();
  });
});
