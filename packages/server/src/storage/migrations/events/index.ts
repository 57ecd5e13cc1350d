import { migration as events } from "./0001-events.js";
import { migration as modsecLogs } from "./0002-modsec-logs.js";
import { migration as retentionState } from "./0003-retention-state.js";
import { migration as statsProjections } from "./0004-events-stats-projections.js";
import { migration as typeMetadata } from "./0005-events-type-metadata.js";
import type { ClickHouseMigration } from "./migration.js";

/** Every event-store migration, in the order they apply. Append only; never edit a released one. */
export const EVENT_MIGRATIONS: readonly ClickHouseMigration[] = [
  events,
  modsecLogs,
  retentionState,
  statsProjections,
  typeMetadata,
];

export { type ClickHouseMigration, DEFAULT_RETENTION_DAYS } from "./migration.js";
