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
import type { ProviderStatus } from "../../../server/src/intel/lookup/threat-lookup.js";
import type { ThreatLevel } from "../../../server/src/intel/threat-score.js";

export type { IpSummary, ProviderRow, ProviderRowStatus, ThreatLevel, ThreatLookupResult };

/** GET /api/v1/threats/providers: one provider's standing today (never its key). */
export type ThreatProviderStatus = ProviderStatus;
