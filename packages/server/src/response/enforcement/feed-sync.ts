import type { XgsFeedSource } from "../../intel/feeds/xgs-feed-source.js";
import { type XgsClient, xgsHostFor } from "./xgs-client.js";
import { planHosts, type XgsPlan } from "./xgs-sync.js";
import type { XgsHost } from "./xgs-xml.js";

/**
 * Mirroring the blocklist feeds marked `sync_to_xgs` into one Sophos XGS group
 * (`grp_VGX-CrowdSBlockL`, hosts `CS_<ip>`), as the seed's Neural-Sync does. Feeds hold tens of
 * thousands of entries, so the plan is applied one request-sized chunk at a time with a hook
 * between chunks: the reconciler uses it to push a new ban before carrying on (a ban must never
 * wait behind a feed) and to report progress. Only `CS_…` hosts are touched.
 */
export type FeedSource = Pick<XgsFeedSource, "group" | "hostPrefix" | "description" | "members">;

/** Entities per request; matches the client's own batch size so each chunk is one request. */
export const FEED_CHUNK = 100;

export function planFeed(members: string[], actual: XgsHost[], src: FeedSource): XgsPlan {
  const wanted: XgsHost[] = [];
  for (const m of members) {
    try {
      wanted.push(xgsHostFor(m, src.group, src.hostPrefix));
    } catch {
      // not an IP or range: the feed parser should have dropped it already
    }
  }
  return planHosts(wanted, actual, src.hostPrefix, new Set([src.group]));
}

export interface FeedProgress {
  /** Hosts in the group as wanted (already right, or written by this pass so far). */
  inSync: number;
  /** Writes (adds, updates, removals) still to do. */
  pending: number;
}

/**
 * Brings the group to the feed members. `between` runs after every chunk (and may do other work
 * on the firewall meanwhile); `progress` always holds the latest counts, also when this throws.
 */
export async function syncFeedGroup(
  client: XgsClient,
  src: FeedSource,
  progress: FeedProgress,
  between: () => Promise<void>,
): Promise<XgsPlan> {
  const members = await src.members();
  // No subscribed feed: leave the firewall without an empty group nobody asked for (stale CS_ hosts still go).
  if (members.length > 0) await client.ensureGroups([{ name: src.group, description: src.description }]);
  const plan = planFeed(members, await client.getHosts(`${src.hostPrefix}_`), src);
  progress.inSync = plan.unchanged;
  progress.pending = plan.add.length + plan.update.length + plan.remove.length;
  const steps: [number, () => Promise<void>][] = [];
  for (let i = 0; i < plan.add.length; i += FEED_CHUNK) {
    const chunk = plan.add.slice(i, i + FEED_CHUNK);
    steps.push([chunk.length, () => client.setHosts("add", chunk)]);
  }
  for (let i = 0; i < plan.update.length; i += FEED_CHUNK) {
    const chunk = plan.update.slice(i, i + FEED_CHUNK);
    steps.push([chunk.length, () => client.setHosts("update", chunk)]);
  }
  const removed = plan.remove.length;
  for (let i = 0; i < removed; i += FEED_CHUNK) {
    const chunk = plan.remove.slice(i, i + FEED_CHUNK);
    // A removal brings nothing into sync; it only shrinks what is pending.
    steps.push([0, () => client.removeHosts(chunk)]);
  }
  let left = removed;
  for (const [count, step] of steps) {
    await step();
    if (count > 0) {
      progress.inSync += count;
      progress.pending -= count;
    } else {
      const n = Math.min(FEED_CHUNK, left);
      left -= n;
      progress.pending -= n;
    }
    await between();
  }
  return plan;
}
