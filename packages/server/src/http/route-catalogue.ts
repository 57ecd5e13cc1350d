import type { FastifyInstance, RouteOptions } from "fastify";
import type { Access } from "./access.js";

/**
 * Every route the app registered, with the access it declared: collected by the `onRoute` hook in
 * app.ts so the security audit (route-audit.ts) can walk whatever routes the full app has.
 */
export interface RouteRecord {
  method: string;
  url: string;
  access: Access | undefined;
  websocket: boolean;
}

/** Routes under this prefix are the OpenAPI UI and document, registered by @fastify/swagger-ui. */
export const DOCS_PREFIX = "/api/docs";

const catalogues = new WeakMap<object, RouteRecord[]>();

export function routeCatalogue(app: FastifyInstance): readonly RouteRecord[] {
  return catalogues.get(app) ?? [];
}

/**
 * Install the collector and the secure-by-default check. A route without `config.access` makes
 * `app.ready()` fail with an error naming it, so a forgotten guard cannot ship.
 */
export function installRouteCatalogue(app: FastifyInstance): void {
  const records: RouteRecord[] = [];
  const options: RouteOptions[] = [];
  catalogues.set(app, records);
  app.addHook("onRoute", (route) => {
    // The docs plugin's routes cannot carry our config: they are public by construction.
    if (route.url.startsWith(DOCS_PREFIX) && route.config?.access === undefined) {
      route.config = { ...route.config, access: "public" };
    }
    options.push(route);
  });
  app.addHook("onReady", async () => {
    records.length = 0;
    const unguarded: string[] = [];
    for (const route of options) {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const access = route.config?.access;
      for (const method of methods) {
        if (access === undefined) unguarded.push(`${method} ${route.url}`);
        records.push({
          method,
          url: route.url,
          access,
          websocket: (route as { websocket?: unknown }).websocket === true,
        });
      }
    }
    // Fastify adds a HEAD twin to every GET: name the GET only.
    const named = unguarded.filter(
      (r) => !(r.startsWith("HEAD ") && unguarded.includes(`GET ${r.slice(5)}`)),
    );
    if (named.length > 0) {
      throw new Error(
        `route ${named.join(", ")} has no config.access: every route must declare who may call it ` +
          `("public", { role }, or { scope, role? }; see http/access.ts)`,
      );
    }
  });
}
