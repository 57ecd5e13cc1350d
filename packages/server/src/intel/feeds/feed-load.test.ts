import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGeoIp, type GeoIp } from "../../geo/geoip.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { FeedService } from "./feed-service.js";
import { type FeedTestServer, startFeedServer } from "./feed-test-server.js";
import { v4Text } from "./ip-set.js";

const quiet = { info() {}, warn() {}, error() {} };
const ENTRIES = 100_000;

/** A deterministic pseudo-random list: mostly single IPv4s, some CIDRs, some IPv6. */
function bigList(): { text: string; members: string[] } {
  let x = 2463534242;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const lines = ["# generated list"];
  const members: string[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const n = next();
    if (i % 50 === 0) lines.push(`${v4Text(n & 0xffffff00)}/24`);
    else if (i % 100 === 1) lines.push(`2a01:${(n & 0xffff).toString(16)}:${(i & 0xffff).toString(16)}::/48`);
    else {
      lines.push(v4Text(n));
      if (members.length < 1000) members.push(v4Text(n));
    }
  }
  return { text: lines.join("\n"), members };
}

describe("a 100k-entry feed", () => {
  let http: FeedTestServer;
  let state: TestStateStore;
  let geo: GeoIp;

  beforeAll(async () => {
    http = await startFeedServer();
    state = await openTestStateStore();
    // Country database only: the ASN tables are not needed for feed countries.
    geo = createGeoIp({ log: quiet, asnV4CsvPath: "/nonexistent", asnV6CsvPath: "/nonexistent" });
    await geo.ready;
  });
  afterAll(async () => {
    geo.close();
    await state.dispose();
    await http.close();
  });

  it("loads, persists, reloads from the store and answers lookups fast (figures printed)", async () => {
    const { text, members } = bigList();
    http.set("/big.txt", { body: text, gzip: true });
    const feeds = await FeedService.open({
      db: state.store.db,
      log: quiet,
      country: (ip) => geo.lookup(ip)?.country ?? "",
    });
    const created = await feeds.create({ name: "big", url: http.url("/big.txt"), format: "plain" });

    let t0 = performance.now();
    const f = await feeds.refresh(created.id);
    const refreshMs = performance.now() - t0;
    expect(f?.last_status).toBe("ok");
    expect(f?.entries).toBeGreaterThan(99_900); // a few random duplicates collapse
    expect(f?.invalid_lines).toBe(0);
    expect(f?.countries.length).toBeGreaterThan(50);
    await feeds.close();

    t0 = performance.now();
    const again = await FeedService.open({ db: state.store.db, log: quiet });
    const reloadMs = performance.now() - t0;
    for (const ip of members) expect(again.feedsContaining(ip)).toEqual(["big"]);

    const probes = 1_000_000;
    let hits = 0;
    t0 = performance.now();
    for (let i = 0; i < probes; i++) {
      const ip = i % 2 === 0 ? (members[i % members.length] as string) : v4Text((i * 2654435761) >>> 0);
      if (again.feedsContaining(ip).length > 0) hits++;
    }
    const lookupMs = performance.now() - t0;
    const rate = Math.round(probes / (lookupMs / 1000));
    console.log(
      `[feeds] ${f?.entries} entries: fetch+parse+geo+store ${refreshMs.toFixed(0)} ms, ` +
        `reload from PostgreSQL ${reloadMs.toFixed(0)} ms, ${rate.toLocaleString("en")} lookups/s ` +
        `(${hits} hits of ${probes}, text IP in)`,
    );
    expect(hits).toBeGreaterThanOrEqual(probes / 2);
    // Loose bounds for a shared 2-core machine; the printed figures are the measurement.
    expect(refreshMs).toBeLessThan(30_000);
    expect(reloadMs).toBeLessThan(15_000);
    expect(rate).toBeGreaterThan(200_000);
    await again.close();
  }, 60_000);
});
