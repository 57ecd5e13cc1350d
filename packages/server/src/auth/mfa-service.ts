import { randomBytes } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";
import { uuidv7 } from "uuidv7";
import type { Principal, Role } from "../http/access.js";
import { HttpProblem } from "../http/problem.js";
import type { SecretBox } from "../response/enforcement/secret-box.js";
import { LOGIN_FAILED } from "./auth-service.js";
import type { LiveChallenge, MfaRepo } from "./mfa-repo.js";
import { newSessionToken, sha256Hex, verifyPassword } from "./secrets.js";
import type { UserRow, UsersRepo } from "./users-repo.js";

export const MFA_ISSUER = "Vigil";
export const RECOVERY_CODE_COUNT = 10;
/** How long the mfa_token from a password sign-in stays good for its code. */
export const DEFAULT_CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes one mfa_token takes before it is spent (then the password is needed again). */
export const DEFAULT_CHALLENGE_ATTEMPTS = 5;
/** One 30 s step either side of now: phones whose clocks drift a little still sign in. */
const TOTP_TOLERANCE_S = 30;

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** A recovery code: 80 random bits as 16 base32 letters, grouped by four for reading aloud. */
function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)?.join("-") ?? out;
}

/** Case, spaces and dashes do not matter in a typed recovery code. */
function recoveryHash(code: string): string {
  return sha256Hex(code.toLowerCase().replace(/[^a-z0-9]/g, ""));
}

const isTotpCode = (code: string) => /^\d{6}$/.test(code);

export interface MfaServiceDeps {
  mfa: MfaRepo;
  users: UsersRepo;
  box: SecretBox;
  challengeTtlMs?: number;
  challengeAttempts?: number;
}

function userOf(principal: Principal): { userId: string; username: string; role: Role } {
  if (principal.kind !== "user") throw new HttpProblem(403, "Forbidden: API keys have no second factor");
  return principal;
}

/**
 * TOTP (RFC 6238) as a second factor, with single-use recovery codes. A code of a time step is
 * accepted once: the step is remembered and a code of that step or an earlier one is refused.
 */
