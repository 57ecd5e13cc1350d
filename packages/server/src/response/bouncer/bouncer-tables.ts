import type { ColumnType } from "kysely";
import type { DefaultedTimestamp, NullableTimestamp } from "../../auth/auth-tables.js";

/** Kysely view of migration 0006-bouncers. bigint columns read back as text. */
type BigintColumn = ColumnType<string, string | number | bigint | undefined, string | number | bigint>;

export interface BouncersTable {
  id: string;
  name: string;
  /** SHA-256 (hex) of the API key; the key itself is shown once, at creation. */
  key_hash: string;
  created_by: ColumnType<string, string | undefined, string>;
  created_at: DefaultedTimestamp;
  last_pull: NullableTimestamp;
  ip_address: ColumnType<string, string | undefined, string>;
  version: ColumnType<string, string | undefined, string>;
  cursor: BigintColumn;
  /** Sites whose bans this bouncer receives (plus global bans); empty = every ban. */
  sites: ColumnType<string[], string[] | undefined, string[]>;
}

export interface BouncerDecisionsTable {
  id: BigintColumn;
  value: string;
  scope: "Ip" | "Range";
  scenario: string;
  uuid: string;
  until: NullableTimestamp;
  ban_version: BigintColumn;
  created_at: DefaultedTimestamp;
  deleted_seq: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  deleted_at: NullableTimestamp;
  /** The ban's sites when the decision was opened; empty = global. */
  sites: ColumnType<string[], string[] | undefined, string[]>;
}

export interface BouncerSyncStateTable {
  id: number;
  ban_cursor: BigintColumn;
  last_full_sync: NullableTimestamp;
}

export interface BouncerTables {
  bouncers: BouncersTable;
  bouncer_decisions: BouncerDecisionsTable;
  bouncer_sync_state: BouncerSyncStateTable;
}

declare module "../../storage/state-schema.js" {
  interface StateDatabase extends BouncerTables {}
}
