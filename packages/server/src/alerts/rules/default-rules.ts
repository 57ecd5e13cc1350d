import { type Kysely, sql } from "kysely";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { AlertRuleInput } from "../types.js";
import { type RuleStore, RuleStoreError } from "./rule-store.js";
import { validateRule } from "./rule-validation.js";

/**
 * The rules Vigil ships with, installed once, on the first start (marked `builtin`). No channels: the
 * operator adds theirs; until then the alerts still show in the console.
 *
 * "Once" must survive the operator deleting every default, so neither "no builtin rows" nor "empty
 * table" can be the test. The marker is a comment on the `alert_rules` table itself: it lives in the
 * state store beside the rows (every node of a cluster sees it, a pg_dump carries it), and it needs no
 * table of its own. Names are unique, so two nodes starting at once insert each default only once.
 */
export const DEFAULTS_MARKER = "vigil:default-alert-rules-installed:v1";

export const DEFAULT_RULES: readonly AlertRuleInput[] = [
  {
    name: "Firewall drop surge",
    description:
      "At least 200 connections dropped by a site's firewall within a minute: a scan, a flood or a misbehaving host.",
    severity: "high",
    detection: {
      filter: { log_type: "Firewall", action: "drop" },
      threshold: 200,
      window: "1m",
      group_by: "site",
    },
    cooldown: "15m",
  },
  {
    name: "Critical IPS event",
    description: "Any intrusion-prevention signature of critical severity, per source address.",
    severity: "critical",
    detection: {
      filter: { log_type: "IPS", severity: "critical" },
      threshold: 1,
      window: "1m",
      group_by: "src_ip",
    },
    cooldown: "15m",
  },
  {
    // Sophos logs a VPN login failure as log_type Event / component "… VPN Authentication" / subtype
    // Authentication / status "Failed"; the parser files it under VPN with sub_category
    // "Authentication", and status "Failed" maps to no action, so the firewall's own message
    // ("User x failed to login to SSLVPN …") is what tells failure from success.
    name: "VPN login failures for one user",
    description:
      "Five failed VPN logins for the same user within five minutes: password guessing or a locked-out user.",
    severity: "high",
    detection: {
      filter: {
        log_type: "VPN",
        sub_category: "Authentication",
        message: { regex: "failed to log ?in" },
      },
      threshold: 5,
      window: "5m",
      group_by: "user_name",
    },
    cooldown: "30m",
  },
];

async function marked(db: Kysely<StateDatabase>): Promise<boolean> {
  const { rows } = await sql<{
    comment: string | null;
  }>`select obj_description('alert_rules'::regclass, 'pg_class') as comment`.execute(db);
  return rows[0]?.comment === DEFAULTS_MARKER;
}

/**
 * Installs the defaults unless they were installed before; returns the names inserted. Should the
 * marker not be writable (a database role that does not own the table), builtin rows still present
 * count as "installed", and the failure is logged, not fatal.
 */
export async function installDefaultRules(
  db: Kysely<StateDatabase>,
  store: RuleStore,
  log?: { warn(obj: object, msg: string): void },
): Promise<string[]> {
  if (await marked(db)) return [];
  const existing = await store.list();
  const inserted: string[] = [];
  if (!existing.some((r) => r.builtin)) {
    const names = new Set(existing.map((r) => r.name));
    for (const input of DEFAULT_RULES) {
      if (names.has(input.name)) continue;
      const checked = validateRule(input, { channels: new Set(), users: new Set() });
      if (!checked.ok) throw new Error(`default rule '${input.name}': ${JSON.stringify(checked.problems)}`);
      try {
        await store.create(checked.rule, { builtin: true });
        inserted.push(input.name);
      } catch (err) {
        // Another node inserted it a moment ago: the same outcome.
        if (!(err instanceof RuleStoreError && err.status === 409)) throw err;
      }
    }
  }
  try {
    await sql`comment on table alert_rules is ${sql.lit(DEFAULTS_MARKER)}`.execute(db);
  } catch (err) {
    log?.warn({ err }, "default alert rules installed, but their marker was not written");
  }
  return inserted;
}
