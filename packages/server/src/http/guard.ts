import type { FastifyInstance, FastifyRequest } from "fastify";
import { type Access, type Principal, roleAtLeast, type SiteScope } from "./access.js";
import { HttpProblem } from "./problem.js";

/** Resolves a bearer token (session token or `vk_` API key) to who is calling, or null. */
export type Authenticate = (token: string, request: FastifyRequest) => Promise<Principal | null>;

/** The sites a principal may see (tenancy/site-directory.ts). */
export type ScopeFor = (principal: Principal) => SiteScope | Promise<SiteScope>;

/** Operator staff and operator keys: every client. */
export const ALL_SITES: SiteScope = { kind: "all" };

const UNAUTHORIZED_HEADERS = { "www-authenticate": 'Bearer realm="vigil"' };

/**
 * The token: `Authorization: Bearer …`, or `?token=` on a WebSocket upgrade only (browsers cannot set
 * headers on a WebSocket; everywhere else a token in the URL would end up in logs and histories).
 */
function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? null;
  }
  if (request.headers.upgrade?.toLowerCase() === "websocket") {
    const query = request.query as Record<string, unknown> | undefined;
    const token = query?.token;
    return typeof token === "string" && token.length > 0 ? token : null;
  }
  return null;
}

/** Why `principal` may not call a route with `access`, or null when it may. */
export function denialReason(access: Exclude<Access, "public">, principal: Principal): string | null {
  if ("scope" in access) {
    if (principal.kind === "apikey") {
      return principal.scopes.includes(access.scope)
        ? null
        : `this API key lacks the "${access.scope}" scope this endpoint needs`;
    }
    if (access.role && roleAtLeast(principal.role, access.role)) return null;
    return access.role
      ? `this endpoint needs the "${access.role}" role or an API key with the "${access.scope}" scope`
      : `this endpoint is for API keys with the "${access.scope}" scope`;
  }
  if (principal.kind === "apikey")
    return `this endpoint needs a signed-in user with the "${access.role}" role`;
  return roleAtLeast(principal.role, access.role) ? null : `this endpoint needs the "${access.role}" role`;
}

/**
 * The auth guard: runs first on every request, reads the route's `config.access`, authenticates the
 * token and sets `request.principal`. Unknown routes fall through to the 404 handler.
 */
export function installAuthGuard(
  app: FastifyInstance,
  authenticate: Authenticate,
  scopeFor: ScopeFor = () => ALL_SITES,
): void {
  app.decorateRequest("principal", null);
  app.decorateRequest("siteScope", null);
  app.addHook("onRequest", async (request) => {
    const access = request.routeOptions.config?.access;
    if (request.is404 || access === undefined || access === "public") return;
    const token = tokenOf(request);
    if (!token) {
      throw new HttpProblem(
        401,
        "Authentication required: send Authorization: Bearer <token>",
        UNAUTHORIZED_HEADERS,
      );
    }
    const principal = await authenticate(token, request);
    if (!principal) {
      throw new HttpProblem(
        401,
        "The token is invalid, expired or revoked; sign in again",
        UNAUTHORIZED_HEADERS,
      );
    }
    request.principal = principal;
    const reason = denialReason(access, principal);
    if (reason) throw new HttpProblem(403, `Forbidden: ${reason}`);
    request.siteScope = await scopeFor(principal);
    if (access.staff && request.siteScope.kind !== "all") {
      throw new HttpProblem(
        403,
        "Forbidden: this endpoint configures the whole platform, for operator staff",
      );
    }
  });
}

/** The caller's sites (the guard has set them on every authenticated route). */
export function siteScopeOf(request: FastifyRequest): SiteScope {
  if (!request.siteScope) throw new HttpProblem(401, "Authentication required");
  return request.siteScope;
}

/** The caller of a guarded route (the guard has set it; null only on public routes). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpProblem(401, "Authentication required");
  return request.principal;
}

/** Whether the caller is a signed-in admin: the one role that sees credentials written inside URLs. */
export function isAdminUser(request: FastifyRequest): boolean {
  const p = request.principal;
  return p?.kind === "user" && p.role === "admin";
}
