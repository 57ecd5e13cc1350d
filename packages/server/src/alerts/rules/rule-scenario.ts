import { parseDuration } from "../../detection/duration.js";
import type { Filter, Scenario } from "../../detection/types.js";
import type { AlertRule } from "../types.js";

/**
 * An alert rule as a detection Scenario, so rules run on the same engine (same filter language, same
 * windows, same fire-once latch) as the scenarios that ban. The site scope joins the rule's own filter
 * under `all`, leaving the filter the operator wrote untouched.
 */
export const RULE_SCENARIO_PREFIX = "rule-";

export type RuleLike = Pick<
  AlertRule,
  "name" | "description" | "enabled" | "sites" | "client" | "severity" | "detection"
>;

/** The sites of a client now (the tenancy site directory). */
export type SitesOf = (client: string) => readonly string[];

/** Matches no event: every text matches the empty pattern. ('in' refuses an empty list.) */
const NO_EVENT: Filter = { site: { not: { regex: "" } } };

/**
 * The rule's filter joined with its sites. A client's rule only ever sees that client's sites, read
 * when the rule is compiled (the engine recompiles on each reload, so a site that moves between
 * clients follows within the reload interval): all of them when the rule names none, else the named
 * ones the client still owns, and nothing at all when that leaves none.
 */
export function ruleFilter(
  rule: Pick<AlertRule, "sites" | "client" | "detection">,
  sitesOf: SitesOf,
): Filter {
  let sites = rule.sites;
  if (rule.client !== null) {
    const own = sitesOf(rule.client);
    sites = sites.length === 0 ? [...own] : sites.filter((s) => own.includes(s));
    if (sites.length === 0) return { all: [rule.detection.filter, NO_EVENT] };
  }
  if (sites.length === 0) return rule.detection.filter;
  return { all: [rule.detection.filter, { site: { in: sites } }] };
}

export function ruleScenario(rule: RuleLike & { id: string }, sitesOf: SitesOf): Scenario {
  return {
    name: `${RULE_SCENARIO_PREFIX}${rule.id}`,
    description: rule.description,
    enabled: rule.enabled,
    severity: rule.severity,
    labels: [],
    detection: {
      source: "events",
      filter: ruleFilter(rule, sitesOf),
      threshold: rule.detection.threshold,
      windowMs: parseDuration(rule.detection.window) ?? 60_000,
      group_by: rule.detection.group_by,
      ...(rule.detection.distinct ? { distinct: rule.detection.distinct } : {}),
    },
    action: { type: "alert", validate_threat: false },
    origin: "alert-rule",
  };
}

/** The rule id of a scenario built by ruleScenario, or null. */
export function ruleIdOf(scenarioName: string): string | null {
  return scenarioName.startsWith(RULE_SCENARIO_PREFIX)
    ? scenarioName.slice(RULE_SCENARIO_PREFIX.length)
    : null;
}

/** "Firewall drop surge: 212 events for site paris in 1m" — the alert's title. */
export function firingTitle(
  rule: Pick<AlertRule, "name" | "detection">,
  groupValue: string,
  count: number,
): string {
  const what = rule.detection.distinct ? `distinct ${rule.detection.distinct} values` : "events";
  return `${rule.name}: ${count} ${what} for ${rule.detection.group_by} ${groupValue} in ${rule.detection.window}`;
}
