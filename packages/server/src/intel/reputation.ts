import type { ReputationProvider } from "../response/types.js";

/**
 * The first reputation provider behind `validate_threat`: an IP's score from its membership in the
 * enabled blocklist feeds. Listed by one feed → 60 (one curated list is a strong signal, but not
 * proof); each further feed adds 20 (independent lists agreeing), capped at 100: 2 feeds → 80,
 * 3 or more → 100. Not listed, or not an IP → 0. The sources are the feed names.
 *
 * Lookups are in memory (binary search per feed), so this is cheap enough for every ban decision.
 */
export interface FeedMembership {
  feedsContaining(ip: string): string[];
}

export const FEED_SCORE = { first: 60, each_more: 20, max: 100 } as const;

export function scoreFromFeeds(count: number): number {
  if (count <= 0) return 0;
  return Math.min(FEED_SCORE.max, FEED_SCORE.first + (count - 1) * FEED_SCORE.each_more);
}

export function feedReputation(feeds: FeedMembership): ReputationProvider {
  return {
    async score(ip: string) {
      try {
        const sources = feeds.feedsContaining(ip);
        return { score: scoreFromFeeds(sources.length), sources };
      } catch {
        // The contract: never throws; an unknown IP scores 0.
        return { score: 0, sources: [] };
      }
    },
  };
}
