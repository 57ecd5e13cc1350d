import type { Kysely } from "kysely";
import type { Scenario } from "../detection/types.js";
import type { Event } from "../ingest/event.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { getGeoZone, listGeoblock } from "./geo-store.js";
import type { GeoZoneConfig } from "./types.js";

/**
 * Sources banned at their first offence: IPs from a country with a geoblocking `block` rule (threshold
 * 1), or from a hostile geo-zone (threshold `waf_threshold_hzone`, 1 by default — never higher than the
 * scenario's own). The detection engine asks, for the first event of each new key, whether a
 * ban scenario's threshold drops to 1 for it; the answer comes from an in-memory copy of the settings,
 * refreshed every few seconds (this runs on the ingest path and must not wait on the database).
 */
export interface FirstOffence {
  thresholdFor(scenario: Scenario, first: Event): number | undefined;
  refresh(): Promise<void>;
  stop(): void;
}

/** The threshold a ban scenario gets for a source from `country`, or undefined to keep its own. */
export function firstOffenceThreshold(
  country: string,
  scenarioThreshold: number,
  geo: GeoZoneConfig,
  blocked: ReadonlySet<string>,
): number | undefined {
  if (!country) return undefined;
  const cc = country.toUpperCase();
  if (blocked.has(cc)) return 1;
  if (!geo.enabled) return undefined;
  if (geo.authorized_countries.some((c) => c.toUpperCase() === cc)) return undefined;
  const hostile =
    geo.hostile_countries.some((c) => c.toUpperCase() === cc) || geo.default_policy === "hostile";
  if (!hostile) return undefined;
  const t = Math.max(1, Math.floor(geo.waf_threshold_hzone || 1));
  return t < scenarioThreshold ? t : undefined;
}

export function createFirstOffence(
  db: Kysely<StateDatabase>,
  log: { warn(obj: object, msg: string): void },
  refreshMs = 5_000,
): FirstOffence {
  let geo: GeoZoneConfig | null = null;
  let blocked = new Set<string>();
  const refresh = async () => {
    try {
      const [zone, rules] = await Promise.all([getGeoZone(db), listGeoblock(db)]);
      geo = zone;
      blocked = new Set(rules.filter((r) => r.action === "block").map((r) => r.country.toUpperCase()));
    } catch (err) {
      log.warn({ err }, "could not read geo-zone settings; keeping the previous ones");
    }
  };
  const timer = setInterval(() => {
    refresh().catch(() => {});
  }, refreshMs);
  timer.unref();
  return {
    thresholdFor(scenario, first) {
      if (scenario.action.type !== "ban" || !geo) return undefined;
      return firstOffenceThreshold(first.geo_country, scenario.detection.threshold, geo, blocked);
    },
    refresh,
    stop: () => clearInterval(timer),
  };
}
