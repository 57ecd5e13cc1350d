import type { Kysely } from "kysely";
import type { HttpFeature } from "../http/app.js";
import type { ExecutionLimits } from "../query/kql/compile.js";
import type { EventStore } from "../storage/event-store.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { kqlRoutes } from "./kql-routes.js";
import { recordHistory } from "./saved-searches.js";
import { searchRoutes } from "./search-routes.js";

/**
 * The KQL workbench's server side, for the composition root:
 *
 *     features: [..., createSearch({ eventStore, db: state.db }).routes]
 *
 * `POST /api/v1/search/kql` runs queries (a user's land in their history); saved queries, history and
 * templates live beside it (docs/HUNTING.md).
 */
export function createSearch(o: {
  eventStore: EventStore;
  db: Kysely<StateDatabase>;
  now?: () => number;
  limits?: ExecutionLimits;
}): { routes: HttpFeature } {
  const kql = kqlRoutes({
    eventStore: o.eventStore,
    ...(o.now ? { now: o.now } : {}),
    ...(o.limits ? { limits: o.limits } : {}),
    onRun: async ({ principal, query, ranAt, result }) => {
      if (principal?.kind !== "user") return;
      await recordHistory(o.db, principal.userId, {
        query,
        ran_at: ranAt,
        ok: result !== null,
        row_count: result?.rows.length ?? null,
        elapsed_ms: result?.stats.elapsed_ms ?? null,
      });
    },
  });
  const rest = searchRoutes({ db: o.db });
  return {
    routes: async (app, opts) => {
      await kql(app, opts);
      await rest(app, opts);
    },
  };
}
