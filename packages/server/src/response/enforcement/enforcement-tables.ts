import type { ColumnType } from "kysely";
import type { DefaultedTimestamp, NullableTimestamp } from "../../auth/auth-tables.js";

/** Kysely view of the tables created by migration 0005-enforcement. */
export type TargetType = "sophos_xgs" | "webhook";
export type SyncState = "ok" | "failing" | "never";

export interface EnforcementTargetsTable {
  id: string;
  name: string;
  type: TargetType;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  /** jsonb; secrets sealed (see secret-box.ts). */
  config: ColumnType<Record<string, unknown>, string, string>;
  state: ColumnType<SyncState, SyncState | undefined, SyncState>;
  last_sync: NullableTimestamp;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  in_sync: ColumnType<number, number | undefined, number>;
  pending: ColumnType<number, number | undefined, number>;
  lease_until: NullableTimestamp;
  /** Sites whose bans this target receives (plus global bans); empty = every ban. */
  sites: ColumnType<string[], string[] | undefined, string[]>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface EnforcementDeliveredTable {
  target_id: string;
  ip: string;
  status: string;
  expires_at: NullableTimestamp;
}

export interface EnforcementTables {
  enforcement_targets: EnforcementTargetsTable;
  enforcement_delivered: EnforcementDeliveredTable;
}

declare module "../../storage/state-schema.js" {
  interface StateDatabase extends EnforcementTables {}
}
