import { uuidv7 } from "uuidv7";
import type { Principal, Role } from "../http/access.js";
import { HttpProblem } from "../http/problem.js";
import type { ApiKeysRepo } from "./api-keys-repo.js";
import {
  API_KEY_PREFIX,
  hashPassword,
  newSessionToken,
  passwordProblem,
  sha256Hex,
  verifyPassword,
} from "./secrets.js";
import type { SessionsRepo } from "./sessions-repo.js";
import type { UserRow, UsersRepo } from "./users-repo.js";

export interface PublicUser {
  id: string;
  username: string;
  role: Role;
  email: string | null;
  /** The user's client; null for operator staff. The console hides what only staff may manage. */
  client: string | null;
}

/** What a user may read of their own account (never the password hash). */
const publicUser = (user: UserRow): PublicUser => ({
  id: user.id,
  username: user.username,
  role: user.role,
  email: user.email,
  client: user.client,
});

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: PublicUser;
  principal: Principal;
}

export interface AuthServiceDeps {
  users: UsersRepo;
  sessions: SessionsRepo;
  apiKeys: ApiKeysRepo;
  /** Session lifetime; each use pushes the expiry this far ahead again (sliding). Default 12 h. */
  sessionTtlMs?: number;
  /** Operator staff (users with no client) must use single sign-on (VIGIL_OIDC_SSO_ONLY_STAFF). */
  ssoOnlyStaff?: boolean;
}

export const SSO_ONLY_STAFF =
  "Operator staff sign in with single sign-on: use the SSO button (VIGIL_OIDC_SSO_ONLY_STAFF)";

/** Don't write to the store on every request: refresh a session or key at most this often. */
const TOUCH_EVERY_MS = 60_000;

export const LOGIN_FAILED = "Invalid username or password";

export function createAuthService(deps: AuthServiceDeps) {
  const { users, sessions, apiKeys } = deps;
  const ttl = deps.sessionTtlMs ?? 12 * 60 * 60 * 1000;

  return {
    sessionTtlMs: ttl,

    /** Same answer, and about the same time, for an unknown user, a bad password or a disabled account. */
    async checkPassword(username: string, password: string): Promise<UserRow> {
      const user = await users.findByUsername(username);
      const ok = await verifyPassword(user?.password_hash ?? null, password);
      if (!user || !ok || !user.is_active) throw new HttpProblem(401, LOGIN_FAILED);
      // Said only after a right password, so it tells a guesser nothing about which accounts are staff.
      if (deps.ssoOnlyStaff && user.client === null) throw new HttpProblem(403, SSO_ONLY_STAFF);
      return user;
    },

    /**
     * A new session for a user already checked: password, and the second factor when MFA is on
     * (the login and MFA routes decide; see mfa-login.ts). There is deliberately no one-call login.
     */
    async openSession(
      user: UserRow,
      meta: { ip: string | null; userAgent: string | null },
    ): Promise<LoginResult> {
      const token = newSessionToken();
      const id = uuidv7();
      const expiresAt = new Date(Date.now() + ttl);
      await sessions.insert({
        id,
        user_id: user.id,
        token_hash: sha256Hex(token),
        expires_at: expiresAt,
        ip: meta.ip,
        user_agent: meta.userAgent?.slice(0, 500) ?? null,
      });
      await users.touchLastLogin(user.id);
      return {
        token,
        expiresAt,
        user: publicUser(user),
        principal: {
          kind: "user",
          userId: user.id,
          username: user.username,
          role: user.role,
          client: user.client,
          sessionId: id,
        },
      };
    },

    async logout(principal: Principal): Promise<void> {
      if (principal.kind === "user") await sessions.revoke(principal.sessionId);
    },

    /** The guard's lookup: a session token or an API key → who is calling, or null. */
    async authenticate(token: string): Promise<Principal | null> {
      if (token.length > 200) return null;
      if (token.startsWith(API_KEY_PREFIX)) {
        const key = await apiKeys.findActiveByHash(sha256Hex(token));
        if (!key) return null;
        if (!key.last_used_at || Date.now() - key.last_used_at.getTime() > TOUCH_EVERY_MS) {
          await apiKeys.touchLastUsed(key.id);
        }
        return {
          kind: "apikey",
          keyId: key.id,
          name: key.name,
          scopes: key.scopes,
          site: key.site,
          client: key.client,
        };
      }
      const session = await sessions.findActive(sha256Hex(token));
      if (!session) return null;
      if (Date.now() - session.last_seen_at.getTime() > TOUCH_EVERY_MS) {
        await sessions.extend(session.id, new Date(Date.now() + ttl));
      }
      return {
        kind: "user",
        userId: session.user_id,
        username: session.username,
        role: session.role,
        client: session.client,
        sessionId: session.id,
      };
    },

    async me(principal: Principal): Promise<PublicUser> {
      if (principal.kind !== "user") throw new HttpProblem(403, "Forbidden: API keys have no user profile");
      const user = await users.findById(principal.userId);
      if (!user) throw new HttpProblem(401, "The account no longer exists");
      return publicUser(user);
    },

    /**
     * Change one's own password. Every other session of the user is revoked (a stolen session dies
     * with the old password); the session making the change stays signed in.
     */
    async changePassword(principal: Principal, current: string, next: string): Promise<void> {
      if (principal.kind !== "user") throw new HttpProblem(403, "Forbidden: API keys have no password");
      const user = await users.findById(principal.userId);
      if (!user || !(await verifyPassword(user.password_hash, current))) {
        throw new HttpProblem(400, "The current password is wrong");
      }
      const policy = passwordProblem(next);
      if (policy) throw new HttpProblem(400, policy);
      if (current === next) throw new HttpProblem(400, "The new password must differ from the current one");
      await users.update(user.id, { password_hash: await hashPassword(next) });
      await sessions.revokeAllForUser(user.id, principal.sessionId);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
