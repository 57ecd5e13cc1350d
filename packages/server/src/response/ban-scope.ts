import type { SiteScope } from "../http/access.js";
import { HttpProblem } from "../http/problem.js";
import { visiblePart } from "../tenancy/scope.js";
import type { BanHistoryItem } from "./response-rows.js";
import type { Ban } from "./types.js";

/**
 * What of a ban a client's user sees. A ban on one attacker IP can apply to several clients' sites:
 * each client sees the ban with its own sites only, and the history entries of its own sites.
 */
export function banVisible(scope: SiteScope, ban: Pick<Ban, "sites">): boolean {
  return scope.kind === "all" || visiblePart(scope, ban.sites).length > 0;
}

export function maskBan<B extends Pick<Ban, "site" | "sites">>(scope: SiteScope, ban: B): B {
  if (scope.kind === "all") return ban;
  const sites = visiblePart(scope, ban.sites);
  return { ...ban, sites, site: sites.includes(ban.site) ? ban.site : (sites[0] ?? "") };
}

export function maskHistory(scope: SiteScope, history: BanHistoryItem[]): BanHistoryItem[] {
  if (scope.kind === "all") return history;
  return history.filter((h) => h.site !== "" && scope.sites.includes(h.site));
}

/**
 * The sites a manual ban applies to. Staff may ban globally (no site); a client's user bans on one of
 * their sites (their only one when they have one and name none).
 */
export function manualBanSite(scope: SiteScope, requested: string | undefined): string | null {
  if (scope.kind === "all") return requested ?? null;
  if (requested) {
    if (!scope.sites.includes(requested)) {
      throw new HttpProblem(403, `Forbidden: site "${requested}" is not one of your sites`);
    }
    return requested;
  }
  if (scope.sites.length === 1) return scope.sites[0] ?? null;
  throw new HttpProblem(400, `site: name the site to ban on (one of ${scope.sites.join(", ") || "none"})`);
}
