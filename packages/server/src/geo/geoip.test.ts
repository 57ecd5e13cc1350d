import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countryCentroid } from "../events/country-centroids.js";
import { createGeoIp, type GeoIp, type GeoLog } from "./geoip.js";
import { buildMmdb } from "./mmdb-fixture.js";

function recordingLog(): GeoLog & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => {}, warn: (obj, msg) => warnings.push(`${msg} ${JSON.stringify(obj)}`) };
}

describe("createGeoIp with the bundled databases", () => {
  let geo: GeoIp;
  let loadMs = 0;

  beforeAll(async () => {
    const heapBefore = process.memoryUsage();
    const t0 = performance.now();
    geo = createGeoIp({ log: recordingLog() });
    await geo.ready;
    loadMs = performance.now() - t0;
    const heapAfter = process.memoryUsage();
    const s = geo.status();
    console.log(
      `[geoip] loaded in ${loadMs.toFixed(0)} ms: ${s.asnRanges} ASN ranges, ${s.asnOrgs} organisations, ` +
        `tables ≈ ${(s.asnBytes / 1e6).toFixed(1)} MB; heap+buffers delta (before GC) ≈ ` +
        `${((heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers) / 1e6).toFixed(1)} MB`,
    );
  });
  afterAll(() => geo.close());

  it("loads everything in well under a few seconds, into compact tables", () => {
    const s = geo.status();
    expect(s.countryLoaded && s.asnLoaded).toBe(true);
    expect(s.asnRanges).toBeGreaterThan(100_000);
    expect(s.asnBytes).toBeLessThan(40e6);
    expect(loadMs).toBeLessThan(10_000);
  });

  it("knows famous public resolvers, v4 and v6", () => {
    expect(geo.lookup("8.8.8.8")).toMatchObject({
      country: "US",
      asn: 15169,
      org: expect.stringMatching(/Google/),
    });
    expect(geo.lookup("1.1.1.1")).toMatchObject({ asn: 13335, org: expect.stringMatching(/Cloudflare/) });
    expect(geo.lookup("2001:4860:4860::8888")).toMatchObject({ country: "US", asn: 15169 });
    expect(geo.lookup("2606:4700:4700::1111")).toMatchObject({ asn: 13335 });
    expect(geo.lookup("::ffff:8.8.8.8")).toMatchObject({ asn: 15169 });
  });

  it("gives a country for addresses across the world", () => {
    expect(geo.lookup("81.2.69.142")?.country).toBe("GB");
    expect(geo.lookup("5.188.10.1")?.country).toBe("RU");
  });

  it("returns null for private, reserved and malformed input", () => {
    for (const ip of [
      "10.0.0.1",
      "192.168.1.20",
      "127.0.0.1",
      "100.64.3.3",
      "192.0.2.1",
      "fe80::1",
      "fd00::5",
      "::1",
    ]) {
      expect(geo.lookup(ip), ip).toBeNull();
    }
    for (const junk of ["", "garbage", "1.2.3", "8.8.8.8.8", "::::"])
      expect(geo.lookup(junk), junk).toBeNull();
  });

  it("places an address at its country's centroid when no City database is configured", () => {
    const us = countryCentroid("US");
    expect(us).not.toBeNull();
    expect(geo.lookup("8.8.8.8")).toMatchObject({ city: "", lat: us?.lat, lon: us?.lon });
  });

  it("sustains more than 500k lookups/s for repeated addresses (LRU cache)", () => {
    const ips = Array.from(
      { length: 2000 },
      (_, i) => `${(i % 200) + 1}.${(i * 7) % 250}.${i % 250}.${(i % 250) + 1}`,
    );
    for (const ip of ips) geo.lookup(ip); // warm the cache
    const n = 2_000_000;
    const t0 = performance.now();
    let found = 0;
    for (let i = 0; i < n; i++) if (geo.lookup(ips[i % ips.length] as string)) found++;
    const perSec = n / ((performance.now() - t0) / 1000);
    const coldT0 = performance.now();
    for (let i = 0; i < 50_000; i++) geo.lookup(`${(i % 220) + 1}.${(i >> 8) % 256}.${i % 256}.9`);
    const coldPerSec = 50_000 / ((performance.now() - coldT0) / 1000);
    console.log(
      `[geoip] cached lookups: ${(perSec / 1e6).toFixed(2)} M/s; uncached: ${(coldPerSec / 1e3).toFixed(0)} k/s`,
    );
    expect(found).toBeGreaterThan(0);
    expect(perSec).toBeGreaterThan(500_000);
  });
});

describe("createGeoIp degraded and configured paths", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-geo-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("returns country only when the ASN data cannot be loaded, and logs why", async () => {
    const log = recordingLog();
    const geo = createGeoIp({
      log,
      asnV4CsvPath: join(dir, "missing.csv"),
      asnV6CsvPath: join(dir, "missing6.csv"),
    });
    await geo.ready;
    expect(geo.lookup("8.8.8.8")).toMatchObject({ country: "US", asn: 0, org: "" });
    expect(log.warnings.join("\n")).toMatch(/asn-ipv4.*missing\.csv/);
    geo.close();
  });

  it("uses a country centroid for lat/lon when one is given", async () => {
    const centroid = (cc: string) => (cc === "US" ? { lat: 39.8, lon: -98.6 } : undefined);
    const geo = createGeoIp({ log: recordingLog(), centroid });
    await geo.ready;
    expect(geo.lookup("8.8.8.8")).toMatchObject({ country: "US", lat: 39.8, lon: -98.6 });
    geo.close();
  });

  it("takes city, coordinates and country from a configured MaxMind City database", async () => {
    const cityDbPath = join(dir, "city.mmdb");
    writeFileSync(
      cityDbPath,
      buildMmdb([
        {
          cidr: "81.2.69.0/24",
          record: {
            city: { names: { en: "London" } },
            country: { iso_code: "GB" },
            location: { latitude: 51.5142, longitude: -0.0931 },
          },
        },
      ]),
    );
    const geo = createGeoIp({ log: recordingLog(), cityDbPath });
    await geo.ready;
    expect(geo.status().cityLoaded).toBe(true);
    expect(geo.lookup("81.2.69.142")).toMatchObject({
      country: "GB",
      city: "London",
      lat: 51.5142,
      lon: -0.0931,
    });
    expect(geo.lookup("81.2.69.142")?.asn).toBeGreaterThan(0);
    // Outside the City database: still country + ASN from the bundled data; IPv6 skips a v4-only DB.
    expect(geo.lookup("8.8.8.8")).toMatchObject({ country: "US", city: "", asn: 15169 });
    expect(geo.lookup("2001:4860:4860::8888")).toMatchObject({ asn: 15169, city: "" });
    geo.close();
  });
});
