import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { principalOf } from "../http/guard.js";
import { HttpProblem, problemResponses } from "../http/problem.js";
import { LoginBody, LoginReply, MeSchema, PasswordBody } from "./auth-schemas.js";
import type { AuthService } from "./auth-service.js";
import { createLoginThrottle, type LoginThrottle, signInRateLimit } from "./login-throttle.js";
import { finishLogin } from "./mfa-login.js";
import { MfaChallengeReply } from "./mfa-schemas.js";
import type { MfaService } from "./mfa-service.js";
import type { UserRow } from "./users-repo.js";

export interface LoginRateLimit {
  /** Attempts allowed per IP + username within the window (default 10). */
  max: number;
  /** Window length in ms (default one minute). */
  timeWindowMs: number;
  /** Failed attempts allowed per IP across usernames within the window (default 3 × max). */
  perIpMax?: number;
  /** Failed attempts allowed per username across IPs within the window (default 3 × max). */
  perUserMax?: number;
}

/** The failed-sign-in counts per IP and per username; shared by the password and MFA code steps. */
export function createLoginThrottleFor(limit: LoginRateLimit): LoginThrottle {
  return createLoginThrottle({
    perIpMax: limit.perIpMax ?? 3 * limit.max,
    perUserMax: limit.perUserMax ?? 3 * limit.max,
    timeWindowMs: limit.timeWindowMs,
  });
}

/** POST /auth/login, /auth/logout, /auth/password and GET /auth/me. */
export function authRoutes(deps: {
  auth: AuthService;
  mfa: MfaService;
  loginRateLimit: LoginRateLimit;
  throttle?: LoginThrottle;
}): FastifyPluginAsyncTypebox {
  const { auth, mfa } = deps;
  const throttle = deps.throttle ?? createLoginThrottleFor(deps.loginRateLimit);
  return async (app) => {
    app.post(
      "/api/v1/auth/login",
      {
        config: {
          access: "public",
          // Counted per address and username being tried.
          rateLimit: signInRateLimit(deps.loginRateLimit, "login", (b) =>
            typeof b.username === "string" ? b.username.toLowerCase() : "",
          ),
        },
        schema: {
          tags: ["auth"],
          summary: "Sign in; returns a session token, or an mfa_token for the code step when MFA is on",
          body: LoginBody,
          response: {
            200: Type.Union([LoginReply, MfaChallengeReply]),
            ...problemResponses(400, 401, 403, 429),
          },
        },
      },
      async (request) => {
        const ip = request.ip ?? "";
        const verdict = throttle.check(ip, request.body.username);
        if (verdict.reason) {
          throw new HttpProblem(429, verdict.reason, { "retry-after": String(verdict.retryAfterS) });
        }
        let user: UserRow;
        try {
          user = await auth.checkPassword(request.body.username, request.body.password);
        } catch (err) {
          if (err instanceof HttpProblem && err.status === 401) throttle.failed(ip, request.body.username);
          throw err;
        }
        // With MFA on, the password earns only a short-lived token for the code step (mfa-routes.ts).
        if (await mfa.isEnabled(user.id)) {
          return { mfa_required: true as const, mfa_token: await mfa.startChallenge(user.id) };
        }
        return finishLogin({ auth, mfa }, user, request);
      },
    );

    app.post(
      "/api/v1/auth/logout",
      {
        config: { access: { role: "audit" } },
        schema: { tags: ["auth"], summary: "Revoke the current session", response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        await auth.logout(principalOf(request));
        return reply.code(204).send(null);
      },
    );

    app.get(
      "/api/v1/auth/me",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: ["auth"],
          summary: "The signed-in user",
          response: { 200: MeSchema, ...problemResponses(401) },
        },
      },
      async (request) => {
        const me = await auth.me(principalOf(request));
        return { ...me, ...(await mfa.status(me.id, me.role)) };
      },
    );

    app.post(
      "/api/v1/auth/password",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: ["auth"],
          summary: "Change one's own password; other sessions are signed out",
          body: PasswordBody,
          response: { 204: Type.Null(), ...problemResponses(400, 401) },
        },
      },
      async (request, reply) => {
        await auth.changePassword(
          principalOf(request),
          request.body.current_password,
          request.body.new_password,
        );
        return reply.code(204).send(null);
      },
    );
  };
}
