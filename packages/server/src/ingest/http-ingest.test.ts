import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestVigil, type TestVigil } from "../test-support/test-vigil.js";

/** HTTP ingest through the real app: the SOC-30 record shape, Vigil's own shape, and bad input. */
let t: TestVigil;
let key: string;

interface StoredEvent {
  event_id: string;
  site: string;
  log_type: string;
  event_type: string;
  severity: string;
  message: string;
  src_ip: string;
  sender: string;
  metadata: Record<string, string>;
  raw_log: string;
}

beforeAll(async () => {
  t = await startTestVigil();
  key = await t.createApiKey(["ingest"]);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

async function events(query: string): Promise<StoredEvent[]> {
  const res = await t.api("GET", `/api/v1/events?limit=1000&${query}`, undefined, t.adminToken);
  expect(res.status, res.text).toBe(200);
  return (res.json() as { items: StoredEvent[] }).items;
}

const portScan = {
  source: "firewall",
  event_type: "port_scan",
  severity: "high",
  description: "Port scan detected",
  site_id: "lyon-03",
  metadata: { ports: [22, 80], scanner: "nmap" },
};

describe("HTTP ingest of the SOC-30 record shape", () => {
  it("stores site, message, severity, log type, event type and metadata, filterable by event_type", async () => {
    const res = await t.api("POST", "/api/v1/ingest", portScan, key);
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toEqual({ accepted: 1, rejected: [] });

    const [e, ...more] = await events("event_type=port_scan");
    expect(more).toEqual([]);
    expect(e).toMatchObject({
      site: "lyon-03",
      message: "Port scan detected",
      severity: "high",
      log_type: "Firewall",
      event_type: "port_scan",
      metadata: { ports: "[22,80]", scanner: "nmap" },
    });
    // The whole record is kept raw, and the event reads back the same by id.
    expect(JSON.parse(e?.raw_log ?? "")).toEqual(portScan);
    const one = await t.api("GET", `/api/v1/events/${e?.event_id}`, undefined, t.adminToken);
    expect((one.json() as { event: StoredEvent }).event.metadata).toEqual({
      ports: "[22,80]",
      scanner: "nmap",
    });
    expect(await events("event_type=port_scan&site=lyon-03")).toHaveLength(1);
    expect(await events("event_type=brute_force")).toEqual([]);
  });

  it("maps each source to the console's log types, keeping unknown ones as given", async () => {
    const sources = ["ids", "waf", "vpn", "endpoint"];
    const res = await t.api(
      "POST",
      "/api/v1/ingest/batch",
      sources.map((source) => ({
        source,
        event_type: "mapping_check",
        severity: "low",
        description: source,
      })),
      key,
    );
    expect(res.json()).toEqual({ accepted: 4, rejected: [] });
    const got = await events("event_type=mapping_check");
    expect(Object.fromEntries(got.map((e) => [e.message, e.log_type]))).toEqual({
      ids: "IPS",
      waf: "WAF",
      vpn: "VPN",
      endpoint: "endpoint",
    });
    expect(got.every((e) => e.site === "default")).toBe(true);
  });

  it("refuses a site_id other than a site-bound key's own with 403, and accepts its own", async () => {
    const bound = await t.createApiKey(["ingest"], "paris-01");
    const other = await t.api("POST", "/api/v1/ingest", { ...portScan, event_type: "bound_check" }, bound);
    expect(other.status).toBe(403);
    expect(other.headers.get("content-type")).toContain("application/problem+json");
    expect((other.json() as { detail: string }).detail).toMatch(/site_id: .*"paris-01".*"lyon-03"/);

    const own = await t.api(
      "POST",
      "/api/v1/ingest",
      { ...portScan, event_type: "bound_check", site_id: "paris-01" },
      bound,
    );
    expect(own.status, own.text).toBe(200);
    // In a batch the refused record is reported by index; the others are stored.
    const batch = await t.api(
      "POST",
      "/api/v1/ingest/batch",
      [
        { ...portScan, event_type: "bound_check", site_id: "lyon-03" },
        { ...portScan, event_type: "bound_check", site_id: "paris-01" },
        { event_type: "bound_check", description: "no site named" },
      ],
      bound,
    );
    expect(batch.status).toBe(200);
    const reply = batch.json() as { accepted: number; rejected: { index: number; reason: string }[] };
    expect(reply.accepted).toBe(2);
    expect(reply.rejected.map((r) => r.index)).toEqual([0]);
    const stored = await events("event_type=bound_check");
    expect(stored).toHaveLength(3);
    expect(stored.every((e) => e.site === "paris-01")).toBe(true);
  });

  it("answers a bad field with 400 naming it", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...portScan, severity: "urgent" }, /^severity: "urgent" must be one of critical, high/],
      [{ ...portScan, severity: 3 }, /^severity:/],
      [{ ...portScan, site_id: "lyon 03/../x" }, /^site_id:/],
      [{ ...portScan, metadata: [1, 2] }, /^metadata: must be a JSON object/],
      [{ ...portScan, event_type: { a: 1 } }, /^event_type:/],
      [{ ...portScan, description: ["a"] }, /^description:/],
    ];
    for (const [body, detail] of cases) {
      const res = await t.api("POST", "/api/v1/ingest", body, key);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((res.json() as { detail: string }).detail).toMatch(detail);
    }
  });

  it("keeps storing Vigil's own shape and shippers' aliases as before", async () => {
    const res = await t.api(
      "POST",
      "/api/v1/ingest/batch",
      [
        { site: "nantes", log_type: "WAF", message: "own shape", src_ip: "198.51.100.9", severity: "medium" },
        { "@timestamp": new Date().toISOString(), msg: "ecs shape", source: { ip: "198.51.100.10" } },
      ],
      key,
    );
    expect(res.json()).toEqual({ accepted: 2, rejected: [] });
    const own = await eventually(async () => (await events("q=own%20shape"))[0]);
    expect(own).toMatchObject({ site: "nantes", log_type: "WAF", event_type: "", metadata: {} });
    const ecs = (await events("q=ecs%20shape"))[0];
    expect(ecs).toMatchObject({ site: "default", src_ip: "198.51.100.10", log_type: "" });
  });

  it("documents event_type as an events filter and the Event fields in OpenAPI", async () => {
    const res = await t.api("GET", "/api/docs/json", undefined, t.adminToken);
    expect(res.status).toBe(200);
    const doc = res.json() as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
      components?: unknown;
    };
    const params = doc.paths["/api/v1/events"]?.get?.parameters?.map((p) => p.name) ?? [];
    expect(params).toContain("event_type");
    expect(JSON.stringify(doc)).toContain("The sender's own key/values");
  });
});
