import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import type { Kysely } from "kysely";
import { createEventRepository, type SiteSummary } from "../events/event-repository.js";
import { READ_EVENTS } from "../events/route-support.js";
import { siteScopeOf } from "../http/guard.js";
import { HttpProblem, problemResponses } from "../http/problem.js";
import type { EventStore } from "../storage/event-store.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { assertSite, visibleSites } from "./scope.js";
import type { SiteDirectory } from "./site-directory.js";
import { siteHealth } from "./site-health.js";
import type { SiteRow, TenancyRepo } from "./tenancy-repo.js";
import {
  ClientList,
  ClientParams,
  ClientSchema,
  CreateClientBody,
  CreateSiteBody,
  SiteHealthSchema,
  SiteList,
  SiteParams,
  SiteSchema,
  UpdateClientBody,
  UpdateSiteBody,
} from "./tenancy-schemas.js";

export interface TenancyRoutesDeps {
  repo: TenancyRepo;
  eventStore: EventStore;
  db: Kysely<StateDatabase>;
  silentAfterMs: number;
  now?: () => number;
}

const STAFF_ADMIN = { access: { role: "admin", staff: true } } as const;

function siteView(row: SiteRow, events: SiteSummary | undefined) {
  return {
    name: row.name,
    site: row.name,
    client: row.client,
    description: row.description,
    created_at: row.created_at.toISOString(),
    event_count: events?.event_count ?? 0,
    first_event: events?.first_event ?? null,
    last_event: events?.last_event ?? null,
    source_count: Number(row.source_count),
  };
}

function clientView(row: Awaited<ReturnType<TenancyRepo["listClients"]>>[number]) {
  return {
    name: row.name,
    description: row.description,
    site_count: Number(row.site_count),
    user_count: Number(row.user_count),
    created_at: row.created_at.toISOString(),
  };
}

/** /api/v1/clients (operator admins) and /api/v1/sites (read within one's scope; written by operator admins). */
export function tenancyRoutes(deps: TenancyRoutesDeps): FastifyPluginAsyncTypebox {
  const { repo } = deps;
  const events = createEventRepository(deps.eventStore);
  const now = deps.now ?? Date.now;

  async function oneSite(row: SiteRow) {
    const [view] = await sitesWithEvents([row]);
    if (!view) throw new HttpProblem(404, `No site named ${row.name}`);
    return view;
  }

  async function sitesWithEvents(rows: SiteRow[]) {
    const counts = rows.length === 0 ? [] : await events.sites(rows.map((r) => r.name));
    const bySite = new Map(counts.map((c) => [c.site, c]));
    return rows.map((r) => siteView(r, bySite.get(r.name)));
  }

  async function mustGetSite(name: string): Promise<SiteRow> {
    const row = await repo.getSite(name);
    if (!row) throw new HttpProblem(404, `No site named ${name}`);
    return row;
  }

  return async (app) => {
    // The guard's own directory (http/app.ts): a change here scopes the very next request.
    const directory: SiteDirectory = app.siteDirectory;
    app.get(
      "/api/v1/clients",
      {
        config: STAFF_ADMIN,
        schema: {
          tags: ["tenancy"],
          summary: "Clients (tenants) with their site and user counts",
          response: { 200: ClientList, ...problemResponses(401, 403) },
        },
      },
      async () => ({ items: (await repo.listClients()).map(clientView) }),
    );

    app.post(
      "/api/v1/clients",
      {
        config: STAFF_ADMIN,
        schema: {
          tags: ["tenancy"],
          summary: "Create a client",
          body: CreateClientBody,
          response: { 201: ClientSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        await repo.createClient(request.body);
        const row = await repo.getClient(request.body.name);
        if (!row) throw new HttpProblem(404, `No client named ${request.body.name}`);
        return reply.code(201).send(clientView(row));
      },
    );

    app.put(
      "/api/v1/clients/:name",
      {
        config: STAFF_ADMIN,
        schema: {
          tags: ["tenancy"],
          summary: "Rename a client or change its description (its sites, users and keys follow)",
          params: ClientParams,
          body: UpdateClientBody,
          response: { 200: ClientSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const name = await repo.updateClient(request.params.name, request.body);
        await directory.refresh();
        const row = await repo.getClient(name);
        if (!row) throw new HttpProblem(404, `No client named ${name}`);
        return clientView(row);
      },
    );

    app.delete(
      "/api/v1/clients/:name",
      {
        config: STAFF_ADMIN,
        schema: {
          tags: ["tenancy"],
          summary: "Delete a client that holds nothing (no sites, users, keys, rules or channels)",
          params: ClientParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const { name } = request.params;
        if (!(await repo.clientExists(name))) throw new HttpProblem(404, `No client named ${name}`);
        const held = (await repo.clientHolders(name)).filter(([, n]) => n > 0);
        if (held.length > 0) {
          throw new HttpProblem(
            409,
            `Client ${name} still has ${held.map(([what, n]) => `${n} ${what}`).join(", ")}; move or delete them first`,
          );
        }
        await repo.deleteClient(name);
        return reply.code(204).send(null);
      },
    );

    app.get(
      "/api/v1/sites",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: ["tenancy"],
          summary: "Sites you may see, with client, event count, first and latest event and sources",
          response: { 200: SiteList, ...problemResponses(401, 403) },
        },
      },
      async (request) => ({
        items: await sitesWithEvents(await repo.listSites(visibleSites(siteScopeOf(request)))),
      }),
    );

    app.post(
      "/api/v1/sites",
      {
        config: STAFF_ADMIN,
        schema: {
          tags: ["tenancy"],
          summary: "Create a site for a client",
          body: CreateSiteBody,
          response: { 201: SiteSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        await repo.createSite(request.body);
        await directory.refresh();
        return reply.code(201).send(await oneSite(await mustGetSite(request.body.name)));
      },
    );

    app.get(
      "/api/v1/sites/:name",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: ["tenancy"],
          summary:
            "One site with its health: events/s, last event, silence, open alerts, bans, top attackers",
          params: SiteParams,
          response: { 200: SiteHealthSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => {
        assertSite(siteScopeOf(request), request.params.name);
        const row = await mustGetSite(request.params.name);
        const view = await oneSite(row);
        const health = await siteHealth(deps.db, deps.eventStore, row.name, {
          now: now(),
          silentAfterMs: deps.silentAfterMs,
        });
        return { site: view, health };
      },
    );

    app.put(
      "/api/v1/sites/:name",
      {
        config: STAFF_ADMIN,
        schema: {
          tags: ["tenancy"],
          summary: "Rename a site, move it to another client or change its description",
          params: SiteParams,
          body: UpdateSiteBody,
          response: { 200: SiteSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const name = await repo.updateSite(request.params.name, request.body);
        await directory.refresh();
        return oneSite(await mustGetSite(name));
      },
    );

    app.delete(
      "/api/v1/sites/:name",
      {
        config: STAFF_ADMIN,
        schema: {
          tags: ["tenancy"],
          summary: "Delete a site that has no sources and no stored events",
          params: SiteParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const row = await mustGetSite(request.params.name);
        const [stored] = await events.sites([row.name]);
        const holders = [
          ...(Number(row.source_count) > 0 ? [`${row.source_count} sources`] : []),
          ...(stored && stored.event_count > 0 ? [`${stored.event_count} stored events`] : []),
        ];
        if (holders.length > 0) {
          throw new HttpProblem(
            409,
            `Site ${row.name} still has ${holders.join(" and ")}; it cannot be deleted`,
          );
        }
        await repo.deleteSite(row.name);
        await directory.refresh();
        return reply.code(204).send(null);
      },
    );
  };
}
