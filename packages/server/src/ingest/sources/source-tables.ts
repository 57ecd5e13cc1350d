import type { ColumnType, Generated } from "kysely";
import type { DefaultedTimestamp, NullableTimestamp } from "../../auth/auth-tables.js";

/**
 * A known (or newly seen) log sender. Registered senders map to a site and a time zone; unknown
 * senders are recorded with `registered = false` so an admin can assign them.
 */
export type SourceMatchType = "ip" | "hostname" | "serial";

export interface SourcesTable {
  id: string;
  match_type: SourceMatchType;
  match_value: string;
  name: Generated<string>;
  site: Generated<string>;
  timezone: Generated<string>;
  registered: Generated<boolean>;
  /** For a hostname or serial: the sender address it was last seen behind ("" when never seen). */
  via: Generated<string>;
  first_seen: NullableTimestamp;
  last_seen: NullableTimestamp;
  /** bigint: read back as text by PostgreSQL drivers. */
  event_count: ColumnType<string, string | undefined, string>;
  created_at: DefaultedTimestamp;
}

export interface SourceTables {
  sources: SourcesTable;
}

declare module "../../storage/state-schema.js" {
  interface StateDatabase extends SourceTables {}
}
