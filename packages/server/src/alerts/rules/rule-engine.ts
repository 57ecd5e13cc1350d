import { Counter, type Registry } from "prom-client";
import { createDetectionEngine, type DetectionEngine } from "../../detection/engine.js";
import type { Detection } from "../../detection/types.js";
import type { Event } from "../../ingest/event.js";
import { detectionFacts } from "../alert-sources.js";
import type { AlertRule, NewAlert } from "../types.js";
import { firingTitle, ruleIdOf, ruleScenario, type SitesOf } from "./rule-scenario.js";
import { durationMs } from "./rule-validation.js";

/**
 * Live evaluation of alert rules: a dedicated instance of the detection engine (the same code that
 * runs scenarios) holding one scenario per enabled rule. A detection raises an alert carrying the
 * rule's channels and cooldown (the alert service folds repeats inside the cooldown) and counts a
 * trigger on the rule. `setRules` takes effect at once; rules whose definition is unchanged keep their
 * windows (the engine compares fingerprints).
 */
export interface RuleEngineLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RuleEngineOptions {
  raise: (alert: NewAlert) => Promise<unknown>;
  recordTrigger: (ruleId: string, at: Date) => Promise<void>;
  log: RuleEngineLog;
  /** The sites of a client: a client's rule is compiled to match those only (see ruleFilter). */
  sitesOf: SitesOf;
  registry?: Registry;
  now?: () => number;
  maxKeysPerScenario?: number;
}

export interface RuleEngine {
  engine: DetectionEngine;
  setRules(rules: readonly AlertRule[]): void;
  consume(events: readonly Event[]): void;
  /** Resolves when every raise and trigger started so far has finished (tests, shutdown). */
  settled(): Promise<void>;
}

function firingsCounter(registry: Registry | undefined): Counter<"rule"> | null {
  if (!registry) return null;
  const name = "vigil_alert_rule_firings_total";
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<"rule">;
  return new Counter({
    name,
    help: "Alert rule firings (before cooldowns fold repeats into an open alert), by rule name",
    labelNames: ["rule"],
    registers: [registry],
  });
}

export function newAlertOf(rule: AlertRule, d: Detection): NewAlert {
  return {
    source: "rule",
    rule_id: rule.id,
    rule_name: rule.name,
    title: firingTitle(rule, d.value, d.count),
    severity: rule.severity,
    ...detectionFacts(d),
    details: { window: rule.detection.window, filter: rule.detection.filter, sites: rule.sites },
    channels: rule.channels,
    cooldownMs: durationMs(rule.cooldown) ?? 0,
  };
}

export function createRuleEngine(o: RuleEngineOptions): RuleEngine {
  let byId = new Map<string, AlertRule>();
  const firings = firingsCounter(o.registry);
  const pending = new Set<Promise<unknown>>();

  const track = (p: Promise<unknown>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  function onDetection(d: Detection): void {
    const id = ruleIdOf(d.scenario);
    const rule = id === null ? undefined : byId.get(id);
    if (!rule) return;
    firings?.inc({ rule: rule.name });
    track(
      o.raise(newAlertOf(rule, d)).catch((err: unknown) => {
        o.log.error(
          { err, rule: rule.name, value: d.value },
          "alert rule fired but the alert was not raised",
        );
      }),
    );
    track(
      o.recordTrigger(rule.id, new Date(d.last_seen)).catch((err: unknown) => {
        o.log.warn({ err, rule: rule.name }, "alert rule trigger count not updated");
      }),
    );
  }

  const engine = createDetectionEngine({
    scenarios: [],
    onDetection,
    ...(o.now ? { now: o.now } : {}),
    ...(o.maxKeysPerScenario !== undefined ? { maxKeysPerScenario: o.maxKeysPerScenario } : {}),
  });

  return {
    engine,
    setRules(rules) {
      byId = new Map(rules.map((r) => [r.id, r]));
      engine.replaceScenarios(rules.map((r) => ruleScenario(r, o.sitesOf)));
    },
    consume(events) {
      engine.process(events);
    },
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
