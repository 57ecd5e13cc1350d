import type { ColumnType, Generated, JSONColumnType } from "kysely";
import type { DefaultedTimestamp } from "../auth/auth-tables.js";
import type { DomainPosture } from "./posture.js";

/** Kysely tables of Vigimail (migration 0020-vigimail). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface VigimailSettingsTable {
  id: number;
  interval_hours: Generated<number>;
  /** null = the built-in list (dkim.ts DEFAULT_DKIM_SELECTORS). */
  dkim_selectors: string[] | null;
  hibp_enabled: Generated<boolean>;
  hibp_key_sealed: string | null;
  hibp_rpm: Generated<number>;
  hibp_domain_search: Generated<boolean>;
  leakcheck_enabled: Generated<boolean>;
  leakcheck_key_sealed: string | null;
  lease_until: Timestamp | null;
  last_run_at: Timestamp | null;
  updated_at: DefaultedTimestamp;
  updated_by: string | null;
}

export interface VigimailDomainsTable {
  id: string;
  domain: string;
  client: string;
  /** Selectors learnt for this domain from pasted headers, tried besides the configured ones. */
  dkim_selectors: ColumnType<string[], string[] | undefined, string[]>;
  last_check_at: Timestamp | null;
  last_score: number | null;
  last_status: string | null;
  created_at: DefaultedTimestamp;
}

export interface VigimailDomainChecksTable {
  id: string;
  domain_id: string;
  checked_at: Timestamp;
  overall_score: number;
  overall_status: string;
  result: JSONColumnType<DomainPosture>;
}

export interface VigimailMailboxesTable {
  id: string;
  email: string;
  domain: string;
  client: string;
  last_check_at: Timestamp | null;
  last_success_at: Timestamp | null;
  last_error: string | null;
  created_at: DefaultedTimestamp;
}

export interface VigimailBreachesTable {
  id: string;
  mailbox_id: string;
  source: string;
  name: string;
  title: string;
  breach_domain: string | null;
  breach_date: string | null;
  data_classes: ColumnType<string[], string[] | undefined, string[]>;
  verified: boolean;
  sensitive: boolean;
  description: ColumnType<string, string | undefined, string>;
  first_seen: Timestamp;
  last_seen: Timestamp;
}

export interface VigimailTables {
  vigimail_settings: VigimailSettingsTable;
  vigimail_domains: VigimailDomainsTable;
  vigimail_domain_checks: VigimailDomainChecksTable;
  vigimail_mailboxes: VigimailMailboxesTable;
  vigimail_breaches: VigimailBreachesTable;
}
