import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ATTACKERS } from "../cli/traffic/actors.js";
import { createTrafficMix, type TrafficKind } from "../cli/traffic/mix.js";
import type { Event } from "../ingest/event.js";
import { finishEvent } from "../ingest/normalise.js";
import { parseLine } from "../ingest/parsers/registry.js";
import { parseSyslogHeader } from "../ingest/syslog/header.js";
import { corpusPath, hasCorpus } from "../test-support/corpus.js";
import { createDetectionEngine } from "./engine.js";
import { builtinScenariosDir, loadScenarioFolder } from "./scenario-files.js";
import type { Detection, Scenario } from "./types.js";

const T0 = Date.UTC(2026, 4, 18, 14, 0, 0);
const ATTACK_KINDS = new Set<TrafficKind>(["ssh-bruteforce", "port-scan", "waf-sqli", "modsec-block"]);
const ATTACKER_IPS = new Set<string>(Object.values(ATTACKERS));

async function defaults(): Promise<Scenario[]> {
  const loaded = await loadScenarioFolder(builtinScenariosDir(), "builtin");
  expect(loaded.errors).toEqual([]);
  return loaded.scenarios.map((s) => s.scenario);
}

function toEvent(frame: string, at: number): Event | null {
  const { meta, message } = parseSyslogHeader(frame, { receivedAt: at, timezone: "UTC" });
  const draft = parseLine(message, { receivedAt: at, timezone: "UTC", syslog: meta }).event;
  return draft ? finishEvent(draft, { site: "test", sender: "192.0.2.1" }, null, at) : null;
}

/** Runs lines (no syslog header) through the parsers and the default scenarios. */
function detectLines(scenarios: Scenario[], lines: string[]): Detection[] {
  const fired: Detection[] = [];
  const engine = createDetectionEngine({ scenarios, onDetection: (d) => fired.push(d), maxSkewMs: null });
  const events: Event[] = [];
  for (const line of lines) {
    const draft = parseLine(line, { receivedAt: T0, timezone: "UTC" }).event;
    if (draft) events.push(finishEvent(draft, { site: "test", sender: "192.0.2.1" }, null, T0));
  }
  engine.process(events);
  return fired;
}

