import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "../../events/test-events.js";
import type { Role } from "../../http/access.js";
import { openTestApp, type TestApp } from "../../http/app-test-support.js";
import { EVENT_COLUMNS, eventRow } from "../../ingest/normalise.js";
import { silentLog } from "../../storage/clickhouse-log.js";
import type { EventStore } from "../../storage/event-store.js";
import { createEventStore } from "../../storage/event-store-factory.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { addClients, clientUser } from "../client-test-support.js";
import type { AlertRule, AlertRuleInput, AlertRuleTestResult } from "../types.js";
import { ruleRoutes } from "./rule-routes.js";
import { createRuleStore } from "./rule-store.js";

const T0 = Date.UTC(2026, 4, 18, 10, 0, 0);
const chDir = mkdtempSync(join(tmpdir(), "vigil-rule-routes-"));
const CHANNEL = uuidv7();
// The rules' own state store: the test app builds its store after the features exist.
let state: TestStateStore;
let events: EventStore;
let t: TestApp;

const rule: AlertRuleInput = {
  name: "Drops from one IP",
  severity: "high",
  channels: [CHANNEL],
  cooldown: "1h",
  detection: {
    filter: { log_type: "Firewall", action: "drop" },
    threshold: 20,
    window: "1m",
    group_by: "src_ip",
  },
};

const call = (
  method: "GET" | "POST" | "PUT" | "DELETE",
  url: string,
  who: Role | { token: string },
  payload?: object,
) => t.app.inject({ method, url, headers: t.as(who), ...(payload ? { payload } : {}) });

beforeAll(async () => {
  state = await openTestStateStore();
  await state.store.db
    .insertInto("notification_channels")
    .values({ id: CHANNEL, name: "soc-webhook", type: "webhook", config: "{}" })
    .execute();
  await state.store.db
    .insertInto("users")
    .values({ id: uuidv7(), username: "alice", email: null, password_hash: "x", role: "analyst" })
    .execute();
  events = await createEventStore({
    dataDir: chDir,
    log: silentLog,
    retention: { eventsDays: 3650, modsecDays: 3650 },
  });
  // Two bursts of 25 drops from one source, 30 minutes apart, 10 drops from another, and noise.
  const burst = (start: number, ip: string, n: number) =>
    Array.from({ length: n }, (_, i) =>
      makeEvent({ log_type: "Firewall", action: "drop", src_ip: ip, timestamp: start + i * 1000 }),
    );
  const rows = [
    ...burst(T0, "198.51.100.7", 25),
    ...burst(T0 + 30 * 60_000, "198.51.100.7", 25),
    ...burst(T0 + 5 * 60_000, "198.51.100.8", 10),
    ...burst(T0, "198.51.100.9", 5).map((e) => ({ ...e, action: "allow" as const })),
  ];
  await events.insertCompact("events", EVENT_COLUMNS, `${rows.map(eventRow).join("\n")}\n`);
  const store = createRuleStore({ db: state.store.db });
  t = await openTestApp({ features: [ruleRoutes({ db: state.store.db, store, eventStore: events })] });
});

afterAll(async () => {
  await t?.close();
  await state?.dispose();
  await events?.close();
  rmSync(chDir, { recursive: true, force: true });
});

