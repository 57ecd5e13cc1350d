import type { Kysely } from "kysely";
import type { ThreatIntelConfig } from "../../config/config.js";
import type { HttpFeature } from "../../http/app.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { ProviderSpec } from "../providers/provider.js";
import { TIER_1_PROVIDERS } from "../providers/tier-1.js";
import { TIER_2_3_PROVIDERS } from "../providers/tier-2-3.js";
import type { FetchLike } from "./provider-call.js";
import { createThreatLookup, type GeoInfo, type LookupLog, type ThreatLookup } from "./threat-lookup.js";
import { threatRoutes } from "./threat-routes.js";

/**
 * Threat intelligence, assembled for the composition root:
 *
 *     const threatIntel = createThreatIntel({ db: state.db, config: config.threatIntel, log, geo });
 *     // features: [..., threatIntel.routes]; on shutdown: await threatIntel.close();
 */
export interface ThreatIntelOptions {
  db: Kysely<StateDatabase>;
  config: ThreatIntelConfig;
  log: LookupLog;
  geo?: (ip: string) => GeoInfo | null;
  /** Default: every per-IP provider, tier 1 then tiers 2/3. */
  providers?: readonly ProviderSpec[];
  fetch?: FetchLike;
  quotas?: Partial<Record<string, number | null>>;
}

export interface ThreatIntel {
  routes: HttpFeature;
  lookup: ThreatLookup;
  close(): Promise<void>;
}

export function createThreatIntel(o: ThreatIntelOptions): ThreatIntel {
  const lookup = createThreatLookup({
    db: o.db,
    providers: o.providers ?? [...TIER_1_PROVIDERS, ...TIER_2_3_PROVIDERS],
    config: o.config,
    log: o.log,
    ...(o.geo ? { geo: o.geo } : {}),
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.quotas ? { quotas: o.quotas } : {}),
  });
  return {
    routes: threatRoutes({ lookup, cacheHours: o.config.cacheHours }),
    lookup,
    close: () => lookup.idle(),
  };
}
