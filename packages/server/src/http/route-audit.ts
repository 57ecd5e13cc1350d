import type { FastifyInstance } from "fastify";
import { OIDC_PUBLIC_ROUTES } from "../auth/oidc/oidc-routes.js";
import { type Access, API_KEY_SCOPES, type ApiKeyScope } from "./access.js";
import { DOCS_PREFIX, type RouteRecord, routeCatalogue } from "./route-catalogue.js";

/**
 * A security audit of the whole app, for tests: walks every route the app registered (whatever
 * features main.ts composed) and checks the guard really refuses those who may not call it.
 *
 * - every non-public route: 401 without a token and with a bogus one;
 * - `{ role }` above audit: 403 for the `audit` user; any role route: 403 for an API key;
 * - `{ scope }`: 403 for an API key with another scope, and for the `audit` user unless the route
 *   admits users of that role.
 * - public routes must be on the allow-list (login, health, the docs): a route made public by
 *   mistake fails the audit.
 *
 * Requests carry no body: the guard answers before validation, so no handler ever runs.
 */
export interface RouteAuditTokens {
  /** Session token of a user with the `audit` role (the least privileged user). */
  audit: string;
  /** One API key per scope, each with that single scope. */
  apiKeys: Partial<Record<ApiKeyScope, string>>;
}

export interface RouteAuditOptions {
  /** "METHOD /url" of routes allowed to be public, in addition to the defaults. */
  allowPublic?: string[];
}

export const DEFAULT_PUBLIC_ROUTES = [
  "GET /health",
  "HEAD /health",
  "POST /api/v1/auth/login",
  // The second sign-in step: its mfa_token is the credential (auth/mfa-routes.ts).
  "POST /api/v1/auth/mfa/verify",
  ...OIDC_PUBLIC_ROUTES,
];

export interface RouteAuditReport {
  checked: RouteRecord[];
  publicRoutes: RouteRecord[];
  requests: number;
}

function concreteUrl(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+/g, "00000000-0000-7000-8000-000000000000").replace(/\*$/, "x");
}

export async function assertEveryRouteGuarded(
  app: FastifyInstance,
  tokens: RouteAuditTokens,
  options: RouteAuditOptions = {},
): Promise<RouteAuditReport> {
  const allowed = new Set([...DEFAULT_PUBLIC_ROUTES, ...(options.allowPublic ?? [])]);
  const routes = routeCatalogue(app);
  if (routes.length === 0)
    throw new Error("no routes recorded: was the app built with buildHttpApp and ready()?");
  const failures: string[] = [];
  const report: RouteAuditReport = { checked: [], publicRoutes: [], requests: 0 };

  async function expectStatus(route: RouteRecord, who: string, token: string | null, want: number) {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const res = await app.inject({ method: route.method as "GET", url: concreteUrl(route.url), headers });
    report.requests++;
    if (res.statusCode !== want) {
      failures.push(`${route.method} ${route.url} as ${who}: expected ${want}, got ${res.statusCode}`);
    }
  }

  for (const route of routes) {
    const access: Access | undefined = route.access;
    if (access === undefined) {
      failures.push(`${route.method} ${route.url}: no config.access`);
      continue;
    }
    if (access === "public") {
      report.publicRoutes.push(route);
      const name = `${route.method} ${route.url}`;
      if (!allowed.has(name) && !route.url.startsWith(DOCS_PREFIX)) {
        failures.push(`${name}: public, but not on the allow-list of public routes`);
      }
      continue;
    }
    report.checked.push(route);
    await expectStatus(route, "anonymous", null, 401);
    await expectStatus(route, "a bogus token", "not-a-real-token", 401);
    await expectStatus(route, "a bogus API key", "vk_not-a-real-key", 401);

    if ("scope" in access) {
      const other = API_KEY_SCOPES.find((s) => s !== access.scope && tokens.apiKeys[s]);
      const otherKey = other ? tokens.apiKeys[other] : undefined;
      if (other && otherKey) await expectStatus(route, `an API key with scope ${other}`, otherKey, 403);
      if (access.role !== "audit") await expectStatus(route, "the audit user", tokens.audit, 403);
    } else {
      if (access.role !== "audit") await expectStatus(route, "the audit user", tokens.audit, 403);
      const anyKey = API_KEY_SCOPES.map((s) => tokens.apiKeys[s]).find((k) => k !== undefined);
      if (anyKey) await expectStatus(route, "an API key", anyKey, 403);
    }
  }

  if (failures.length > 0) {
    throw new Error(`route audit: ${failures.length} problem(s)\n  ${failures.join("\n  ")}`);
  }
  return report;
}