describe("alert-rules API", () => {
  let id = "";

  it("admin creates (201); analyst and audit may not write; audit reads", async () => {
    expect((await call("POST", "/api/v1/alert-rules", "analyst", rule)).statusCode).toBe(403);
    expect((await call("POST", "/api/v1/alert-rules", "audit", rule)).statusCode).toBe(403);
    const res = await call("POST", "/api/v1/alert-rules", "admin", rule);
    expect(res.statusCode).toBe(201);
    const created = res.json() as AlertRule;
    id = created.id;
    expect(created).toMatchObject({
      name: "Drops from one IP",
      enabled: true,
      sites: [],
      channels: [CHANNEL],
      cooldown: "1h",
      builtin: false,
      trigger_count: 0,
      last_triggered_at: null,
      escalation: null,
      detection: { threshold: 20, window: "1m", group_by: "src_ip" },
    });
    const list = await call("GET", "/api/v1/alert-rules", "audit");
    expect((list.json() as { items: AlertRule[] }).items.map((r) => r.id)).toEqual([id]);
    expect((await call("GET", `/api/v1/alert-rules/${id}`, "audit")).json()).toMatchObject({ id });
    expect((await call("POST", "/api/v1/alert-rules", "admin", rule)).statusCode).toBe(409);
    for (const who of ["analyst", "audit"] as const) {
      expect((await call("PUT", `/api/v1/alert-rules/${id}`, who, rule)).statusCode).toBe(403);
      expect((await call("DELETE", `/api/v1/alert-rules/${id}`, who)).statusCode).toBe(403);
    }
    const renamed = await call("PUT", `/api/v1/alert-rules/${id}`, "admin", {
      ...rule,
      name: "Renamed",
      enabled: false,
    });
    expect(renamed.json()).toMatchObject({ id, name: "Renamed", enabled: false });
    expect((await call("PUT", `/api/v1/alert-rules/${id}`, "admin", rule)).json()).toMatchObject({
      enabled: true,
    });
  });

  it("refuses bad rules with a 400 naming the field", async () => {
    const cases: [object, string][] = [
      [{ ...rule, colour: "red" }, "colour"],
      [{ ...rule, detection: { ...rule.detection, window: "5x" } }, "detection.window"],
      [{ ...rule, detection: { ...rule.detection, threshold: 0 } }, "detection.threshold"],
      [
        { ...rule, detection: { ...rule.detection, filter: { log_typ: "Firewall" } } },
        "detection.filter.log_typ",
      ],
      [{ ...rule, channels: [CHANNEL, "0190a000-0000-7000-8000-0000000000ff"] }, "channels[1]"],
      [{ ...rule, channels: ["not-a-uuid"] }, "channels[0]"],
      [{ ...rule, escalation: { after: "15m", users: ["nobody"] } }, "escalation.users[0]"],
    ];
    for (const [body, field] of cases) {
      const res = await call("POST", "/api/v1/alert-rules", "admin", { ...body, name: "bad" });
      expect(res.statusCode, field).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      const p = res.json() as { detail: string; errors: { field: string }[] };
      expect(p.detail).toContain(`${field}:`);
      expect(p.errors[0]?.field).toBe(field);
    }
    const ok = await call("POST", "/api/v1/alert-rules", "admin", {
      ...rule,
      name: "escalating",
      escalation: { after: "15m", users: ["alice"], channels: [CHANNEL] },
    });
    expect(ok.statusCode).toBe(201);
    expect(
      (await call("DELETE", `/api/v1/alert-rules/${(ok.json() as AlertRule).id}`, "admin")).statusCode,
    ).toBe(204);
  });

  it("tests the saved rule over stored events: firings after the cooldown, counts per bucket", async () => {
    const range = { from: new Date(T0 - 60_000).toISOString(), to: new Date(T0 + 3_600_000).toISOString() };
    expect((await call("POST", `/api/v1/alert-rules/${id}/test`, "audit", range)).statusCode).toBe(403);
    const res = await call("POST", `/api/v1/alert-rules/${id}/test`, "analyst", range);
    expect(res.statusCode).toBe(200);
    const r = res.json() as AlertRuleTestResult;
    expect(r.scanned).toBe(65);
    expect(r.matched).toBe(60);
    // Two bursts from one source, 30 min apart: the 1 h cooldown folds the second into the first.
    expect(r.firings).toEqual([
      { group_value: "198.51.100.7", count: 20, at: new Date(T0 + 19_000).toISOString(), site: "paris" },
    ]);
    expect(r.buckets.reduce((n, b) => n + b.events, 0)).toBe(60);
    expect(r.buckets.reduce((n, b) => n + b.firings, 0)).toBe(1);
    expect(r.bucket_seconds).toBeGreaterThan(0);

    // With the cooldown off, each burst is its own alert; edits take effect for the test at once.
    const put = await call("PUT", `/api/v1/alert-rules/${id}`, "admin", { ...rule, cooldown: "0s" });
    expect(put.statusCode).toBe(200);
    const again = (
      await call("POST", `/api/v1/alert-rules/${id}/test`, "analyst", range)
    ).json() as AlertRuleTestResult;
    expect(again.firings.map((f) => f.at)).toEqual([
      new Date(T0 + 19_000).toISOString(),
      new Date(T0 + 30 * 60_000 + 19_000).toISOString(),
    ]);
  });

  it("previews an unsaved rule, and checks the range", async () => {
    const range = { from: new Date(T0 - 60_000).toISOString(), to: new Date(T0 + 3_600_000).toISOString() };
    const preview = await call("POST", "/api/v1/alert-rules/test", "analyst", {
      rule: { ...rule, name: "preview", detection: { ...rule.detection, threshold: 10 } },
      ...range,
    });
    expect(preview.statusCode).toBe(200);
    expect((preview.json() as AlertRuleTestResult).firings.map((f) => f.group_value).sort()).toEqual([
      "198.51.100.7",
      "198.51.100.8",
    ]);
    const bad = await call("POST", "/api/v1/alert-rules/test", "analyst", {
      rule: { ...rule, detection: { ...rule.detection, window: "forever" } },
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { detail: string }).detail).toContain("detection.window");
    const tooLong = await call("POST", `/api/v1/alert-rules/${id}/test`, "analyst", {
      from: new Date(T0 - 40 * 86_400_000).toISOString(),
      to: new Date(T0).toISOString(),
    });
    expect(tooLong.statusCode).toBe(400);
    const reversed = await call("POST", `/api/v1/alert-rules/${id}/test`, "analyst", {
      from: new Date(T0).toISOString(),
      to: new Date(T0 - 1000).toISOString(),
    });
    expect(reversed.statusCode).toBe(400);
  });

  it("shows the rule's alerts newest first as its history", async () => {
    const alert = (n: number) => ({
      id: uuidv7(),
      source: "rule" as const,
      rule_id: id,
      rule_name: rule.name,
      title: `firing ${n}`,
      severity: "high" as const,
      first_seen: new Date(T0 + n * 1000),
      last_seen: new Date(T0 + n * 1000),
      created_at: new Date(T0 + n * 1000),
    });
    await state.store.db
      .insertInto("alerts")
      .values([alert(1), alert(2), alert(3)])
      .execute();
    const res = await call("GET", `/api/v1/alert-rules/${id}/history?limit=2`, "audit");
    expect(res.statusCode).toBe(200);
    expect((res.json() as { items: { title: string }[] }).items.map((a) => a.title)).toEqual([
      "firing 3",
      "firing 2",
    ]);
  });

  it("deletes (204), then answers 404", async () => {
    expect((await call("DELETE", `/api/v1/alert-rules/${id}`, "audit")).statusCode).toBe(403);
    expect((await call("DELETE", `/api/v1/alert-rules/${id}`, "admin")).statusCode).toBe(204);
    expect((await call("GET", `/api/v1/alert-rules/${id}`, "audit")).statusCode).toBe(404);
    expect((await call("DELETE", `/api/v1/alert-rules/${id}`, "admin")).statusCode).toBe(404);
  });
});

