/** The shapes of the admin API (users, API keys, audit log, clients and sites) as the console reads them. */

/** admin ⊃ supervisor ⊃ analyst ⊃ audit. */
export const ROLES = ["admin", "supervisor", "analyst", "audit"] as const;
export type AdminRole = (typeof ROLES)[number];

export const API_KEY_SCOPES = ["ingest", "metrics", "read", "blocklist"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface AdminUser {
  id: string;
  username: string;
  role: AdminRole;
  email: string | null;
  is_active: boolean;
  last_login: string | null;
  created_at: string;
  /** The client the user belongs to; null for operator staff (who see every client). */
  client?: string | null;
  /** Present once the server offers MFA. */
  mfa_enabled?: boolean;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  site: string | null;
  /** The client the key acts for (servers with clients); null with no site: an operator key. */
  client?: string | null;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** The answer to creating a key: the only time the key itself is sent. */
export interface CreatedApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  site: string | null;
  created_at: string;
  key: string;
}

export interface Client {
  name: string;
  description: string | null;
  site_count: number;
  user_count: number;
  created_at: string;
}

export interface AdminSite {
  name: string;
  client: string;
  description: string | null;
  created_at: string;
  event_count: number;
  first_event: string | null;
  last_event: string | null;
  source_count: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  actor_kind: string;
  action: string;
  target: string | null;
  /** Request body, params, outcome (or before/after), secrets redacted by the server. */
  detail: unknown;
  status: number;
}
