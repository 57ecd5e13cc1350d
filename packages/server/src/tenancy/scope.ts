import type { SiteScope } from "../http/access.js";
import { HttpProblem } from "../http/problem.js";

/**
 * What a scope lets a request see. Every feature filters and checks site data with these, taking the
 * scope the guard set (`siteScopeOf(request)`), never one the route builds itself.
 */

/** The sites visible to the scope, or null for every site. */
export function visibleSites(scope: SiteScope): readonly string[] | null {
  return scope.kind === "all" ? null : scope.sites;
}

export function canSee(scope: SiteScope, site: string): boolean {
  return scope.kind === "all" || scope.sites.includes(site);
}

/** A 403 naming the site when the scope does not reach it; unknown and foreign sites answer alike. */
export function assertSite(scope: SiteScope, site: string): void {
  if (!canSee(scope, site)) {
    throw new HttpProblem(403, `Forbidden: site "${site}" is not one of your sites`);
  }
}

/** Sites of a record that the scope may see (a ban applying to several clients' sites shows yours). */
export function visiblePart(scope: SiteScope, sites: readonly string[]): string[] {
  return scope.kind === "all" ? [...sites] : sites.filter((s) => scope.sites.includes(s));
}

/** The client a new record made in this scope belongs to: the caller's, or the one staff named. */
export function clientForWrite(scope: SiteScope, requested: string | null | undefined): string | null {
  if (scope.kind === "all") return requested ?? null;
  if (requested && requested !== scope.client) {
    throw new HttpProblem(403, `Forbidden: client "${requested}" is not yours`);
  }
  return scope.client;
}
