import type { Reputation, ReputationProvider } from "../response/types.js";
import type { ProviderRow, ThreatLookupResult } from "./lookup/lookup-result.js";
import { type ThreatLookup, ThreatLookupRefused } from "./lookup/threat-lookup.js";

/**
 * The reputation the ban policy reads (docs/THREAT-INTEL.md, "In the ban decision"):
 *
 * - `deep` (a `validate_threat` scenario, an authorized country): a threat-intelligence lookup,
 *   served from its cache when fresh. Score = the higher of the aggregate and the blocklist-feed
 *   score (a feed listing is evidence the providers may not have yet); the voters are the providers
 *   that answered with a score above 0, then the feeds.
 * - If no provider answered (all unreachable, over quota or not configured) the feeds stand in, as
 *   before threat intelligence existed, and the note says so: it ends up in the ban's reason.
 * - Not deep (every other detection, a manual ban): the feeds, raised by a cached lookup if one
 *   exists, so nothing is spent.
 *
 * An address the lookup refuses (internal, documentation, whitelisted) keeps the feed score: the
 * policy decides about such addresses on its own.
 */
export interface ThreatReputationOptions {
  lookup: Pick<ThreatLookup, "lookup" | "cached">;
  feeds: ReputationProvider;
}

export function threatReputation(o: ThreatReputationOptions): ReputationProvider {
  return {
    async score(ip, opts = {}) {
      const feed = await o.feeds.score(ip);
      if (!opts.deep) {
        const hit = await o.lookup.cached(ip).catch(() => null);
        return hit && answered(hit) ? combine(hit, feed) : feed;
      }
      let result: ThreatLookupResult;
      try {
        result = await o.lookup.lookup(ip);
      } catch (err) {
        if (err instanceof ThreatLookupRefused) return feed;
        return degraded(feed, err instanceof Error ? err.message : String(err));
      }
      return answered(result) ? combine(result, feed) : degraded(feed, whyUnanswered(result.providers));
    },
  };
}

function answered(r: ThreatLookupResult): boolean {
  return r.providers.some((p) => p.status === "ok" || p.status === "not_found");
}

/** The providers whose answer counted: they said something, with a score above 0. */
export function votersOf(r: ThreatLookupResult): string[] {
  return r.providers.filter((p) => p.status === "ok" && (p.score ?? 0) > 0).map((p) => p.name);
}

function combine(r: ThreatLookupResult, feed: Reputation): Reputation {
  const sources = [...votersOf(r), ...feed.sources.map((f) => `feed:${f}`)];
  return { score: Math.max(r.aggregated_score, feed.score), sources };
}

function degraded(feed: Reputation, why: string): Reputation {
  return {
    ...feed,
    sources: feed.sources.map((f) => `feed:${f}`),
    note: `threat intelligence unavailable (${why}): blocklist-feed reputation ${feed.score} used instead`,
  };
}

function whyUnanswered(rows: readonly ProviderRow[]): string {
  const asked = rows.filter((p) => p.status === "error" || p.status === "quota");
  if (asked.length === 0) return "no provider configured";
  const shown = asked.slice(0, 3).map((p) => `${p.name}: ${p.status}, ${p.detail}`);
  return asked.length > 3 ? `${shown.join("; ")}; and ${asked.length - 3} more` : shown.join("; ");
}
