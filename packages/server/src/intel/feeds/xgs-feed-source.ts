import type { FeedService } from "./feed-service.js";

/**
 * What the Sophos XGS reconciler (response/enforcement/) needs to mirror blocklist feeds on the
 * firewall, as the seed's Neural-Sync does: the union of the entries of enabled feeds marked
 * `sync_to_xgs`, kept in the group `grp_VGX-CrowdSBlockL` as host objects prefixed `CS`
 * (`CS_1.2.3.4`; CIDRs become network hosts). The reconciler owns the firewall side (create the
 * group, add missing hosts, remove stale `CS_` hosts); this side only says what should be there.
 */
export const XGS_FEED_GROUP = "grp_VGX-CrowdSBlockL";
export const XGS_FEED_HOST_PREFIX = "CS";
export const XGS_FEED_GROUP_DESCRIPTION = "Vigil: blocklist feed IPs (Neural-Sync, managed automatically)";

export interface XgsFeedSource {
  readonly group: string;
  readonly hostPrefix: string;
  readonly description: string;
  /** Sorted, de-duplicated IPs and CIDRs (normalised: `1.2.3.0/24`, `2001:db8::/48`). */
  members(): Promise<string[]>;
  /** Called when the member list may have changed (a refresh, an edit, a feed removed). */
  onChange(listener: () => void): () => void;
}

export function xgsFeedSource(feeds: Pick<FeedService, "xgsMembers" | "onChange">): XgsFeedSource {
  return {
    group: XGS_FEED_GROUP,
    hostPrefix: XGS_FEED_HOST_PREFIX,
    description: XGS_FEED_GROUP_DESCRIPTION,
    members: () => feeds.xgsMembers(),
    onChange: (listener) => feeds.onChange(listener),
  };
}
