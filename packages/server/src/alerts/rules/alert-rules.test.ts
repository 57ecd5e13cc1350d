import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "../../events/test-events.js";
import type { Event } from "../../ingest/event.js";
import type { EventStore } from "../../storage/event-store.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { createTestSites } from "../../tenancy/test-sites.js";
import type { AlertRuleInput, NewAlert } from "../types.js";
import { type AlertRules, createAlertRules } from "./alert-rules.js";
import { DEFAULT_RULES } from "./default-rules.js";
import { createRuleStore } from "./rule-store.js";
import { validateRule } from "./rule-validation.js";

const log = { info() {}, warn() {}, error() {} };
// The live engine never reads the event store; the rule test has its own file with a real chDB.
const noEvents = {} as EventStore;

let state: TestStateStore;
const dataDir = mkdtempSync(join(tmpdir(), "vigil-alert-rules-"));
const raised: NewAlert[] = [];
const registry = new Registry();
let rules: AlertRules;

const open = (
  extra: { installDefaults?: boolean; reloadIntervalMs?: number; sitesOf?: (c: string) => string[] } = {},
) =>
  createAlertRules({
    db: state.store.db,
    eventStore: noEvents,
    dataDir,
    raise: async (a) => {
      raised.push(a);
    },
    log,
    registry,
    ...extra,
  });

async function addRule(input: AlertRuleInput) {
  const r = validateRule(input, { channels: new Set(), users: new Set() });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return rules.store.create(r.rule);
}

const drops = (n: number, over: Partial<Event> = {}, start = Date.now() - 30_000): Event[] =>
  Array.from({ length: n }, (_, i) =>
    makeEvent({ log_type: "Firewall", action: "drop", timestamp: start + i * 500, ...over }),
  );

beforeAll(async () => {
  state = await openTestStateStore();
  rules = await open();
});