describe("alert rules of clients", () => {
  // acme owns "paris" (where the stored events are), globex owns "lyon"; "empty" has no site.
  const ACME_CHANNEL = uuidv7();
  const GLOBEX_CHANNEL = uuidv7();
  let acme: { token: string };
  let globex: { token: string };
  let acmeAnalyst: { token: string };
  let acmeRule: AlertRule;
  const range = { from: new Date(T0 - 60_000).toISOString(), to: new Date(T0 + 3_600_000).toISOString() };

  beforeAll(async () => {
    await addClients(t, state.store.db, { acme: ["paris"], globex: ["lyon"], empty: [] });
    await state.store.db
      .insertInto("notification_channels")
      .values([
        { id: ACME_CHANNEL, name: "acme-webhook", type: "webhook", config: "{}", client: "acme" },
        { id: GLOBEX_CHANNEL, name: "globex-webhook", type: "webhook", config: "{}", client: "globex" },
      ])
      .execute();
    acme = await clientUser(t, "acme-sup", "supervisor", "acme");
    globex = await clientUser(t, "globex-sup", "supervisor", "globex");
    acmeAnalyst = await clientUser(t, "acme-analyst", "analyst", "acme");
  });

  const acmeInput = { ...rule, name: "acme drops", channels: [ACME_CHANNEL] };

  it("a client's supervisor creates a rule of their client, with their sites and channels only", async () => {
    expect((await call("POST", "/api/v1/alert-rules", acmeAnalyst, acmeInput)).statusCode).toBe(403);
    const res = await call("POST", "/api/v1/alert-rules", acme, acmeInput);
    expect(res.statusCode, res.body).toBe(201);
    acmeRule = res.json() as AlertRule;
    expect(acmeRule).toMatchObject({ client: "acme", sites: [], channels: [ACME_CHANNEL] });

    const other = await call("POST", "/api/v1/alert-rules", acme, {
      ...acmeInput,
      name: "x",
      client: "globex",
    });
    expect(other.statusCode).toBe(403);
    const lyon = await call("POST", "/api/v1/alert-rules", acme, {
      ...acmeInput,
      name: "x",
      sites: ["lyon"],
    });
    expect(lyon.statusCode).toBe(403);
    expect((lyon.json() as { detail: string }).detail).toContain('"lyon"');
    for (const [channels, field] of [
      [[GLOBEX_CHANNEL], "channels[0]"],
      [[ACME_CHANNEL, CHANNEL], "channels[1]"],
    ] as const) {
      const res = await call("POST", "/api/v1/alert-rules", acme, { ...acmeInput, name: "x", channels });
      expect(res.statusCode, field).toBe(400);
      expect((res.json() as { errors: { field: string }[] }).errors[0]?.field).toBe(field);
    }
    const escalating = await call("POST", "/api/v1/alert-rules", acme, {
      ...acmeInput,
      name: "x",
      escalation: { after: "15m", channels: [GLOBEX_CHANNEL] },
    });
    expect(escalating.statusCode).toBe(400);
  });

  it("another client's user neither sees nor touches it (404), and lists their own only", async () => {
    const list = (await call("GET", "/api/v1/alert-rules", globex)).json() as { items: AlertRule[] };
    expect(list.items).toEqual([]);
    const mine = (await call("GET", "/api/v1/alert-rules", acmeAnalyst)).json() as { items: AlertRule[] };
    expect(mine.items.map((r) => r.id)).toEqual([acmeRule.id]);
    const url = `/api/v1/alert-rules/${acmeRule.id}`;
    expect((await call("GET", url, globex)).statusCode).toBe(404);
    expect((await call("GET", `${url}/history`, globex)).statusCode).toBe(404);
    expect((await call("POST", `${url}/test`, globex, range)).statusCode).toBe(404);
    expect((await call("PUT", url, globex, { ...acmeInput, channels: [] })).statusCode).toBe(404);
    expect((await call("DELETE", url, globex)).statusCode).toBe(404);
    expect((await call("GET", url, acmeAnalyst)).statusCode).toBe(200);
    // Staff see every client's rules.
    const all = (await call("GET", "/api/v1/alert-rules", "audit")).json() as { items: AlertRule[] };
    expect(all.items.map((r) => r.id)).toContain(acmeRule.id);
  });

  it("a client's rule matches its client's sites only, in tests as live", async () => {
    const own = await call("POST", `/api/v1/alert-rules/${acmeRule.id}/test`, acme, range);
    expect((own.json() as AlertRuleTestResult).firings.map((f) => f.site)).toEqual(["paris"]);
    // The same rule for globex (whose site is lyon) would not fire on paris's events.
    const preview = await call("POST", "/api/v1/alert-rules/test", globex, {
      rule: { ...rule, name: "globex preview", channels: [] },
      ...range,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect((preview.json() as AlertRuleTestResult).matched).toBe(0);
    // Nor would one of a client with no site at all.
    const staffPreview = await call("POST", "/api/v1/alert-rules/test", "analyst", {
      rule: { ...rule, name: "empty preview", channels: [], client: "empty" },
      ...range,
    });
    expect((staffPreview.json() as AlertRuleTestResult).matched).toBe(0);
  });

  it("staff write rules for an existing client, with that client's sites", async () => {
    const unknown = await call("POST", "/api/v1/alert-rules", "supervisor", {
      ...rule,
      name: "y",
      client: "nope",
    });
    expect(unknown.statusCode).toBe(400);
    expect((unknown.json() as { detail: string }).detail).toContain("nope");
    const foreign = await call("POST", "/api/v1/alert-rules", "supervisor", {
      ...rule,
      name: "y",
      channels: [],
      client: "globex",
      sites: ["paris"],
    });
    expect(foreign.statusCode).toBe(403);
    const res = await call("POST", "/api/v1/alert-rules", "supervisor", {
      ...rule,
      name: "globex by staff",
      channels: [GLOBEX_CHANNEL],
      client: "globex",
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json() as AlertRule;
    expect(created.client).toBe("globex");
    // A PUT that leaves `client` out keeps it; the operator's own rules stay the operator's.
    const put = await call("PUT", `/api/v1/alert-rules/${created.id}`, "supervisor", {
      ...rule,
      name: "globex by staff",
      channels: [],
    });
    expect(put.json()).toMatchObject({ client: "globex" });
    const operator = await call("POST", "/api/v1/alert-rules", "supervisor", { ...rule, name: "operator's" });
    expect(operator.json()).toMatchObject({ client: null });
    expect(
      (await call("GET", `/api/v1/alert-rules/${(operator.json() as AlertRule).id}`, acme)).statusCode,
    ).toBe(404);
    // globex's supervisor manages it now; acme's delete their own.
    expect((await call("DELETE", `/api/v1/alert-rules/${created.id}`, globex)).statusCode).toBe(204);
    expect((await call("DELETE", `/api/v1/alert-rules/${acmeRule.id}`, acme)).statusCode).toBe(204);
  });
});
