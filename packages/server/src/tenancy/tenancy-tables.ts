import type { DefaultedTimestamp } from "../auth/auth-tables.js";

/** Kysely tables of clients (tenants) and their sites (migration 0012-tenancy). */
export interface ClientsTable {
  name: string;
  description: string | null;
  created_at: DefaultedTimestamp;
}

export interface SitesTable {
  name: string;
  client: string;
  description: string | null;
  created_at: DefaultedTimestamp;
}

export interface TenancyTables {
  clients: ClientsTable;
  sites: SitesTable;
}
