import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { EventStore } from "../storage/event-store.js";
import { createEventRepository } from "./event-repository.js";
import { SitesSchema } from "./event-schemas.js";
import { READ_EVENTS, scopeSiteOf } from "./route-support.js";

/** `GET /api/v1/sites`: every site that has events (a site-bound API key sees its own only). */
export function sitesRoutes({ eventStore }: { eventStore: EventStore }): FastifyPluginAsyncTypebox {
  const repo = createEventRepository(eventStore);
  return async (app) => {
    app.get(
      "/api/v1/sites",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: ["events"],
          summary: "Sites with their event count and latest event",
          response: { 200: SitesSchema },
        },
      },
      async (request) => ({ items: await repo.sites(scopeSiteOf(request)) }),
    );
  };
}
