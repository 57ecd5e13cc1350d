import type { Kysely } from "kysely";
import type { HttpFeature } from "../http/app.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { banEnforcementRoutes } from "./ban-enforcement-routes.js";
import { banRoutes } from "./ban-routes.js";
import type { BanService } from "./ban-service.js";
import { whitelistGeoRoutes } from "./whitelist-geo-routes.js";

/** Every route of the response feature: bans, approvals, stats, whitelist, GeoZone, geoblocking. */
export interface ResponseRoutesDeps {
  db: Kysely<StateDatabase>;
  bans: BanService;
}

export const responseRoutes =
  (deps: ResponseRoutesDeps): HttpFeature =>
  async (app) => {
    await app.register(banRoutes(deps));
    await app.register(banEnforcementRoutes(deps));
    await app.register(whitelistGeoRoutes(deps));
  };