afterAll(async () => {
  await rules?.close();
  await state?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("alert rules: defaults", () => {
  it("installs the shipped rules once, and a deleted default stays deleted across restarts", async () => {
    const first = await rules.store.list();
    expect(
      first
        .filter((r) => r.builtin)
        .map((r) => r.name)
        .sort(),
    ).toEqual(DEFAULT_RULES.map((r) => r.name).sort());
    const vpn = first.find((r) => r.name === "VPN login failures for one user");
    expect(vpn).toMatchObject({
      channels: [],
      severity: "high",
      detection: { threshold: 5, window: "5m", group_by: "user_name" },
    });

    await rules.close();
    rules = await open();
    expect((await rules.store.list()).length).toBe(first.length);

    await rules.store.remove(vpn?.id ?? "");
    await rules.close();
    rules = await open();
    const names = (await rules.store.list()).map((r) => r.name);
    expect(names).not.toContain("VPN login failures for one user");
    expect(names).toContain("Critical IPS event");
  });

  it("the VPN default fires on five Sophos VPN login failures for one user, not on successes", async () => {
    raised.length = 0;
    const vpn = (user: string, ok: boolean, i: number) =>
      makeEvent({
        log_type: "VPN",
        category: "SSL VPN Authentication",
        sub_category: "Authentication",
        action: "",
        user_name: user,
        message: ok
          ? `User ${user} authenticated successfully to login to SSLVPN through AD authentication mechanism`
          : `User ${user} failed to login to SSLVPN through AD authentication mechanism because of wrong credentials`,
        timestamp: Date.now() - 60_000 + i * 1000,
      });
    // The previous test deleted it: put it back as it ships.
    await addRule(DEFAULT_RULES[2] as AlertRuleInput);
    rules.consume([0, 1, 2, 3, 4, 5].map((i) => vpn("bob", true, i)));
    rules.consume([0, 1, 2, 3].map((i) => vpn("mallory", false, i)));
    expect(raised).toEqual([]);
    rules.consume([vpn("mallory", false, 4)]);
    await rules.engine.settled();
    expect(raised.map((a) => [a.rule_name, a.group_by, a.group_value, a.count])).toEqual([
      ["VPN login failures for one user", "user_name", "mallory", 5],
    ]);
  });
});

describe("alert rules: live evaluation", () => {
  let ruleId = "";

  beforeAll(async () => {
    await rules.close();
    // Only the rules of this block.
    await state.store.db.deleteFrom("alert_rules").execute();
    rules = await open({ installDefaults: false });
    const rule = await addRule({
      name: "Drops from one IP",
      severity: "high",
      sites: ["paris"],
      cooldown: "10m",
      detection: {
        filter: { log_type: "Firewall", action: "drop" },
        threshold: 20,
        window: "1m",
        group_by: "src_ip",
      },
    });
    ruleId = rule.id;
  });

  it("25 matching events raise exactly one alert; 19 from another source raise none", async () => {
    raised.length = 0;
    rules.consume(drops(25, { src_ip: "198.51.100.7" }));
    rules.consume(drops(19, { src_ip: "198.51.100.8" }));
    await rules.engine.settled();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({
      source: "rule",
      rule_id: ruleId,
      rule_name: "Drops from one IP",
      severity: "high",
      site: "paris",
      group_by: "src_ip",
      group_value: "198.51.100.7",
      count: 20,
      threshold: 20,
      channels: [],
      cooldownMs: 600_000,
    });
    expect(raised[0]?.event_ids?.length).toBeGreaterThan(0);
    expect(raised[0]?.title).toContain("198.51.100.7");
    const stored = await rules.store.get(ruleId);
    expect(stored?.trigger_count).toBe(1);
    expect(stored?.last_triggered_at).not.toBeNull();
    const metric = await registry.getSingleMetricAsString("vigil_alert_rule_firings_total");
    expect(metric).toContain('vigil_alert_rule_firings_total{rule="Drops from one IP"} 1');
  });

  it("honours the site scope", async () => {
    raised.length = 0;
    rules.consume(drops(30, { src_ip: "198.51.100.9", site: "lyon" }));
    await rules.engine.settled();
    expect(raised).toEqual([]);
  });

  it("an edit takes effect at once, and a disabled rule stops firing", async () => {
    raised.length = 0;
    const current = await rules.store.get(ruleId);
    if (!current) throw new Error("rule missing");
    const edit = validateRule(
      {
        name: current.name,
        severity: "critical",
        sites: [],
        detection: { ...current.detection, threshold: 3 },
        cooldown: "0s",
      },
      { channels: new Set(), users: new Set() },
    );
    if (!edit.ok) throw new Error("edit invalid");
    await rules.store.update(ruleId, edit.rule);
    rules.consume(drops(3, { src_ip: "198.51.100.10", site: "lyon" }));
    await rules.engine.settled();
    expect(raised.map((a) => [a.group_value, a.severity, a.cooldownMs])).toEqual([
      ["198.51.100.10", "critical", 0],
    ]);

    await rules.store.update(ruleId, { ...edit.rule, enabled: false });
    rules.consume(drops(5, { src_ip: "198.51.100.11" }));
    await rules.engine.settled();
    expect(raised).toHaveLength(1);
    await rules.store.update(ruleId, edit.rule);
  });

  it("keeps an open window across a restart (checkpoint)", async () => {
    raised.length = 0;
    const start = Date.now() - 20_000;
    rules.consume(drops(2, { src_ip: "198.51.100.12" }, start));
    await rules.close();
    rules = await open({ installDefaults: false });
    rules.consume(drops(1, { src_ip: "198.51.100.12" }, start + 5000));
    await rules.engine.settled();
    expect(raised.map((a) => a.group_value)).toEqual(["198.51.100.12"]);
  });

  it("picks up a rule written by another node on its periodic reload", async () => {
    raised.length = 0;
    await rules.close();
    rules = await open({ installDefaults: false, reloadIntervalMs: 50 });
    // Another node's store: its writes do not reach this node's listeners.
    const elsewhere = createRuleStore({ db: state.store.db });
    const def = validateRule(
      {
        name: "Any drop",
        severity: "low",
        detection: { filter: { action: "drop" }, threshold: 1, window: "1m" },
      },
      { channels: new Set(), users: new Set() },
    );
    if (!def.ok) throw new Error("invalid");
    await elsewhere.create(def.rule);
    await new Promise((r) => setTimeout(r, 300));
    rules.consume(drops(1, { src_ip: "198.51.100.13" }));
    await rules.engine.settled();
    expect(raised.map((a) => a.rule_name)).toContain("Any drop");
  });
});

describe("alert rules of clients: live evaluation", () => {
  // Which sites each client owns; changed below to move a site, as the tenancy directory would.
  const sitesOf = new Map<string, string[]>([
    ["acme", ["acme-paris", "acme-lyon"]],
    ["globex", ["globex-berlin"]],
  ]);
  const rule = (name: string, client: string, sites: string[] = []) => {
    const r = validateRule(
      {
        name,
        severity: "high",
        sites,
        client,
        cooldown: "0s",
        detection: { filter: { action: "drop" }, threshold: 3, window: "1m", group_by: "src_ip" },
      },
      { channels: new Set(), users: new Set() },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return rules.store.create(r.rule);
  };
  const firedOn = async (site: string, ip: string) => {
    raised.length = 0;
    rules.consume(drops(3, { site, src_ip: ip }));
    await rules.engine.settled();
    return raised.map((a) => `${a.rule_name}@${a.site}`).sort();
  };

  beforeAll(async () => {
    await rules.close();
    await state.store.db.deleteFrom("alert_rules").execute();
    await createTestSites(state.store.db, ["acme-paris", "acme-lyon"], "acme");
    await createTestSites(state.store.db, ["globex-berlin"], "globex");
    await createTestSites(state.store.db, [], "empty");
    rules = await open({
      installDefaults: false,
      reloadIntervalMs: 50,
      sitesOf: (c) => sitesOf.get(c) ?? [],
    });
    await rule("acme any", "acme");
    await rule("acme paris", "acme", ["acme-paris"]);
    // Stored as if written before globex-berlin changed hands: still never sees another client's site.
    await rule("acme berlin", "acme", ["globex-berlin"]);
    await rule("empty any", "empty");
  });

  it("fires on the client's own sites only, never on another client's or an unregistered site", async () => {
    expect(await firedOn("acme-paris", "198.51.100.20")).toEqual([
      "acme any@acme-paris",
      "acme paris@acme-paris",
    ]);
    expect(await firedOn("acme-lyon", "198.51.100.21")).toEqual(["acme any@acme-lyon"]);
    expect(await firedOn("globex-berlin", "198.51.100.22")).toEqual([]);
    expect(await firedOn("nowhere", "198.51.100.23")).toEqual([]);
  });

  it("follows a site to its new client on the next reload", async () => {
    sitesOf.set("acme", ["acme-paris"]);
    sitesOf.set("globex", ["globex-berlin", "acme-lyon"]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await firedOn("acme-lyon", "198.51.100.24")).toEqual([]);
    expect(await firedOn("acme-paris", "198.51.100.25")).toEqual([
      "acme any@acme-paris",
      "acme paris@acme-paris",
    ]);
  });
});
