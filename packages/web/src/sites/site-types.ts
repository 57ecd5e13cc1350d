/**
 * Shapes of GET /api/v1/sites and GET /api/v1/sites/:name (server: tenancy/tenancy-schemas.ts): the
 * health is the server's own type, so the two cannot drift; a site is the record Settings lists too.
 */
import type { SiteHealth } from "../../../server/src/tenancy/site-health.js";
import type { AdminSite } from "../admin/admin-types.js";

export type { SiteHealth };
export type SiteInfo = AdminSite;

export interface SiteDetail {
  site: SiteInfo;
  health: SiteHealth;
}
