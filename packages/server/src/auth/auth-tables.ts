import type { ColumnType, Generated } from "kysely";
import type { ApiKeyScope, Role } from "../http/access.js";
import type { MfaTables } from "./mfa-tables.js";

/**
 * Kysely table interfaces for the auth feature (created by migration 0001-auth).
 * `timestamptz` columns read back as `Date`; on write they accept a `Date` or an ISO string.
 */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

export interface UsersTable {
  id: string;
  username: string;
  email: string | null;
  password_hash: string;
  role: Role;
  /** The client (tenant) the user belongs to; null for operator staff. */
  client: string | null;
  is_active: Generated<boolean>;
  last_login: NullableTimestamp;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** SHA-256 (hex) of the opaque token: a leaked table does not leak usable tokens. */
  token_hash: string;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
  last_seen_at: DefaultedTimestamp;
  revoked_at: NullableTimestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  /** The first characters of the key, so an admin can tell keys apart without the secret. */
  prefix: string;
  scopes: ApiKeyScope[];
  site: string | null;
  /** The client the key acts for (its site's, or its creator's); null with no site: an operator key. */
  client: ColumnType<string | null, string | null | undefined, string | null>;
  created_by: string | null;
  created_at: DefaultedTimestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export type ActorKind = "user" | "apikey" | "anonymous";

export interface AuditLogTable {
  id: string;
  at: DefaultedTimestamp;
  actor: string;
  actor_kind: ActorKind;
  action: string;
  target: string | null;
  status_code: number;
  /** jsonb; written as a JSON string (see audit-repo.ts), read back as parsed JSON. */
  detail: ColumnType<unknown, string, string>;
  ip: string | null;
  /** The actor's client, so a client's admin reads its own trail; null for staff. */
  client: ColumnType<string | null, string | null | undefined, string | null>;
}

/** MFA tables ride along, so every program that sees the auth tables sees them too. */
export interface AuthTables extends MfaTables {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
}