function corpusLines(...parts: string[]): string[] {
  return readFileSync(corpusPath(...parts), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
}

describe("default scenarios", () => {
  it("ship for every attack family, each valid, with MITRE labels", async () => {
    const list = await defaults();
    // The web and SSH library (scenario-library.test.ts tests each one) and the firewall families.
    expect(list.map((s) => s.name).sort()).toEqual([
      "atp-callback",
      "http-probing",
      "ips-alerts",
      "modsec-blocking",
      "port-scan",
      "ssh-bad-kex",
      "ssh-bruteforce",
      "ssh-preauth-timeout",
      "ssh-refused",
      "ssh-slow-bruteforce",
      "ssh-user-enum",
      "vpn-bruteforce",
      "waf-attacks",
      "web-admin-probe",
      "web-auth-bruteforce",
      "web-bad-request",
      "web-crawl-non-static",
      "web-error-probing",
      "web-exploit-cve",
      "web-limit-req",
      "web-log4j",
      "web-login-flood",
      "web-path-traversal",
      "web-rfi",
      "web-scanner-user-agent",
      "web-sensitive-files",
      "web-shell-probe",
      "web-shellshock",
      "web-sqli-probe",
      "web-wordpress-login-flood",
      "web-wordpress-scan",
      "web-xss-probe",
    ]);
    for (const s of list)
      expect(
        s.labels.some((l) => /^T\d{4}/.test(l)),
        s.name,
      ).toBe(true);
  });

  it("catch the demo mix's three attackers and nobody in its normal traffic", async () => {
    const scenarios = await defaults();
    const fired: Detection[] = [];
    let clock = T0;
    const engine = createDetectionEngine({ scenarios, onDetection: (d) => fired.push(d), now: () => clock });
    // 20,000 items over 10 minutes (~33 a second), as a small site's firewall, web and ssh logs.
    const mix = createTrafficMix({ seed: 11, now: () => clock });
    const normal: Event[] = [];
    for (let i = 0; i < 20_000; i++) {
      clock = T0 + i * 30;
      const item = mix.next();
      const events = item.lines.map((l) => toEvent(l, clock)).filter((e): e is Event => e !== null);
      // The attackers' lines (their own kinds, and the sqli campaign's share of the nginx lines) removed.
      if (!ATTACK_KINDS.has(item.kind)) normal.push(...events.filter((e) => !ATTACKER_IPS.has(e.src_ip)));
      engine.process(events);
    }
    const byScenario = new Map<string, Set<string>>();
    for (const d of fired) byScenario.set(d.scenario, (byScenario.get(d.scenario) ?? new Set()).add(d.value));
    expect(byScenario.get("ssh-bruteforce")).toEqual(new Set([ATTACKERS.sshBruteForcer]));
    expect(byScenario.get("port-scan")).toEqual(new Set([ATTACKERS.portScanner]));
    expect(byScenario.get("waf-attacks")).toEqual(new Set([ATTACKERS.sqliCampaign]));
    expect(byScenario.get("modsec-blocking")).toEqual(new Set([ATTACKERS.sqliCampaign]));
    expect(fired.filter((d) => !ATTACKER_IPS.has(d.value))).toEqual([]);

    // The normal traffic alone (attackers' lines removed) trips nothing.
    const quiet: Detection[] = [];
    const fresh = createDetectionEngine({ scenarios, onDetection: (d) => quiet.push(d), maxSkewMs: null });
    fresh.process(normal);
    expect(normal.length).toBeGreaterThan(14_000);
    expect(quiet).toEqual([]);
  });

  it("fire on hand-made VPN, IPS and ATP attacks", async () => {
    const scenarios = await defaults();
    const at = (i: number) => T0 + i * 1000;
    const vpn = Array.from({ length: 5 }, (_, i) =>
      finish({
        log_type: "VPN",
        src_ip: "198.51.100.23",
        timestamp: at(i),
        message: `User bob${i} failed to login to SSLVPN`,
        reason: "Invalid credentials",
      }),
    );
    const ips = Array.from({ length: 3 }, (_, i) =>
      finish({ log_type: "IPS", severity: "critical", src_ip: "198.51.100.24", timestamp: at(i) }),
    );
    const insideIps = Array.from({ length: 3 }, (_, i) =>
      finish({ log_type: "IPS", severity: "critical", src_ip: "10.1.2.3", timestamp: at(i) }),
    );
    const fired: Detection[] = [];
    createDetectionEngine({ scenarios, onDetection: (d) => fired.push(d), maxSkewMs: null }).process([
      ...vpn,
      ...ips,
      ...insideIps,
    ]);
    expect(fired.map((d) => [d.scenario, d.value])).toEqual([
      ["vpn-bruteforce", "198.51.100.23"],
      ["ips-alerts", "198.51.100.24"],
    ]);
  });
});

function finish(d: Partial<Event>): Event {
  return finishEvent(
    { source_type: "sophos", raw_log: "", ...d },
    { site: "test", sender: "192.0.2.1" },
    null,
    T0,
  );
}

describe.skipIf(!hasCorpus)("default scenarios on the corpus", () => {
  it("ssh-bruteforce bans the IP CrowdSec's ssh-bf bans on the hub's test log", async () => {
    const fired = detectLines(await defaults(), corpusLines("crowdsec-hub", "ssh-bf", "ssh-bf.log"));
    // CrowdSec: results[0].Overflow.Sources["35.188.49.176"] (ssh-bf and ssh-bf_user-enum).
    expect(fired.map((d) => [d.scenario, d.value])).toEqual([
      ["ssh-bruteforce", "35.188.49.176"],
      ["ssh-user-enum", "35.188.49.176"],
    ]);
  });

  it("http-probing bans the IP CrowdSec's http-probing bans on the hub's apache log", async () => {
    const fired = detectLines(
      await defaults(),
      corpusLines("crowdsec-hub", "apache-http-probing", "apache-http-probing.log"),
    );
    // CrowdSec: len(results) == 1, source 172.17.0.1, crowdsecurity/http-probing.
    expect(fired.filter((d) => d.scenario === "http-probing").map((d) => d.value)).toEqual(["172.17.0.1"]);
  });

  it("atp-callback bans the C2 addresses of Sophos ATP logs at once, never the internal host", async () => {
    const fired = detectLines(
      await defaults(),
      corpusLines("sophos-xg", "test-sophos-18-5-atp-firewall.log"),
    );
    const c2 = fired.filter((d) => d.scenario === "atp-callback").map((d) => d.value);
    expect(c2).toContain("81.2.69.193");
    expect(c2).toContain("67.43.156.12");
    expect(c2.some((ip) => ip.startsWith("10."))).toBe(false);
  });
});
