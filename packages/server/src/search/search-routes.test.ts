import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent, makeModSec, toJsonEachRow } from "../events/test-events.js";
import { startTestVigil, type TestVigil } from "../test-support/test-vigil.js";
import { HISTORY_PER_USER } from "./saved-searches.js";
import { TEMPLATES } from "./templates.js";

/** Saved queries, history and templates, through a whole Vigil (its state store and migrations). */
let t: TestVigil;
let alice: string;
let bob: string;

beforeAll(async () => {
  t = await startTestVigil();
  alice = await t.createUser("alice", "analyst");
  bob = await t.createUser("bob", "audit");
  const now = Date.now();
  const scans = Array.from({ length: 25 }, (_, i) =>
    makeEvent({ src_ip: "198.51.100.77", dst_port: 1000 + i, action: "drop", timestamp: now - 60_000 - i }),
  );
  const failures = Array.from({ length: 6 }, (_, i) =>
    makeEvent({
      log_type: "SSH",
      sub_category: "failure",
      user_name: "root",
      action: "",
      timestamp: now - 120_000 - i,
    }),
  );
  await t.vigil.eventStore.insertJsonEachRow(
    "events",
    toJsonEachRow([...scans, ...failures, makeEvent({ geo_country: "FR" })]),
  );
  await t.vigil.eventStore.insertJsonEachRow(
    "modsec_logs",
    toJsonEachRow([makeModSec({ timestamp: now - 1000 })]),
  );
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("saved KQL queries", () => {
  it("saves, lists and deletes a user's own queries; another user neither sees nor deletes them", async () => {
    const created = await t.api(
      "POST",
      "/api/v1/search/saved",
      { name: "drops", query: "Events | where action == 'drop'" },
      alice,
    );
    expect(created.status).toBe(201);
    const id = (created.json() as { id: string }).id;
    const dup = await t.api("POST", "/api/v1/search/saved", { name: "drops", query: "Events" }, alice);
    expect(dup.status).toBe(409);
    const list = (await t.api("GET", "/api/v1/search/saved", undefined, alice)).json() as {
      items: Array<{ name: string }>;
    };
    expect(list.items.map((s) => s.name)).toEqual(["drops"]);
    expect(
      ((await t.api("GET", "/api/v1/search/saved", undefined, bob)).json() as { items: unknown[] }).items,
    ).toEqual([]);
    expect((await t.api("DELETE", `/api/v1/search/saved/${id}`, undefined, bob)).status).toBe(404);
    expect((await t.api("DELETE", `/api/v1/search/saved/${id}`, undefined, alice)).status).toBe(204);
    expect((await t.api("DELETE", `/api/v1/search/saved/${id}`, undefined, alice)).status).toBe(404);
  });

  it("refuses to save a query that would not run, with its line and column", async () => {
    const res = await t.api(
      "POST",
      "/api/v1/search/saved",
      { name: "broken", query: "Events\n| where (" },
      alice,
    );
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ line: 2, column: 10 });
  });

  it("is for users: an API key gets 403", async () => {
    const key = await t.createApiKey(["read"]);
    expect((await t.api("GET", "/api/v1/search/saved", undefined, key)).status).toBe(403);
    // A key still runs queries; they land in no one's history.
    expect((await t.api("POST", "/api/v1/search/kql", { query: "Events | count" }, key)).status).toBe(200);
  });
});

describe("KQL history", () => {
  it("records each user's queries, refused ones too, newest first, and keeps the last 100", async () => {
    await t.api("POST", "/api/v1/search/kql", { query: "Events | count" }, bob);
    await t.api("POST", "/api/v1/search/kql", { query: "Events | where (" }, bob);
    const items = (
      (await t.api("GET", "/api/v1/search/history", undefined, bob)).json() as {
        items: Array<{ query: string; ok: boolean; row_count: number | null }>;
      }
    ).items;
    expect(items.slice(0, 2)).toMatchObject([
      { query: "Events | where (", ok: false, row_count: null },
      { query: "Events | count", ok: true, row_count: 1 },
    ]);
    const alicesOwn = (await t.api("GET", "/api/v1/search/history", undefined, alice)).json() as {
      items: Array<{ query: string }>;
    };
    expect(alicesOwn.items.map((i) => i.query)).not.toContain("Events | where (");
    for (let i = 0; i < HISTORY_PER_USER + 5; i++) {
      await t.api("POST", "/api/v1/search/kql", { query: `Events | take ${i}` }, alice);
    }
    const all = (await t.api("GET", "/api/v1/search/history?limit=100", undefined, alice)).json() as {
      items: Array<{ query: string }>;
    };
    expect(all.items).toHaveLength(HISTORY_PER_USER);
    expect(all.items[0]?.query).toBe(`Events | take ${HISTORY_PER_USER + 4}`);
    const rows = await t.vigil.state.db
      .selectFrom("search_history")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    expect(Number(rows?.n)).toBeLessThanOrEqual(2 * HISTORY_PER_USER);
  }, 120_000);
});

describe("KQL templates", () => {
  it("ships the four templates, each of which runs and finds what it is for", async () => {
    const res = await t.api("GET", "/api/v1/search/templates", undefined, bob);
    const items = (res.json() as { items: Array<{ id: string; query: string; range_days: number }> }).items;
    expect(items.map((i) => i.id)).toEqual([
      "brute-force-by-user",
      "top-waf-rules",
      "new-countries",
      "port-scans",
    ]);
    const found: Record<string, unknown[][]> = {};
    for (const tpl of TEMPLATES) {
      const from = new Date(Date.now() - tpl.range_days * 86_400_000).toISOString();
      const r = await t.api("POST", "/api/v1/search/kql", { query: tpl.query, from }, bob);
      expect(r.status, `${tpl.id}: ${r.text}`).toBe(200);
      found[tpl.id] = (r.json() as { rows: unknown[][] }).rows;
    }
    expect(found["brute-force-by-user"]?.[0]?.slice(0, 2)).toEqual(["root", "paris"]);
    expect(found["top-waf-rules"]?.[0]?.[0]).toBe("942100");
    expect(found["new-countries"]?.map((r) => r[0])).toContain("FR");
    expect(found["port-scans"]?.[0]?.[0]).toBe("198.51.100.77");
  });
});
