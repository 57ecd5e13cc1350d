import { abuseipdb } from "./abuseipdb.js";
import { criminalip } from "./criminalip.js";
import { crowdsec } from "./crowdsec.js";
import { greynoise } from "./greynoise.js";
import type { ProviderSpec } from "./provider.js";
import { pulsedive } from "./pulsedive.js";
import { virustotal } from "./virustotal.js";

/**
 * The providers with a moderate (tier 2) or scarce (tier 3) quota, which the aggregator asks only
 * when the cheaper tiers already point at the IP (seed tier rule: tier 2 above 30, tier 3 above 60).
 * Ordered by tier, then by how much free quota they have (Criminal IP, whose quota is unknown,
 * last), so a budget-limited caller spends the plentiful ones first.
 */
export const TIER_2_3_PROVIDERS: readonly ProviderSpec[] = [
  abuseipdb,
  crowdsec,
  greynoise,
  virustotal,
  pulsedive,
  criminalip,
];