export function createMfaService(deps: MfaServiceDeps) {
  const { mfa, users, box } = deps;
  const ttl = deps.challengeTtlMs ?? DEFAULT_CHALLENGE_TTL_MS;
  const maxAttempts = deps.challengeAttempts ?? DEFAULT_CHALLENGE_ATTEMPTS;

  /** The time step of a valid, not yet used TOTP code, or null. */
  async function totpStep(
    sealedSecret: string,
    code: string,
    lastStep: number | null,
  ): Promise<number | null> {
    if (!isTotpCode(code)) return null;
    const result = await verify({
      secret: box.open(sealedSecret),
      token: code,
      epochTolerance: TOTP_TOLERANCE_S,
      ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
    });
    return result.valid && "timeStep" in result ? result.timeStep : null;
  }

  /** A TOTP code or a recovery code, spent when it is accepted. */
  async function spendCode(userId: string, code: string): Promise<boolean> {
    const row = await mfa.get(userId);
    if (!row?.enabled_at) return false;
    const typed = code.trim().replace(/\s+/g, "");
    if (isTotpCode(typed)) {
      const step = await totpStep(row.secret, typed, row.last_step);
      return step !== null && (await mfa.advanceStep(userId, step));
    }
    return typed.length > 0 && (await mfa.useRecoveryCode(userId, recoveryHash(typed)));
  }

  return {
    isEnabled: (userId: string) => mfa.isEnabled(userId),
    enabledUserIds: () => mfa.enabledUserIds(),
    enrolmentRequired: (userId: string, role: Role) => mfa.enrolmentRequired(userId, role),

    /** What /auth/me and a sign-in tell the console about the user's MFA. */
    async status(
      userId: string,
      role: Role,
    ): Promise<{ mfa_enabled: boolean; mfa_enrollment_required: boolean }> {
      const enabled = await mfa.isEnabled(userId);
      return { mfa_enabled: enabled, mfa_enrollment_required: !enabled && (await mfa.roleRequires(role)) };
    },

    /** A new secret, pending until `confirm`; enrolling again before that replaces it. */
    async enroll(principal: Principal): Promise<{ secret: string; otpauth_url: string }> {
      const { userId, username } = userOf(principal);
      if (await mfa.isEnabled(userId)) {
        throw new HttpProblem(409, "MFA is already on; turn it off first to enrol a new device");
      }
      const secret = generateSecret();
      await mfa.savePending(userId, box.seal(secret));
      return { secret, otpauth_url: generateURI({ issuer: MFA_ISSUER, label: username, secret }) };
    },

    /** The first code from the app turns MFA on; the recovery codes are shown this once. */
    async confirm(principal: Principal, code: string): Promise<{ recovery_codes: string[] }> {
      const { userId } = userOf(principal);
      const row = await mfa.get(userId);
      if (!row)
        throw new HttpProblem(409, "No enrolment in progress: start with POST /api/v1/auth/mfa/enroll");
      if (row.enabled_at) throw new HttpProblem(409, "MFA is already on");
      const step = await totpStep(row.secret, code.trim().replace(/\s+/g, ""), null);
      if (step === null) {
        throw new HttpProblem(
          400,
          "The code is not valid: enter the current 6-digit code from the app (is the phone's clock right?)",
        );
      }
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
      await mfa.enable(
        userId,
        step,
        codes.map((c) => ({ id: uuidv7(), code_hash: recoveryHash(c) })),
      );
      return { recovery_codes: codes };
    },

    /** Turn one's own MFA off: the password and a code (or a recovery code) prove it is the owner. */
    async disable(principal: Principal, password: string, code: string): Promise<void> {
      const { userId, role } = userOf(principal);
      if (!(await mfa.isEnabled(userId))) throw new HttpProblem(409, "MFA is not on");
      if (await mfa.roleRequires(role)) {
        throw new HttpProblem(409, `The ${role} role must use MFA; an admin can reset it for a new device`);
      }
      const user = await users.findById(userId);
      const passwordOk = await verifyPassword(user?.password_hash ?? null, password);
      // Spend the code only when the password is right, and say not which of the two was wrong.
      if (!passwordOk || !(await spendCode(userId, code))) {
        throw new HttpProblem(400, "The password or the code is wrong");
      }
      await mfa.remove(userId);
    },

    /** After a right password with MFA on: an opaque, single-use token for the code step. */
    async startChallenge(userId: string): Promise<string> {
      const token = newSessionToken();
      await mfa.insertChallenge({
        id: uuidv7(),
        user_id: userId,
        token_hash: sha256Hex(token),
        expires_at: new Date(Date.now() + ttl),
      });
      return token;
    },

    /** The live challenge an mfa_token stands for, or undefined (unknown, used, expired). */
    async challenge(token: string): Promise<LiveChallenge | undefined> {
      if (token.length > 200) return undefined;
      return mfa.findLiveChallenge(sha256Hex(token));
    },

    /**
     * Answer a challenge with a code. A wrong code counts against the challenge (spent after
     * `challengeAttempts`); the 401 reads like a wrong password, naming neither factor.
     */
    async answer(challenge: LiveChallenge, code: string): Promise<UserRow> {
      if (!(await spendCode(challenge.user_id, code))) {
        if ((await mfa.countAttempt(challenge.id)) >= maxAttempts) await mfa.consumeChallenge(challenge.id);
        throw new HttpProblem(401, LOGIN_FAILED);
      }
      const user = await users.findById(challenge.user_id);
      if (!user?.is_active || !(await mfa.consumeChallenge(challenge.id))) {
        throw new HttpProblem(401, LOGIN_FAILED);
      }
      return user;
    },

    /** An admin clears a user's MFA (lost phone): they sign in with the password and enrol again. */
    async reset(userId: string): Promise<void> {
      if (!(await users.findById(userId))) throw new HttpProblem(404, `No user with id ${userId}`);
      await mfa.remove(userId);
    },

    requiredRoles: () => mfa.requiredRoles(),
    async setRequiredRoles(roles: readonly Role[]): Promise<Role[]> {
      await mfa.setRequiredRoles([...new Set(roles)]);
      return mfa.requiredRoles();
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
