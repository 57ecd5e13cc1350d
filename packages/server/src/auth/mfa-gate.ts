import type { FastifyInstance } from "fastify";
import { HttpProblem } from "../http/problem.js";
import type { MfaService } from "./mfa-service.js";

/**
 * What a user whose role must use MFA, and who has not turned it on, may still call: enough to see
 * who they are, enrol, and leave. Everything else is a 403 until enrolment is confirmed.
 */
export const OPEN_BEFORE_ENROLMENT: ReadonlySet<string> = new Set([
  "GET /api/v1/auth/me",
  "POST /api/v1/auth/logout",
  "POST /api/v1/auth/mfa/enroll",
  "POST /api/v1/auth/mfa/confirm",
]);

export const ENROLMENT_REQUIRED =
  "Forbidden: your role must use multi-factor authentication; turn it on under My account (POST /api/v1/auth/mfa/enroll, then /confirm)";

/**
 * Enforces the MFA policy for signed-in users on every route, after the auth guard has set the
 * principal (hooks run in the order they are added: install this right after installAuthGuard).
 * Checked per request against the store, so a policy change or an admin's reset takes effect at once
 * on live sessions too. API keys are not users and are not affected.
 */
export function installMfaGate(app: FastifyInstance, mfa: Pick<MfaService, "enrolmentRequired">): void {
  app.addHook("onRequest", async (request) => {
    const principal = request.principal;
    if (principal?.kind !== "user") return;
    if (OPEN_BEFORE_ENROLMENT.has(`${request.method} ${request.routeOptions.url}`)) return;
    if (await mfa.enrolmentRequired(principal.userId, principal.role)) {
      throw new HttpProblem(403, ENROLMENT_REQUIRED);
    }
  });
}
