import type { Kysely } from "kysely";
import { Counter, Gauge, type Registry } from "prom-client";
import type { HttpFeature } from "../http/app.js";
import type { Event } from "../ingest/event.js";
import type { EventStore } from "../storage/event-store.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { createCheckpointer } from "./checkpoint.js";
import { createDetectionEngine, type DetectionEngine, type DetectionMetrics } from "./engine.js";
import { scenarioRoutes } from "./scenario-routes.js";
import { createScenarioStore, type ScenarioStore } from "./scenario-store.js";
import type { Detection, Scenario } from "./types.js";

/**
 * Detection, assembled for the composition root: scenario store (files + PostgreSQL) → live engine,
 * checkpoints under dataDir, Prometheus counters, the `detection` WebSocket message and the routes.
 *
 *     const detection = await createDetection({ db: state.db, eventStore, dataDir: config.dataDir,
 *       scenariosDir: config.scenariosDir, registry: metrics.registry, hub, log,
 *       onDetection: (d) => banPolicy.handle(d) });
 *     // createIngest({ ..., onEvents: [detection.consume] });  features: [..., detection.routes]
 *     closers.push(() => detection.close());
 */
export interface CreateDetectionOptions {
  db: Kysely<StateDatabase>;
  eventStore: EventStore;
  dataDir: string;
  /** The operator folder (env VIGIL_SCENARIOS_DIR). */
  scenariosDir?: string | null;
  /** Shipped scenarios folder; default `scenarios/` at the repository root. */
  builtinDir?: string | null;
  /** Where each detection goes (the ban policy, alerting). Must not throw; errors are logged. */
  onDetection: (d: Detection) => void;
  hub?: { publish(type: string, data: unknown, scope?: { site?: string; severity?: string }): void };
  registry?: Registry;
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
  checkpointIntervalMs?: number;
  maxKeysPerScenario?: number;
  /** Per-key threshold from the key's first event (hostile geo-zones ban at the first offence). */
  thresholdFor?: (scenario: Scenario, first: Event) => number | undefined;
}

export interface DetectionService {
  engine: DetectionEngine;
  store: ScenarioStore;
  /** The ingest pipeline's `onEvents` consumer. */
  consume(events: readonly Event[]): void;
  routes: HttpFeature;
  close(): Promise<void>;
}

function promMetrics(registry: Registry | undefined, engine: () => DetectionEngine | null): DetectionMetrics {
  if (!registry) return {};
  const detections = new Counter({
    name: "vigil_detections_total",
    help: "Detections fired, by scenario and action",
    labelNames: ["scenario", "action"],
    registers: [registry],
  });
  const capHits = new Counter({
    name: "vigil_detection_key_cap_hits_total",
    help: "Window keys evicted because a scenario reached its key cap",
    labelNames: ["scenario"],
    registers: [registry],
  });
  new Gauge({
    name: "vigil_detection_keys",
    help: "Open detection windows (scenario, group value) held in memory",
    registers: [registry],
    collect() {
      this.set(engine()?.stats().keys ?? 0);
    },
  });
  return {
    detection: (d) => detections.inc({ scenario: d.scenario, action: d.action }),
    keyCapHit: (scenario) => capHits.inc({ scenario }),
  };
}

export async function createDetection(o: CreateDetectionOptions): Promise<DetectionService> {
  let store: ScenarioStore | null = null;
  let engineRef: DetectionEngine | null = null;
  const engine = createDetectionEngine({
    scenarios: [],
    metrics: promMetrics(o.registry, () => engineRef),
    ...(o.maxKeysPerScenario !== undefined ? { maxKeysPerScenario: o.maxKeysPerScenario } : {}),
    ...(o.thresholdFor ? { thresholdFor: o.thresholdFor } : {}),
    onDetection: (d) => {
      store?.recordDetection(d);
      o.hub?.publish("detection", d, { site: d.site, severity: d.severity });
      try {
        o.onDetection(d);
      } catch (err) {
        o.log.error({ err, scenario: d.scenario, value: d.value }, "detection handler failed");
      }
    },
  });
  engineRef = engine;
  store = await createScenarioStore({
    db: o.db,
    builtinDir: o.builtinDir,
    extraDir: o.scenariosDir ?? null,
    log: o.log,
    onChange: (list) => {
      engine.replaceScenarios(list);
      o.log.info({ scenarios: list.map((s) => s.name) }, "detection scenarios loaded");
    },
  });
  const checkpoints = createCheckpointer({
    engine,
    dataDir: o.dataDir,
    log: o.log,
    ...(o.checkpointIntervalMs !== undefined ? { intervalMs: o.checkpointIntervalMs } : {}),
  });
  await checkpoints.restore();
  checkpoints.start();
  // Idle keys are also dropped on the next batch; this covers a quiet ingest (no batches at all).
  const sweeper = setInterval(() => engine.sweep(), 30_000);
  sweeper.unref();
  const scenarios = store;
  return {
    engine,
    store: scenarios,
    consume: (events) => engine.process(events),
    routes: scenarioRoutes({ store: scenarios, eventStore: o.eventStore }),
    async close() {
      clearInterval(sweeper);
      await scenarios.close();
      await checkpoints.close();
    },
  };
}
