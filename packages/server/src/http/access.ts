import type {} from "fastify";

/**
 * Who may call a route. Every route declares `config.access`; the app refuses to start if one does not
 * (secure by default). Roles are ordered: admin ⊃ supervisor ⊃ analyst ⊃ audit. A supervisor is an
 * analyst who also manages alert rules, channels and scenarios for their scope (the SOC-30 seed's role).
 *
 * Roles apply within a scope: a user of one client (tenant) sees that client's sites only; a user
 * with no client is operator staff and sees every client. Routes that configure the whole platform
 * (enforcement targets, feeds, scenarios, listeners) say `staff: true`, and client users get 403.
 */
export const ROLES = ["admin", "supervisor", "analyst", "audit"] as const;
export type Role = (typeof ROLES)[number];

export const API_KEY_SCOPES = ["ingest", "metrics", "read", "blocklist"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export type Access =
  /** No credentials needed (login, health). */
  | "public"
  /** A signed-in user with at least this role (operator staff only when `staff`). */
  | { role: Role; staff?: boolean }
  /** An API key with this scope; if `role` is given, a user with that role is accepted too. */
  | { scope: ApiKeyScope; role?: Role; staff?: boolean };

export type Principal =
  | {
      kind: "user";
      userId: string;
      username: string;
      role: Role;
      /** The client (tenant) the user belongs to; null for operator staff. */
      client: string | null;
      sessionId: string;
    }
  | {
      kind: "apikey";
      keyId: string;
      name: string;
      scopes: ApiKeyScope[];
      /** A key bound to one site sees that site only. */
      site: string | null;
      /** A key bound to a client sees that client's sites; null with no site: an operator key. */
      client: string | null;
    };

/**
 * The sites a request may see and touch, set by the guard on every authenticated request: `all` for
 * operator staff and operator keys, else the client's sites (or the key's one site). Every feature
 * reads and writes site data through this (see tenancy/scope.ts), so a route cannot forget it.
 */
export type SiteScope = { kind: "all" } | { kind: "sites"; client: string | null; sites: readonly string[] };

const RANK: Record<Role, number> = { audit: 0, analyst: 1, supervisor: 2, admin: 3 };

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
  interface FastifyInstance {
    /** Which client owns which site (tenancy/site-directory.ts), shared by the guard and the tenancy routes. */
    siteDirectory: import("../tenancy/site-directory.js").SiteDirectory;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** Set by the guard on authenticated routes; see SiteScope. */
    siteScope: SiteScope | null;
  }
}
