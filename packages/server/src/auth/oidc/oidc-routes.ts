import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { HttpProblem, problemResponses } from "../../http/problem.js";
import type { AuditService } from "../audit-service.js";
import { CALLBACK_PATH, OidcRefusal, type OidcService } from "./oidc-service.js";

/** The browser's handle on its login under way; the state, nonce and verifier stay in the store. */
const COOKIE = "vigil_oidc";
const COOKIE_PATH = "/api/v1/auth/oidc";

function cookieOf(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * Lax, so the browser sends it on the provider's top-level redirect back; Secure over HTTPS (on a TLS
 * listener, or behind a trusted proxy that says so), so it never travels in clear.
 */
function setCookie(request: FastifyRequest, value: string, maxAgeS: number): string {
  const secure = request.protocol === "https" ? "; Secure" : "";
  return `${COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAgeS}; HttpOnly; SameSite=Lax${secure}`;
}

const OidcInfo = Type.Object(
  {
    enabled: Type.Boolean({ description: "Single sign-on is configured (VIGIL_OIDC_ISSUER)" }),
    name: Type.String({ description: "The provider's name for the login button (VIGIL_OIDC_NAME)" }),
  },
  { title: "OidcInfo" },
);

const Redirect = Type.Null({ description: "A redirect; see the Location header" });

const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 4096 })),
  state: Type.Optional(Type.String({ maxLength: 1024 })),
  iss: Type.Optional(Type.String({ maxLength: 1024 })),
  session_state: Type.Optional(Type.String({ maxLength: 1024 })),
  error: Type.Optional(Type.String({ maxLength: 1024 })),
  error_description: Type.Optional(Type.String({ maxLength: 4096 })),
});

/** Public by design (they run before anyone is signed in): the route audit's allow-list includes them. */
export const OIDC_PUBLIC_ROUTES = ["/api/v1/auth/oidc", "/api/v1/auth/oidc/login", CALLBACK_PATH].flatMap(
  (url) => [`GET ${url}`, `HEAD ${url}`],
);

/** GET /auth/oidc (for the login page), /auth/oidc/login and /auth/oidc/callback. */
export function oidcRoutes(deps: {
  oidc: OidcService | null;
  name: string;
  audit: AuditService;
}): FastifyPluginAsyncTypebox {
  const { oidc, audit } = deps;
  const enabled = (): OidcService => {
    if (!oidc) throw new HttpProblem(404, "Single sign-on is not configured (VIGIL_OIDC_ISSUER)");
    return oidc;
  };
  return async (app) => {
    app.get(
      "/api/v1/auth/oidc",
      {
        config: { access: "public" },
        schema: {
          tags: ["auth"],
          summary: "Whether single sign-on is offered, for the login page",
          response: { 200: OidcInfo },
        },
      },
      async () => ({ enabled: oidc !== null, name: deps.name }),
    );

    app.get(
      "/api/v1/auth/oidc/login",
      {
        // Each call stores a pending login (kept ten minutes): an anonymous caller may not flood the store.
        config: { access: "public", rateLimit: { max: 20, timeWindow: 60_000 } },
        schema: {
          tags: ["auth"],
          summary: "Start single sign-on: redirects to the provider (PKCE, state and nonce)",
          response: { 302: Redirect, ...problemResponses(404, 429, 502) },
        },
      },
      async (request, reply) => {
        const { loginId, url } = await enabled().begin();
        return reply
          .header("set-cookie", setCookie(request, loginId, 600))
          .header("cache-control", "no-store")
          .redirect(url.href, 302);
      },
    );

    app.get(
      CALLBACK_PATH,
      {
        config: { access: "public" },
        schema: {
          tags: ["auth"],
          summary:
            "The provider's redirect back: checks state and nonce, signs the user in and redirects to " +
            "/login#sso_token=… (a fragment, so the token never reaches a server log), or to " +
            "/login#sso_mfa=… (the token for POST /auth/mfa/verify) when the user has MFA on",
          querystring: CallbackQuery,
          response: { 302: Redirect, ...problemResponses(400, 403, 404, 409, 502) },
        },
      },
      async (request, reply) => {
        const service = enabled();
        const query = new URL(request.url, "http://vigil").searchParams;
        const meta = { ip: request.ip ?? null, userAgent: request.headers["user-agent"] ?? null };
        // The login is used once, whatever the outcome: the browser's cookie goes too.
        reply.header("set-cookie", setCookie(request, "", 0)).header("cache-control", "no-store");
        try {
          const outcome = await service.finish(cookieOf(request), query, meta);
          if (outcome.kind === "mfa") {
            // The login page asks for the code (POST /auth/mfa/verify), as after a right password.
            await record(request, outcome.username, "anonymous", 302, {
              via: "single sign-on",
              mfa_required: true,
            });
            return reply.redirect(`/login#sso_mfa=${encodeURIComponent(outcome.mfaToken)}`, 302);
          }
          const { result } = outcome;
          request.principal = result.principal;
          await record(request, result.user.username, "user", 302, { via: "single sign-on" });
          return reply.redirect(`/login#sso_token=${encodeURIComponent(result.token)}`, 302);
        } catch (err) {
          if (!(err instanceof HttpProblem)) throw err;
          // GET requests are not audited by the hook: a refused sign-in must still leave a trace.
          request.log.warn({ status: err.status, reason: err.detail }, "single sign-on refused");
          const actor = err instanceof OidcRefusal ? err.actor : null;
          await record(request, actor ?? "anonymous", "anonymous", err.status, { error: err.detail });
          throw err;
        }
      },
    );

    async function record(
      request: FastifyRequest,
      actor: string,
      actorKind: "user" | "anonymous",
      statusCode: number,
      detail: Record<string, unknown>,
    ): Promise<void> {
      try {
        await audit.record({
          actor,
          actorKind,
          action: `GET ${CALLBACK_PATH}`,
          target: actor === "anonymous" ? null : actor,
          statusCode,
          detail,
          ip: request.ip ?? null,
        });
      } catch (err) {
        request.log.error({ err }, "audit log write failed");
      }
    }
  };
}
