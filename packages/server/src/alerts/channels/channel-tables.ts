import type { ColumnType, Generated } from "kysely";
import type { DefaultedTimestamp } from "../../auth/auth-tables.js";
import type { ChannelType, Severity } from "./types.js";

/** Kysely view of the tables created by migration 0008-channels. */
export interface NotificationChannelsTable {
  id: string;
  name: string;
  type: ChannelType;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  /** jsonb; secrets (SMTP password, webhook secret) sealed with the server's secret box. */
  config: ColumnType<Record<string, unknown>, string, string>;
  /** Alerts without channels of their own at or above this severity come here (0009-alerts). */
  min_severity: ColumnType<Severity | null, Severity | null | undefined, Severity | null>;
  /** The client whose channel this is: it hears only that client's alerts. null: the operator's. */
  client: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

/** One row per finished delivery (after its retries), so final failures can be shown per channel. */
export interface NotificationDeliveriesTable {
  id: Generated<string>;
  channel_id: string;
  alert_id: string;
  ok: boolean;
  attempts: number;
  error: string | null;
  created_at: DefaultedTimestamp;
}

export interface ChannelTables {
  notification_channels: NotificationChannelsTable;
  notification_deliveries: NotificationDeliveriesTable;
}

declare module "../../storage/state-schema.js" {
  interface StateDatabase extends ChannelTables {}
}
