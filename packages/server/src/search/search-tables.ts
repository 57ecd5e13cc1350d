import type { ColumnType, Generated } from "kysely";

/** State-store tables of the KQL workbench (migration 0019-search). */
export interface SearchTables {
  saved_searches: {
    id: string;
    user_id: string;
    name: string;
    query: string;
    description: Generated<string>;
    created_at: ColumnType<Date, Date | undefined, never>;
  };
  search_history: {
    id: string;
    user_id: string;
    query: string;
    ran_at: Date;
    ok: boolean;
    row_count: number | null;
    elapsed_ms: number | null;
  };
}

declare module "../storage/state-schema.js" {
  interface StateDatabase extends SearchTables {}
}
