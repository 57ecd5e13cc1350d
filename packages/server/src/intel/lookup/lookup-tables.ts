import type { ColumnType } from "kysely";
import type { NullableTimestamp } from "../../auth/auth-tables.js";
import type { ThreatLookupResult } from "./lookup-result.js";

/** Threat-intelligence cache and provider usage (migration 0016-threat-intel). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface IpThreatScoresTable {
  ip: string;
  result: ColumnType<ThreatLookupResult, string, string>;
  checked_at: Timestamp;
}

export interface ThreatProviderUsageTable {
  provider: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  used: ColumnType<number, number | undefined, number>;
  backoff_until: NullableTimestamp;
  last_error: string | null;
  last_error_at: NullableTimestamp;
}

/** Console settings per provider (migration 0018-threat-provider-settings); see provider-settings.ts. */
export interface ThreatProviderSettingsTable {
  provider: string;
  /** The API key sealed with the server secret (secret-box.ts); null = none set in the console. */
  key_sealed: string | null;
  daily_limit: number | null;
  /** True: `daily_limit` is the operator's (null = no limit); false: the provider's default. */
  limit_set: boolean;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface ThreatIntelTables {
  ip_threat_scores: IpThreatScoresTable;
  threat_provider_usage: ThreatProviderUsageTable;
  threat_provider_settings: ThreatProviderSettingsTable;
}
