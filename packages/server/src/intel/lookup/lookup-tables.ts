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

export interface ThreatIntelTables {
  ip_threat_scores: IpThreatScoresTable;
  threat_provider_usage: ThreatProviderUsageTable;
}
