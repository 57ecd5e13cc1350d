import type {} from "fastify";

/**
 * Who may call a route. Every route declares `config.access`; the app refuses to start if one does not
 * (secure by default). Roles are ordered: admin ⊃ analyst ⊃ audit.
 */
export const ROLES = ["admin", "analyst", "audit"] as const;
export type Role = (typeof ROLES)[number];

export const API_KEY_SCOPES = ["ingest", "metrics", "read", "blocklist"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export type Access =
  /** No credentials needed (login, health). */
  | "public"
  /** A signed-in user with at least this role. */
  | { role: Role }
  /** An API key with this scope; if `role` is given, a user with that role is accepted too. */
  | { scope: ApiKeyScope; role?: Role };

export type Principal =
  | { kind: "user"; userId: string; username: string; role: Role; sessionId: string }
  | { kind: "apikey"; keyId: string; name: string; scopes: ApiKeyScope[]; site: string | null };

const RANK: Record<Role, number> = { audit: 0, analyst: 1, admin: 2 };

export function roleAtLeast(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * Write an audit-log row for this route's POST/PUT/PATCH/DELETE requests (default true).
     * Only high-volume machine endpoints (event ingestion) should set `false`.
     */
    audit?: boolean;
    /**
     * What of the request body the audit row keeps, for bodies whose secrets the name-based redaction
     * cannot see (a Slack channel's `url` is its token); the result is still redacted by name.
     */
    auditBody?: (body: unknown) => unknown;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}
