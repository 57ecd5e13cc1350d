import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { Counter, type Registry } from "prom-client";
import type { ThreatIntelConfig } from "../../config/config.js";
import type { HttpFeature } from "../../http/app.js";
import type { Event } from "../../ingest/event.js";
import { createSecretBox } from "../../response/enforcement/secret-box.js";
import type { ReputationProvider } from "../../response/types.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { ProviderSpec } from "../providers/provider.js";
import { TIER_1_PROVIDERS } from "../providers/tier-1.js";
import { TIER_2_3_PROVIDERS } from "../providers/tier-2-3.js";
import { threatReputation } from "../threat-reputation.js";
import { createEnrichment, type Enrichment, type ThreatDetected } from "./enrichment.js";
import { createIpsumSource, type IpsumSource } from "./ipsum-source.js";
import type { FetchLike } from "./provider-call.js";
import { createProviderSettings } from "./provider-settings.js";
import { createThreatLookup, type GeoInfo, type LookupLog, type ThreatLookup } from "./threat-lookup.js";
import { threatRoutes } from "./threat-routes.js";
import { threatSettingsRoutes } from "./threat-settings-routes.js";

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
  /** Ask IPsum's downloaded list too (default: when `providers` is not given, i.e. every provider). */
  ipsum?: boolean;
  /** The server secret: provider keys set in the console are sealed with it (default: a random one). */
  secretKey?: Buffer;
  /** Where `vigil_threat_checks_total` is registered (none: not counted). */
  registry?: Registry;
  fetch?: FetchLike;
  quotas?: Partial<Record<string, number | null>>;
  /** The blocklist-feed reputation the ban policy used before threat intelligence; it still counts. */
  feeds?: ReputationProvider;
  /** A background lookup found a high or critical IP (the composition root publishes it live). */
  onThreat?: (t: ThreatDetected) => void;
}

export interface ThreatIntel {
  routes: HttpFeature;
  lookup: ThreatLookup;
  /** IPsum's downloaded list, when asked (`refresh()` awaits a running download). */
  ipsum: IpsumSource | null;
  /** What the ban policy reads (threat-reputation.ts). */
  reputation: ReputationProvider;
  /** Background lookups: `enrichment.enqueue(ip, reason, site)` for detections and pending bans. */
  enrichment: Enrichment;
  /** The ingest pipeline's `onEvents` consumer (repeat drops trigger a lookup). */
  consume(events: readonly Event[]): void;
  close(): Promise<void>;
}

export function createThreatIntel(o: ThreatIntelOptions): ThreatIntel {
  const settings = createProviderSettings({
    db: o.db,
    config: o.config,
    box: createSecretBox(o.secretKey ?? randomBytes(32)),
    log: o.log,
  });
  const ipsum =
    (o.ipsum ?? o.providers === undefined)
      ? createIpsumSource({
          db: o.db,
          enabled: o.config.ipsumDownload,
          baseUrl: o.config.providers.ipsum.url,
          log: o.log,
        })
      : undefined;
  const checks = o.registry
    ? new Counter({
        name: "vigil_threat_checks_total",
        help: "Threat-intelligence provider answers in lookups, by provider and status (ok, not_found, error, quota).",
        labelNames: ["provider", "status"] as const,
        registers: [o.registry],
      })
    : null;
  const lookup = createThreatLookup({
    db: o.db,
    providers: o.providers ?? [...TIER_1_PROVIDERS, ...TIER_2_3_PROVIDERS],
    config: o.config,
    log: o.log,
    settings,
    ...(ipsum ? { ipsum } : {}),
    ...(checks ? { onCheck: (provider: string, status: string) => checks.inc({ provider, status }) } : {}),
    ...(o.geo ? { geo: o.geo } : {}),
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.quotas ? { quotas: o.quotas } : {}),
  });
  // Downloads only when enabled (config.ipsumDownload); the first one starts now, in the background.
  ipsum?.start();
  const feeds = o.feeds ?? { score: async () => ({ score: 0, sources: [] }) };
  const enrichment = createEnrichment({
    lookup,
    cacheTtlMs: o.config.cacheHours * 3_600_000,
    perHour: o.config.enrichPerHour,
    dropThreshold: o.config.enrichDropThreshold,
    onThreat: (t) => o.onThreat?.(t),
    log: o.log,
  });
  return {
    // Both in the caller's context, as one feature.
    routes: async (app, opts) => {
      await threatRoutes({ lookup, cacheHours: o.config.cacheHours })(app, opts);
      await threatSettingsRoutes({ lookup, settings })(app, opts);
    },
    lookup,
    ipsum: ipsum ?? null,
    reputation: threatReputation({ lookup, feeds }),
    enrichment,
    consume: (events) => {
      if (o.config.enrichPerHour > 0) enrichment.consume(events);
    },
    close: async () => {
      await ipsum?.close();
      await enrichment.close();
      await lookup.idle();
    },
  };
}
