/** The /api/v1/vigimail answers the console reads (server: packages/server/src/vigimail/vigimail-schemas.ts). */
export interface PostureIssue {
  code: string;
  severity: "critical" | "high" | "medium" | "low" | "info";
  message: string;
  fix: string;
}

export interface DomainCheck {
  checked_at: string;
  spf_lookup: string;
  spf_exists: boolean;
  spf_record: string | null;
  spf_valid: boolean;
  spf_issues: PostureIssue[];
  dkim_lookup: string;
  dkim_exists: boolean;
  dkim_selectors: string[];
  dkim_valid: boolean;
  dkim_issues: PostureIssue[];
  dmarc_lookup: string;
  dmarc_exists: boolean;
  dmarc_record: string | null;
  dmarc_policy: string | null;
  dmarc_valid: boolean;
  dmarc_issues: PostureIssue[];
  mx_lookup: string;
  mx_exists: boolean;
  mx_null: boolean;
  mx_records: Array<{ priority: number; exchange: string; resolves: string }>;
  mx_valid: boolean;
  mx_issues: PostureIssue[];
  overall_score: number;
  overall_status: "good" | "warning" | "critical";
}

export interface VigimailDomain {
  domain: string;
  client: string;
  created_at: string;
  last_check_at: string | null;
  score: number | null;
  status: string | null;
  check: DomainCheck | null;
}

export interface Mailbox {
  email: string;
  domain: string;
  client: string;
  leak_count: number;
  status: "unchecked" | "clean" | "leaked";
  last_check_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
}

export interface Breach {
  source: string;
  name: string;
  title: string;
  breach_domain: string | null;
  breach_date: string | null;
  data_classes: string[];
  verified: boolean;
  sensitive: boolean;
  description: string;
  first_seen: string;
  last_seen: string;
}

export interface Leaks {
  email: string;
  last_check_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  breaches: Breach[];
}

export interface Progress {
  running: boolean;
  done: number;
  total: number;
  failed: number;
  started_at: string;
  finished_at: string | null;
}

export interface VigimailStatus {
  domains: number;
  mailboxes: number;
  leaked_mailboxes: number;
  breaches: number;
  interval_hours: number;
  last_run_at: string | null;
  next_run_at: string | null;
  check_all: Progress | null;
  providers: Record<
    "hibp" | "leakcheck",
    { configured: boolean; last_success_at: string | null; last_error: string | null }
  >;
}
