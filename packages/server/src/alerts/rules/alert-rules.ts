import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Registry } from "prom-client";
import { createCheckpointer } from "../../detection/checkpoint.js";
import type { HttpFeature } from "../../http/app.js";
import type { Event } from "../../ingest/event.js";
import type { EventStore } from "../../storage/event-store.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { NewAlert } from "../types.js";
import { installDefaultRules } from "./default-rules.js";
import { createRuleEngine, type RuleEngine } from "./rule-engine.js";
import { ruleRoutes } from "./rule-routes.js";
import type { SitesOf } from "./rule-scenario.js";
import { createRuleStore, type RuleStore } from "./rule-store.js";

/**
 * Alert rules, assembled for the composition root: the store (with the shipped defaults installed on
 * the first start), live evaluation on a dedicated detection engine fed by `consume` (the ingest
 * pipeline's onEvents), window checkpoints and the routes.
 *
 * Checkpoints: the detection checkpointer writes a fixed file name in the folder it is given, so the
 * rules engine gets its own folder, `<dataDir>/alert-rules/`, beside the scenarios' checkpoint.
 * Several nodes: a write on one node reloads that node at once; the others reload every
 * `reloadIntervalMs` (default 30 s).
 */
export interface AlertRulesLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface CreateAlertRulesOptions {
  db: Kysely<StateDatabase>;
  eventStore: EventStore;
  dataDir: string;
  raise: (a: NewAlert) => Promise<unknown>;
  log: AlertRulesLog;
  /** The sites of a client (the tenancy directory); default none, so a client's rule matches nothing. */
  sitesOf?: SitesOf;
  registry?: Registry;
  checkpointIntervalMs?: number;
  reloadIntervalMs?: number;
  /** The receive clock for the engine's skew guard; default Date.now. */
  now?: () => number;
  /** Skip installing the shipped rules (tests that want an empty table). */
  installDefaults?: boolean;
  maxTestEvents?: number;
}

export interface AlertRules {
  consume(events: readonly Event[]): void;
  routes: HttpFeature;
  close(): Promise<void>;
  store: RuleStore;
  engine: RuleEngine;
}

export async function createAlertRules(o: CreateAlertRulesOptions): Promise<AlertRules> {
  const store = createRuleStore({ db: o.db });
  if (o.installDefaults !== false) {
    const inserted = await installDefaultRules(o.db, store, o.log);
    if (inserted.length > 0) o.log.info({ rules: inserted }, "default alert rules installed");
  }
  const engine = createRuleEngine({
    raise: o.raise,
    recordTrigger: (id, at) => store.recordTrigger(id, at),
    log: o.log,
    sitesOf: o.sitesOf ?? (() => []),
    ...(o.registry ? { registry: o.registry } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  engine.setRules(await store.list());
  const unsubscribe = store.onChange((rules) => engine.setRules(rules));

  const checkpoints = createCheckpointer({
    engine: engine.engine,
    dataDir: join(o.dataDir, "alert-rules"),
    log: o.log,
    ...(o.checkpointIntervalMs !== undefined ? { intervalMs: o.checkpointIntervalMs } : {}),
  });
  await checkpoints.restore();
  checkpoints.start();

  let reloading = false;
  const reloader = setInterval(() => {
    if (reloading) return;
    reloading = true;
    store
      .list()
      .then((rules) => engine.setRules(rules))
      .catch((err: unknown) => o.log.warn({ err }, "alert rules not reloaded"))
      .finally(() => {
        reloading = false;
      });
    // A quiet ingest sends no batches; idle windows are dropped here too.
    engine.engine.sweep();
  }, o.reloadIntervalMs ?? 30_000);
  reloader.unref();

  return {
    store,
    engine,
    consume: (events) => engine.consume(events),
    routes: ruleRoutes({
      db: o.db,
      store,
      eventStore: o.eventStore,
      ...(o.maxTestEvents !== undefined ? { maxTestEvents: o.maxTestEvents } : {}),
    }),
    async close() {
      clearInterval(reloader);
      unsubscribe();
      await engine.settled();
      await checkpoints.close();
    },
  };
}
