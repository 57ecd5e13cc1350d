import type { Kysely, Selectable } from "kysely";
import { uuidv7 } from "uuidv7";
import { formatDuration } from "../../detection/duration.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import { iso, json } from "../alert-rows.js";
import type { AlertRulesTable } from "../alert-tables.js";
import type { AlertRule } from "../types.js";
import type { RuleDefinition } from "./rule-validation.js";

/**
 * Alert rules in the state store (`alert_rules`). Every write tells the change listeners at once, so
 * the live evaluation reloads without a restart (and, with several nodes, each node's listener is
 * its own write; other nodes pick changes up on their periodic reload, see alert-rules.ts).
 */
export class RuleStoreError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = "RuleStoreError";
  }
}

export type RuleChangeListener = (rules: AlertRule[]) => void;

export interface RuleStore {
  list(): Promise<AlertRule[]>;
  get(id: string): Promise<AlertRule | null>;
  create(def: RuleDefinition, opts?: { builtin?: boolean }): Promise<AlertRule>;
  update(id: string, def: RuleDefinition): Promise<AlertRule>;
  remove(id: string): Promise<void>;
  /** A firing: trigger_count + 1 and last_triggered_at = at. Does not reload the engine. */
  recordTrigger(id: string, at: Date): Promise<void>;
  /** Called with the whole list after each write; returns an unsubscribe function. */
  onChange(listener: RuleChangeListener): () => void;
}

export function ruleFromRow(row: Selectable<AlertRulesTable>): AlertRule {
  const detection = json<AlertRule["detection"]>(row.detection, {
    filter: {},
    threshold: 1,
    window: "1m",
    group_by: "src_ip",
  });
  const escalation = json<AlertRule["escalation"]>(row.escalation, null);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: row.enabled,
    sites: json<string[]>(row.sites, []),
    client: row.client,
    severity: row.severity,
    channels: json<string[]>(row.channels, []),
    detection,
    cooldown: formatDuration(row.cooldown_s * 1000),
    escalation,
    builtin: row.builtin,
    trigger_count: row.trigger_count,
    last_triggered_at: row.last_triggered_at === null ? null : iso(row.last_triggered_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function columns(def: RuleDefinition) {
  return {
    name: def.name,
    description: def.description,
    enabled: def.enabled,
    severity: def.severity,
    sites: JSON.stringify(def.sites),
    client: def.client,
    channels: JSON.stringify(def.channels),
    detection: JSON.stringify(def.detection),
    cooldown_s: Math.round(def.cooldownMs / 1000),
    escalation: def.escalation === null ? null : JSON.stringify(def.escalation),
  };
}

/** PostgreSQL's unique_violation, from pg or PGlite. */
function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "23505";
}

export function createRuleStore(deps: { db: Kysely<StateDatabase> }): RuleStore {
  const { db } = deps;
  const listeners = new Set<RuleChangeListener>();

  async function list(): Promise<AlertRule[]> {
    const rows = await db.selectFrom("alert_rules").selectAll().orderBy("name").execute();
    return rows.map(ruleFromRow);
  }

  async function changed(): Promise<void> {
    if (listeners.size === 0) return;
    const rules = await list();
    for (const l of listeners) l(rules);
  }

  async function nameTaken(name: string, except?: string): Promise<void> {
    let q = db.selectFrom("alert_rules").select("id").where("name", "=", name);
    if (except) q = q.where("id", "!=", except);
    if (await q.executeTakeFirst()) throw new RuleStoreError(409, `An alert rule named '${name}' exists`);
  }

  async function get(id: string): Promise<AlertRule | null> {
    const row = await db.selectFrom("alert_rules").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? ruleFromRow(row) : null;
  }

  async function guarded<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      // Two writers racing past the check above.
      if (isUniqueViolation(err)) throw new RuleStoreError(409, `An alert rule named '${name}' exists`);
      throw err;
    }
  }

  return {
    list,
    get,
    async create(def, opts = {}) {
      await nameTaken(def.name);
      const row = await guarded(def.name, () =>
        db
          .insertInto("alert_rules")
          .values({ id: uuidv7(), ...columns(def), builtin: opts.builtin ?? false })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      await changed();
      return ruleFromRow(row);
    },
    async update(id, def) {
      await nameTaken(def.name, id);
      const row = await guarded(def.name, () =>
        db
          .updateTable("alert_rules")
          .set({ ...columns(def), updated_at: new Date() })
          .where("id", "=", id)
          .returningAll()
          .executeTakeFirst(),
      );
      if (!row) throw new RuleStoreError(404, `No alert rule with id ${id}`);
      await changed();
      return ruleFromRow(row);
    },
    async remove(id) {
      const res = await db.deleteFrom("alert_rules").where("id", "=", id).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw new RuleStoreError(404, `No alert rule with id ${id}`);
      await changed();
    },
    async recordTrigger(id, at) {
      await db
        .updateTable("alert_rules")
        .set((eb) => ({ trigger_count: eb("trigger_count", "+", 1), last_triggered_at: at }))
        .where("id", "=", id)
        .execute();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
