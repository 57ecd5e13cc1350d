import type { Generated } from "kysely";
import type { Role } from "../http/access.js";
import type { DefaultedTimestamp, NullableTimestamp, Timestamp } from "./auth-tables.js";

/** Kysely table interfaces for TOTP MFA (created by migration 0013-mfa). */
export interface UserMfaTable {
  user_id: string;
  /** The base32 TOTP secret, sealed with the server secret (see mfa-service.ts). */
  secret: string;
  /** Null while enrolment awaits its first code. */
  enabled_at: NullableTimestamp;
  /** TOTP time step of the last accepted code (replay guard). */
  last_step: number | null;
  created_at: DefaultedTimestamp;
}

export interface MfaRecoveryCodesTable {
  id: string;
  user_id: string;
  /** SHA-256 (hex) of the normalised code: 80 random bits, so a fast hash is enough. */
  code_hash: string;
  used_at: NullableTimestamp;
  created_at: DefaultedTimestamp;
}

export interface MfaChallengesTable {
  id: string;
  user_id: string;
  /** SHA-256 (hex) of the opaque mfa_token handed out after the password. */
  token_hash: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  attempts: Generated<number>;
  created_at: DefaultedTimestamp;
}

export interface MfaPolicyTable {
  role: Role;
}

export interface MfaTables {
  user_mfa: UserMfaTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  mfa_challenges: MfaChallengesTable;
  mfa_policy: MfaPolicyTable;
}
