import type { FastifyRequest } from "fastify";
import type { AuthService } from "./auth-service.js";
import type { MfaService } from "./mfa-service.js";
import type { UserRow } from "./users-repo.js";

/**
 * The end of every sign-in path (password alone, or password then code): a new session and the
 * reply the console expects, the same whichever path led here.
 */
export async function finishLogin(
  deps: { auth: AuthService; mfa: MfaService },
  user: UserRow,
  request: FastifyRequest,
) {
  const result = await deps.auth.openSession(user, {
    ip: request.ip ?? null,
    userAgent: request.headers["user-agent"] ?? null,
  });
  // So the audit row names the user who signed in.
  request.principal = result.principal;
  const status = await deps.mfa.status(user.id, user.role);
  return {
    token: result.token,
    expires_at: result.expiresAt.toISOString(),
    user: { ...result.user, ...status },
    ...(status.mfa_enrollment_required ? { mfa_enrollment_required: true as const } : {}),
  };
}
