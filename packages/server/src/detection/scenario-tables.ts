import type { DefaultedTimestamp } from "../auth/auth-tables.js";

/** Scenarios written through the API (migration 0003-detection). */
export interface ScenariosTable {
  name: string;
  yaml: string;
  enabled: boolean;
  /** "api" for scenarios created through the API, else the origin of the file scenario it overrides. */
  origin: string;
  updated_at: DefaultedTimestamp;
  updated_by: string;
}

export interface DetectionTables {
  scenarios: ScenariosTable;
}

declare module "../storage/state-schema.js" {
  interface StateDatabase extends DetectionTables {}
}
