import type { Kysely } from "kysely";
import { uuidv7 } from "uuidv7";
import type { StateDatabase } from "../storage/state-schema.js";
import type { GeoZoneConfig } from "./types.js";

/** GeoZone configuration (one row) and country geoblocking rules. */
export const DEFAULT_GEOZONE = {
  enabled: false,
  authorized_countries: [],
  hostile_countries: [],
  default_policy: "neutral",
  waf_threshold_hzone: 1,
  waf_threshold_zone: 3,
  threat_score_threshold: 50,
} satisfies GeoZoneConfig;

export interface GeoblockRule {
  id: string;
  country: string;
  action: "block" | "allow";
  reason: string;
}

export async function getGeoZone(db: Kysely<StateDatabase>): Promise<GeoZoneConfig> {
  const row = await db.selectFrom("geozone_config").select("config").where("id", "=", 1).executeTakeFirst();
  return { ...DEFAULT_GEOZONE, ...(row?.config ?? {}) };
}

export async function putGeoZone(
  db: Kysely<StateDatabase>,
  config: GeoZoneConfig,
  actor: string,
): Promise<GeoZoneConfig> {
  const clean: GeoZoneConfig = {
    ...config,
    authorized_countries: [...new Set(config.authorized_countries.map((c) => c.toUpperCase()))],
    hostile_countries: [...new Set(config.hostile_countries.map((c) => c.toUpperCase()))],
  };
  const json = JSON.stringify(clean);
  await db
    .insertInto("geozone_config")
    .values({ id: 1, config: json, updated_by: actor })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet({ config: json, updated_by: actor, updated_at: new Date() }),
    )
    .execute();
  return clean;
}

export async function listGeoblock(db: Kysely<StateDatabase>): Promise<GeoblockRule[]> {
  return db
    .selectFrom("geoblock_rules")
    .select(["id", "country", "action", "reason"])
    .orderBy("country")
    .execute();
}

/** Adds (or replaces) the rule for a country: one rule per country. */
export async function addGeoblock(
  db: Kysely<StateDatabase>,
  rule: Omit<GeoblockRule, "id">,
  actor: string,
): Promise<GeoblockRule> {
  const country = rule.country.toUpperCase();
  return db
    .insertInto("geoblock_rules")
    .values({ id: uuidv7(), country, action: rule.action, reason: rule.reason, created_by: actor })
    .onConflict((oc) => oc.column("country").doUpdateSet({ action: rule.action, reason: rule.reason }))
    .returning(["id", "country", "action", "reason"])
    .executeTakeFirstOrThrow();
}

export async function deleteGeoblock(db: Kysely<StateDatabase>, id: string): Promise<boolean> {
  const res = await db.deleteFrom("geoblock_rules").where("id", "=", id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** The rule for one country (case-insensitive), or null; an unknown country ("") has none. */
export async function geoblockFor(db: Kysely<StateDatabase>, country: string): Promise<GeoblockRule | null> {
  if (!country) return null;
  const row = await db
    .selectFrom("geoblock_rules")
    .select(["id", "country", "action", "reason"])
    .where("country", "=", country.toUpperCase())
    .executeTakeFirst();
  return row ?? null;
}
