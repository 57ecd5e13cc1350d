/**
 * Shapes of the threat-intelligence and IP-summary APIs: the server's own contract types where it has
 * them (intel/lookup/lookup-result.ts, events/ip-summary.ts), not copies.
 */
import type { IpSummary } from "../../../server/src/events/ip-summary-types.js";
import type {
  ProviderRow,
  ProviderRowStatus,
  ThreatLookupResult,
} from "../../../server/src/intel/lookup/lookup-result.js";
import type { ThreatLevel } from "../../../server/src/intel/threat-score.js";

export type { IpSummary, ProviderRow, ProviderRowStatus, ThreatLevel, ThreatLookupResult };

/** GET /api/v1/threats/providers: the fields the console reads (the server may send more). */
export interface ThreatProviderStatus {
  name: string;
  tier: number;
  needs_key: boolean;
  configured: boolean;
  used_today: number;
  /** null: no published daily limit. */
  daily_limit: number | null;
  backoff_until: string | null;
  last_error: string | null;
  last_error_at: string | null;
}
