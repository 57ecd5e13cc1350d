import type { DefaultedTimestamp, Timestamp } from "../auth-tables.js";

/** Kysely tables of single sign-on (created by migration 0014-oidc). */
export interface OidcIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: DefaultedTimestamp;
  last_login_at: DefaultedTimestamp;
}

export interface OidcLoginsTable {
  id: string;
  state: string;
  nonce: string;
  code_verifier: string;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
}

export interface OidcTables {
  oidc_identities: OidcIdentitiesTable;
  oidc_logins: OidcLoginsTable;
}

declare module "../../storage/state-schema.js" {
  interface StateDatabase extends OidcTables {}
}
