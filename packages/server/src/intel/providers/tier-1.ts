import { internetdb } from "./internetdb.js";
import { otx } from "./otx.js";
import type { ProviderSpec } from "./provider.js";
import { threatfox } from "./threatfox.js";
import { urlhaus } from "./urlhaus.js";

/**
 * Tier 1: free or unlimited, asked for every lookup. IPsum is tier 1 too but is a downloaded list
 * answered from memory (ipsum.ts, `IPSUM_SOURCE`), so it is not a per-IP `ProviderSpec`.
 */
export const TIER_1_PROVIDERS: readonly ProviderSpec[] = [otx, threatfox, urlhaus, internetdb];
