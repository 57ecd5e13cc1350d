import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addClients, clientUser } from "../../alerts/client-test-support.js";
import { loadConfig } from "../../config/config.js";
import { openTestApp, type TestApp } from "../../http/app-test-support.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { otx } from "../providers/otx.js";
import { type FakeProvider, startFakeProvider } from "./fake-provider.js";
import type { ThreatLookupResult } from "./lookup-result.js";
import { createThreatIntel, type ThreatIntel } from "./threat-intel-feature.js";

/**
 * Provider keys and limits set from the console: sealed at rest, never shown, used by the lookup,
 * changed by operator staff admins only, audited; and the per-provider check counter.
 */
const ENV_KEY = "otx-env-key-0123456789";
const CONSOLE_KEY = "otx-console-key-9876543210";
const SECRET = Buffer.alloc(32, 7);

let state: TestStateStore;
let t: TestApp;
let intel: ThreatIntel;
let fake: FakeProvider;
let registry: Registry;
let n = 0;

beforeAll(async () => {
  fake = await startFakeProvider(() => ({
    status: 200,
    body: JSON.stringify({ pulse_info: { count: 3, pulses: [] }, validation: [], false_positive: [] }),
  }));
  state = await openTestStateStore();
  registry = new Registry();
  const config = loadConfig({
    VIGIL_CONFIG: undefined,
    VIGIL_TI_OTX_KEY: ENV_KEY,
    VIGIL_TI_OTX_URL: fake.url,
  } as NodeJS.ProcessEnv).threatIntel;
  intel = createThreatIntel({
    db: state.store.db,
    config,
    log: { info() {}, warn() {} },
    providers: [otx],
    // IPsum's row too (its download stays off: no URL, not enabled), for its refusals.
    ipsum: true,
    secretKey: SECRET,
    registry,
  });
  t = await openTestApp({ features: [intel.routes] });
}, 60_000);
afterAll(async () => {
  await t.close();
  await intel.close();
  await state.dispose();
  await fake.close();
});

type Status = Record<string, unknown>;
const put = (body: unknown, who: Parameters<TestApp["as"]>[0] = "admin", name = "otx") =>
  t.app.inject({
    method: "PUT",
    url: `/api/v1/threats/providers/${name}`,
    headers: t.as(who),
    payload: body as object,
  });
async function status(name = "otx"): Promise<Status> {
  const res = await t.app.inject({ method: "GET", url: "/api/v1/threats/providers", headers: t.as("audit") });
  expect(res.statusCode).toBe(200);
  expect(res.body).not.toContain(ENV_KEY);
  expect(res.body).not.toContain(CONSOLE_KEY);
  return (res.json() as { items: Status[] }).items.find((p) => p.name === name) as Status;
}
/** A fresh lookup of a new IP (so the fake is asked) and the key header the fake got. */
async function lookupKey(): Promise<{ result: ThreatLookupResult; key: string | undefined }> {
  const before = fake.requests.length;
  const res = await t.app.inject({
    method: "GET",
    url: `/api/v1/threats/45.155.205.${++n}`,
    headers: t.as("analyst"),
  });
  expect(res.statusCode).toBe(200);
  const key = fake.requests.length > before ? fake.requests.at(-1)?.headers["x-otx-api-key"] : undefined;
  return { result: res.json() as ThreatLookupResult, key: key as string | undefined };
}

describe("threat provider settings", () => {
  it("uses a console key over the environment's, never shows it, stores it sealed and audits the change", async () => {
    expect(await status()).toMatchObject({ configured: true, key_set: true, key_source: "env" });
    expect((await lookupKey()).key).toBe(ENV_KEY);

    const res = await put({ key: CONSOLE_KEY });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain(CONSOLE_KEY);
    expect(res.json()).toMatchObject({ name: "otx", key_set: true, key_source: "console", configured: true });
    expect(await status()).toMatchObject({ key_set: true, key_source: "console" });
    expect((await lookupKey()).key).toBe(CONSOLE_KEY);

    const row = await state.store.db
      .selectFrom("threat_provider_settings")
      .selectAll()
      .where("provider", "=", "otx")
      .executeTakeFirstOrThrow();
    expect(row.key_sealed).toMatch(/^v1:/);
    expect(row.key_sealed).not.toContain(CONSOLE_KEY);
    expect(row.updated_by).toBe("admin");

    const audit = await t.state.store.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "PUT /api/v1/threats/providers/:name")
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(audit[0]).toMatchObject({ actor: "admin", status_code: 200 });
    expect(JSON.stringify(audit)).toContain('"key_change":"set"');
    expect(JSON.stringify(audit)).not.toContain(CONSOLE_KEY);

    // Removing the console key falls back to the environment's.
    const removed = await put({ key: null });
    expect(removed.json()).toMatchObject({ key_set: true, key_source: "env" });
    expect((await lookupKey()).key).toBe(ENV_KEY);
  });

  it("enforces a daily limit set in the console, and goes back to the default", async () => {
    const used = (await status()).used_today as number;
    expect(used).toBeGreaterThan(0);
    const res = await put({ daily_limit: used });
    expect(res.json()).toMatchObject({ daily_limit: used, used_today: used, limit_source: "console" });
    const before = fake.requests.length;
    const { result, key } = await lookupKey();
    expect(key).toBeUndefined();
    expect(fake.requests.length).toBe(before);
    expect(result.providers.find((p) => p.name === "otx")).toMatchObject({ status: "quota" });

    expect((await put({ daily_limit: used + 1 })).json()).toMatchObject({ daily_limit: used + 1 });
    expect((await lookupKey()).key).toBe(ENV_KEY);
    // OTX publishes no quota: its default is no limit.
    expect((await put({ daily_limit: "default" })).json()).toMatchObject({
      daily_limit: null,
      default_limit: null,
      limit_source: "default",
    });
    expect((await put({ daily_limit: 0 })).json()).toMatchObject({ daily_limit: 0 });
    expect((await put({ daily_limit: null })).json()).toMatchObject({ daily_limit: null });
  });

  it("counts every provider answer in vigil_threat_checks_total", async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/vigil_threat_checks_total\{provider="otx",status="ok"\} [1-9]/);
    expect(text).toMatch(/vigil_threat_checks_total\{provider="otx",status="quota"\} 1/);
    // IPsum's download is off: "not configured" is not an answer, so it is not counted.
    expect(text).not.toContain('provider="ipsum"');
  });

  it("refuses bad bodies, unknown providers, and anyone but a staff admin", async () => {
    for (const body of [
      {},
      { key: "" },
      { key: "two words" },
      { key: "line\nbreak" },
      { daily_limit: -1 },
      { daily_limit: 1.5 },
      { daily_limit: "lots" },
      { other: true },
    ]) {
      const res = await put(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
    }
    expect((await put({ key: "abc" }, "admin", "ipsum")).statusCode).toBe(400);
    expect((await put({ daily_limit: 5 }, "admin", "ipsum")).statusCode).toBe(400);
    expect((await put({ key: "abc" }, "admin", "nosuch")).statusCode).toBe(404);
    expect((await put({ key: "abc" }, "supervisor")).statusCode).toBe(403);

    await addClients(t, state.store.db, { acme: ["acme-paris"] });
    const acmeAdmin = await clientUser(t, "acme-admin", "admin", "acme");
    const res = await put({ key: "acme-would-like-this" }, acmeAdmin);
    expect(res.statusCode).toBe(403);
    expect(await status()).toMatchObject({ key_source: "env" });
  });
});
