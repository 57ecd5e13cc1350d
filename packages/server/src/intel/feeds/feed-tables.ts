import type { ColumnType, Generated } from "kysely";
import type { DefaultedTimestamp, NullableTimestamp } from "../../auth/auth-tables.js";
import type { FeedFormat } from "./feed-parse.js";

/** Blocklist feeds and their entries (migration 0007-feeds). */
export type FeedStatus = "never" | "ok" | "not_modified" | "error";

export interface BlocklistFeedsTable {
  id: string;
  name: string;
  url: string;
  format: FeedFormat;
  enabled: Generated<boolean>;
  refresh_minutes: Generated<number>;
  sync_to_xgs: Generated<boolean>;
  etag: string | null;
  last_modified: string | null;
  last_refresh: NullableTimestamp;
  last_status: Generated<FeedStatus>;
  last_error: string | null;
  entries: Generated<number>;
  invalid_lines: Generated<number>;
  /** When the scheduler should next fetch it; claimed (moved forward) before fetching. */
  next_refresh_at: DefaultedTimestamp;
  /** Bumped each time the entries are replaced, so other nodes know to reload them. */
  entries_version: Generated<number>;
  created_at: DefaultedTimestamp;
}

export interface BlocklistEntriesTable {
  feed_id: string;
  value: string;
  country: ColumnType<string, string | undefined, string>;
}

export interface FeedTables {
  blocklist_feeds: BlocklistFeedsTable;
  blocklist_entries: BlocklistEntriesTable;
}

declare module "../../storage/state-schema.js" {
  interface StateDatabase extends FeedTables {}
}
