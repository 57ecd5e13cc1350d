import type { AlertTables } from "../alerts/alert-tables.js";
import type { ChannelTables } from "../alerts/channels/channel-tables.js";
import type { AuthTables } from "../auth/auth-tables.js";
import type { OidcTables } from "../auth/oidc/oidc-tables.js";
import type { DetectionTables } from "../detection/scenario-tables.js";
import type { SourceTables } from "../ingest/sources/source-tables.js";
import type { FeedTables } from "../intel/feeds/feed-tables.js";
import type { ThreatIntelTables } from "../intel/lookup/lookup-tables.js";
import type { BouncerTables } from "../response/bouncer/bouncer-tables.js";
import type { EnforcementTables } from "../response/enforcement/enforcement-tables.js";
import type { ResponseTables } from "../response/response-tables.js";
import type { TenancyTables } from "../tenancy/tenancy-tables.js";
import type { VigimailTables } from "../vigimail/vigimail-tables.js";

/**
 * The Kysely view of the state store (PostgreSQL): every table of every feature.
 *
 * Adding a feature's tables takes two steps:
 * 1. declare them in the feature folder (e.g. `response/state-tables.ts` exporting `ResponseTables`)
 *    and either add that interface to the `extends` list below, or augment this interface from the
 *    feature folder without touching this file:
 *
 *        declare module "../storage/state-schema.js" {
 *          interface StateDatabase extends ResponseTables {}
 *        }
 *
 * 2. create them in a new migration `storage/migrations/state/000N-<feature>.ts`, listed in
 *    `storage/migrations/state/index.ts` (the order there is the order they run in).
 */
// Listed here as well as augmented from each feature, so every program that sees StateDatabase sees
// every table, whichever feature files it happens to compile.
export interface StateDatabase
  extends AuthTables,
    SourceTables,
    DetectionTables,
    ResponseTables,
    EnforcementTables,
    BouncerTables,
    FeedTables,
    ChannelTables,
    AlertTables,
    OidcTables,
    TenancyTables,
    ThreatIntelTables,
    VigimailTables {}
