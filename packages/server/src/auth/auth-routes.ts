import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { principalOf } from "../http/guard.js";
import { HttpProblem, problemResponses } from "../http/problem.js";
import { LoginBody, LoginReply, MeSchema, PasswordBody } from "./auth-schemas.js";
import type { AuthService } from "./auth-service.js";
import { createLoginThrottle } from "./login-throttle.js";

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

/** POST /auth/login, /auth/logout, /auth/password and GET /auth/me. */
export function authRoutes(deps: {
  auth: AuthService;
  loginRateLimit: LoginRateLimit;
}): FastifyPluginAsyncTypebox {
  const { auth } = deps;
  const limit = deps.loginRateLimit;
  const throttle = createLoginThrottle({
    perIpMax: limit.perIpMax ?? 3 * limit.max,
    perUserMax: limit.perUserMax ?? 3 * limit.max,
    timeWindowMs: limit.timeWindowMs,
  });
  return async (app) => {
    app.post(
      "/api/v1/auth/login",
      {
        config: {
          access: "public",
          rateLimit: {
            max: deps.loginRateLimit.max,
            timeWindow: deps.loginRateLimit.timeWindowMs,
            // Counted after the body is parsed, so the key can include the username being tried.
            hook: "preHandler",
            keyGenerator: (request) => {
              const body = request.body as { username?: unknown } | undefined;
              const username = typeof body?.username === "string" ? body.username.toLowerCase() : "";
              return `login|${request.ip}|${username}`;
            },
          },
        },
        schema: {
          tags: ["auth"],
          summary: "Sign in; returns a session token",
          body: LoginBody,
          response: { 200: LoginReply, ...problemResponses(400, 401, 429) },
        },
      },
      async (request) => {
        const ip = request.ip ?? "";
        const verdict = throttle.check(ip, request.body.username);
        if (verdict.reason) {
          throw new HttpProblem(429, verdict.reason, { "retry-after": String(verdict.retryAfterS) });
        }
        let result: Awaited<ReturnType<AuthService["login"]>>;
        try {
          result = await auth.login(request.body.username, request.body.password, {
            ip: request.ip ?? null,
            userAgent: request.headers["user-agent"] ?? null,
          });
        } catch (err) {
          if (err instanceof HttpProblem && err.status === 401) throttle.failed(ip, request.body.username);
          throw err;
        }
        // So the audit row names the user who signed in.
        request.principal = result.principal;
        return { token: result.token, expires_at: result.expiresAt.toISOString(), user: result.user };
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
      async (request) => auth.me(principalOf(request)),
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
