import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/config.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { IPSUM_SOURCE } from "../providers/ipsum.js";
import { type FakeProvider, startFakeProvider } from "./fake-provider.js";
import { createThreatIntel, type ThreatIntel } from "./threat-intel-feature.js";

/**
 * IPsum in the lookup: the list downloaded from a local fake of raw.githubusercontent.com at start,
 * answered from memory with tier 1 (no call, no quota), the previous list kept when a download fails.
 */
const LISTED = "45.155.205.233";
const CLEAN = "8.8.4.4";
const LIST = `# IPsum Threat Intelligence Feed
# Last update: Mon, 07 Dec 2026 03:00:01 +0100
#
# IP\tnumber of (black)lists
#
${LISTED}\t5
185.220.101.1\t2
`;
const silent = { info() {}, warn() {} };

describe("IPsum in the threat lookup", () => {
  let state: TestStateStore;
  let fake: FakeProvider;
  let intel: ThreatIntel | null = null;

  beforeEach(async () => {
    state = await openTestStateStore();
    fake = await startFakeProvider(() => ({
      status: 200,
      body: LIST,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    }));
  });
  afterEach(async () => {
    await intel?.close();
    intel = null;
    await fake.close();
    await state.dispose();
  });

  function start(env: Record<string, string> = {}): ThreatIntel {
    const config = loadConfig({ VIGIL_CONFIG: undefined, ...env } as NodeJS.ProcessEnv).threatIntel;
    intel = createThreatIntel({ db: state.store.db, config, log: silent, providers: [], ipsum: true });
    return intel;
  }
  const ipsumStatus = async (i: ThreatIntel) => (await i.lookup.providers()).find((p) => p.name === "ipsum");

  it("downloads the list at start and answers lookups from memory, spending no quota", async () => {
    const i = start({ VIGIL_TI_IPSUM_URL: fake.url });
    await i.ipsum?.refresh();
    expect(fake.requests.map((r) => r.path)).toEqual([IPSUM_SOURCE.path]);

    const listed = await i.lookup.lookup(LISTED);
    expect(listed.providers).toEqual([
      expect.objectContaining({ name: "ipsum", tier: 1, status: "ok", score: 60 }),
    ]);
    expect(listed.providers[0]?.detail).toContain("on 5 public blocklists");
    expect(listed.aggregated_score).toBeGreaterThan(0);
    expect(listed.sources).toEqual(["ipsum"]);
    const clean = await i.lookup.lookup(CLEAN);
    expect(clean.providers[0]).toMatchObject({ name: "ipsum", status: "not_found" });
    expect(clean.aggregated_score).toBe(0);
    // Lookups never reach the list's server.
    expect(fake.requests).toHaveLength(1);

    expect(await ipsumStatus(i)).toMatchObject({
      configured: true,
      needs_key: false,
      used_today: 0,
      daily_limit: null,
      last_error: null,
      list: { enabled: true, entries: 2, updated: "Mon, 07 Dec 2026 03:00:01 +0100" },
    });
  });

  it("keeps the previous list when a download fails, and says why", async () => {
    const i = start({ VIGIL_TI_IPSUM_URL: fake.url });
    await i.ipsum?.refresh();
    for (const [answer, why] of [
      [{ status: 503, body: "busy" }, /HTTP 503/],
      [{ status: 200, body: "<html><body>Rate limited</body></html>" }, /no valid entries/],
    ] as const) {
      fake.setHandler(() => answer);
      await i.ipsum?.refresh();
      const s = await ipsumStatus(i);
      expect(s?.last_error).toMatch(why);
      expect(s?.list?.entries).toBe(2);
      const r = await i.lookup.lookup(LISTED, { refresh: true });
      expect(r.providers[0]).toMatchObject({ name: "ipsum", status: "ok", score: 60 });
    }
  });

  it("says 'list not loaded' when the first download failed, rather than calling the IP clean", async () => {
    fake.setHandler(() => ({ status: 500, body: "" }));
    const i = start({ VIGIL_TI_IPSUM_URL: fake.url });
    await i.ipsum?.refresh();
    const r = await i.lookup.lookup(LISTED);
    expect(r.providers[0]).toMatchObject({
      name: "ipsum",
      status: "error",
      detail: "IPsum list not loaded yet",
    });
  });

  it("downloads nothing unless enabled or given a URL, and says it is not configured", async () => {
    expect(loadConfig({ VIGIL_CONFIG: undefined } as NodeJS.ProcessEnv).threatIntel.ipsumDownload).toBe(
      false,
    );
    expect(
      loadConfig({ VIGIL_CONFIG: undefined, VIGIL_TI_IPSUM_ENABLED: "true" } as NodeJS.ProcessEnv).threatIntel
        .ipsumDownload,
    ).toBe(true);
    const i = start({ VIGIL_TI_IPSUM_URL: fake.url, VIGIL_TI_IPSUM_ENABLED: "false" });
    await i.ipsum?.refresh();
    const r = await i.lookup.lookup(LISTED);
    expect(r.providers[0]).toMatchObject({ name: "ipsum", status: "not_configured", checked_at: null });
    expect(await ipsumStatus(i)).toMatchObject({
      configured: false,
      list: { enabled: false, entries: null },
    });
    expect(fake.requests).toHaveLength(0);
  });
});
