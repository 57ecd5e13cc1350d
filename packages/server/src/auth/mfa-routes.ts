import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { principalOf, siteScopeOf } from "../http/guard.js";
import { HttpProblem, problemResponses } from "../http/problem.js";
import type { LoginRateLimit } from "./auth-routes.js";
import { IdParams, LoginReply } from "./auth-schemas.js";
import type { AuthService } from "./auth-service.js";
import { type LoginThrottle, signInRateLimit } from "./login-throttle.js";
import { finishLogin } from "./mfa-login.js";
import {
  MfaConfirmBody,
  MfaConfirmReply,
  MfaDisableBody,
  MfaEnrollReply,
  MfaPolicy,
  MfaVerifyBody,
} from "./mfa-schemas.js";
import type { MfaService } from "./mfa-service.js";
import { sha256Hex } from "./secrets.js";
import type { UsersService } from "./users-service.js";

/** Codes and passwords never reach the audit log (a recovery code is a credential). */
const withoutCodes = (body: unknown) => {
  if (body === null || typeof body !== "object") return body;
  const { code: _code, password: _password, ...rest } = body as Record<string, unknown>;
  return rest;
};

/**
 * TOTP MFA: enrolment and turning it off (own account), the code step of sign-in, the per-role
 * policy and an admin's reset. The code step shares the password step's throttle and rate limit.
 */
export function mfaRoutes(deps: {
  auth: AuthService;
  mfa: MfaService;
  loginRateLimit: LoginRateLimit;
  throttle: LoginThrottle;
  users: UsersService;
}): FastifyPluginAsyncTypebox {
  const { auth, mfa, throttle } = deps;
  const own = { access: { role: "audit" }, auditBody: withoutCodes } as const;
  const admin = { access: { role: "admin" } } as const;
  return async (app) => {
    app.post(
      "/api/v1/auth/mfa/enroll",
      {
        config: own,
        schema: {
          tags: ["auth"],
          summary: "Start MFA enrolment: a new TOTP secret for the authenticator app (off until confirmed)",
          response: { 200: MfaEnrollReply, ...problemResponses(401, 403, 409) },
        },
      },
      async (request) => mfa.enroll(principalOf(request)),
    );

    app.post(
      "/api/v1/auth/mfa/confirm",
      {
        config: own,
        schema: {
          tags: ["auth"],
          summary: "Confirm enrolment with a code from the app: MFA is on; returns ten recovery codes once",
          body: MfaConfirmBody,
          response: { 200: MfaConfirmReply, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request) => mfa.confirm(principalOf(request), request.body.code),
    );

    app.delete(
      "/api/v1/auth/mfa",
      {
        config: own,
        schema: {
          tags: ["auth"],
          summary: "Turn one's own MFA off (needs the password and a code or a recovery code)",
          body: MfaDisableBody,
          response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        await mfa.disable(principalOf(request), request.body.password, request.body.code);
        return reply.code(204).send(null);
      },
    );

    app.post(
      "/api/v1/auth/mfa/verify",
      {
        config: {
          access: "public",
          auditBody: withoutCodes,
          // Per address and challenge, like the password step's per address and username.
          rateLimit: signInRateLimit(deps.loginRateLimit, "mfa", (b) =>
            typeof b.mfa_token === "string" ? sha256Hex(b.mfa_token).slice(0, 16) : "",
          ),
        },
        schema: {
          tags: ["auth"],
          summary: "Sign-in, second step: the mfa_token from /auth/login and a code; returns a session token",
          body: MfaVerifyBody,
          response: { 200: LoginReply, ...problemResponses(400, 401, 429) },
        },
      },
      async (request) => {
        const ip = request.ip ?? "";
        const challenge = await mfa.challenge(request.body.mfa_token);
        if (!challenge) {
          // An unknown or spent token counts against the address, like a wrong password would.
          throttle.failed(ip, "");
          throw new HttpProblem(401, "The sign-in has expired or was already used; sign in again");
        }
        const verdict = throttle.check(ip, challenge.username);
        if (verdict.reason) {
          throw new HttpProblem(429, verdict.reason, { "retry-after": String(verdict.retryAfterS) });
        }
        let user: Awaited<ReturnType<MfaService["answer"]>>;
        try {
          user = await mfa.answer(challenge, request.body.code);
        } catch (err) {
          if (err instanceof HttpProblem && err.status === 401) throttle.failed(ip, challenge.username);
          throw err;
        }
        return finishLogin({ auth, mfa }, user, request);
      },
    );

    app.get(
      "/api/v1/auth/mfa/policy",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: ["auth"],
          summary: "Which roles must use MFA",
          response: { 200: MfaPolicy, ...problemResponses(401, 403) },
        },
      },
      async () => ({ required_roles: await mfa.requiredRoles() }),
    );

    app.put(
      "/api/v1/auth/mfa/policy",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: ["auth"],
          summary: "Set which roles must use MFA (their users can only enrol until they have)",
          body: MfaPolicy,
          response: { 200: MfaPolicy, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => ({ required_roles: await mfa.setRequiredRoles(request.body.required_roles) }),
    );

    app.post(
      "/api/v1/users/:id/mfa/reset",
      {
        config: admin,
        schema: {
          tags: ["users"],
          summary: "Clear a user's MFA (lost device): they sign in with the password and enrol again",
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        await deps.users.assertManages(request.params.id, siteScopeOf(request));
        await mfa.reset(request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
