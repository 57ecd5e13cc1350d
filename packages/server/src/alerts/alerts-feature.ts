import type { Kysely } from "kysely";
import type { Registry } from "prom-client";
import type { Detection } from "../detection/types.js";
import type { HttpFeature } from "../http/app.js";
import type { Event } from "../ingest/event.js";
import { alertLine, logLine } from "../ops/activity-log.js";
import type { BanChange } from "../response/ban-service.js";
import type { TargetStatus } from "../response/enforcement/target-repo.js";
import type { EventStore } from "../storage/event-store.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { type ClientSites, NO_CLIENT_SITES } from "./alert-clients.js";
import { alertRoutes } from "./alert-routes.js";
import { type AlertService, createAlertService } from "./alert-service.js";
import { alertFromDetection, alertFromPendingBan } from "./alert-sources.js";
import { createChannels } from "./channels/channels-feature.js";
import type { Allowlist } from "./channels/outbound-guard.js";
import { startEscalationWorker } from "./escalation-worker.js";
import { createAlertRules } from "./rules/alert-rules.js";
import { enforcementFailingAlert, type SystemSnapshot, startSystemWatcher } from "./system-alerts.js";
import { triageRoutes } from "./triage/triage-routes.js";
import type { NewAlert } from "./types.js";

/**
 * Alerts, assembled for the composition root: channels (sealed secrets, notifier with rate limits) →
 * alert service (lifecycle, cooldown, WebSocket) ← rules on the detection engine, scenario detections
 * with action `alert`, bans waiting for approval, and Vigil's own health checks; the escalation worker.
 *
 *     const alerts = await createAlerts({ db, eventStore, dataDir, secretKey, consoleUrl, hub, log, … });
 *     createIngest({ …, onEvents: [detection.consume, alerts.consume] });
 *     detection onDetection: (d) => d.action === "alert" && alerts.onDetection(d)
 *     response onChange: alerts.onBanChange;  enforcement onStatus: alerts.onEnforcementStatus
 */
export interface CreateAlertsOptions {
  db: Kysely<StateDatabase>;
  eventStore: EventStore;
  dataDir: string;
  secretKey: Buffer;
  /** The console's public base URL, for links in notifications. */
  consoleUrl: string;
  hub: { publish(type: string, data: unknown, scope?: { site?: string; severity?: string }): void };
  /**
   * Which client owns which site (the tenancy site directory): a client's rules match that client's
   * sites only, and a client's channels hear that client's alerts only. Default: no client has a site.
   */
  sites?: ClientSites;
  registry?: Registry;
  /** Vigil's own health, polled for system alerts; absent = no polling. */
  systemSnapshot?: () => SystemSnapshot;
  systemIntervalMs?: number;
  escalationIntervalMs?: number;
  perChannelPerMinute?: number;
  /** Private destinations outgoing webhooks may reach (VIGIL_WEBHOOK_ALLOWLIST). */
  allow?: Allowlist;
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
}

export interface AlertsFeature {
  service: AlertService;
  /** The ingest pipeline's `onEvents` consumer: live evaluation of the alert rules. */
  consume(events: readonly Event[]): void;
  raise(a: NewAlert): Promise<unknown>;
  /** A scenario detection whose action is `alert`. */
  onDetection(d: Detection): void;
  onBanChange(change: BanChange): void;
  onEnforcementStatus(targetId: string, status: TargetStatus, name?: string): void;
  routes: HttpFeature;
  close(): Promise<void>;
}

export async function createAlerts(o: CreateAlertsOptions): Promise<AlertsFeature> {
  const sites = o.sites ?? NO_CLIENT_SITES;
  const channels = createChannels({
    db: o.db,
    clientOf: (site) => sites.clientOf(site),
    secretKey: o.secretKey,
    consoleUrl: o.consoleUrl,
    log: o.log,
    ...(o.perChannelPerMinute !== undefined ? { perChannelPerMinute: o.perChannelPerMinute } : {}),
    ...(o.allow ? { allow: o.allow } : {}),
  });
  const service = createAlertService({
    db: o.db,
    eventStore: o.eventStore,
    notifier: channels.notifier,
    publish: (type, alert) => {
      if (type === "alert") logLine(o.log, alertLine(alert));
      o.hub.publish(type, alert, { site: alert.site, severity: alert.severity });
    },
    log: o.log,
  });
  const raise = (a: NewAlert) =>
    service.raise(a).catch((err: unknown) => {
      o.log.error({ err, rule: a.rule_name, value: a.group_value }, "alert could not be raised");
      return null;
    });
  const rules = await createAlertRules({
    db: o.db,
    eventStore: o.eventStore,
    dataDir: o.dataDir,
    raise,
    log: o.log,
    sitesOf: (client) => sites.sitesOf(client),
    ...(o.registry ? { registry: o.registry } : {}),
  });
  const escalation = startEscalationWorker({
    db: o.db,
    service,
    log: o.log,
    ...(o.escalationIntervalMs !== undefined ? { intervalMs: o.escalationIntervalMs } : {}),
  });
  const system = o.systemSnapshot
    ? startSystemWatcher({
        snapshot: o.systemSnapshot,
        raise,
        log: o.log,
        ...(o.systemIntervalMs !== undefined ? { intervalMs: o.systemIntervalMs } : {}),
      })
    : null;
  const failing = new Set<string>();

  return {
    service,
    consume: rules.consume,
    raise,
    onDetection(d) {
      if (d.action === "alert") void raise(alertFromDetection(d));
    },
    onBanChange(change) {
      if (change.type === "ban_pending") void raise(alertFromPendingBan(change.data));
    },
    onEnforcementStatus(targetId, status, name) {
      // Alert on the change to failing (the cooldown keeps a long outage to one alert an hour).
      if (status.state === "failing" && !failing.has(targetId)) {
        failing.add(targetId);
        void raise(enforcementFailingAlert(targetId, name ?? targetId, status.last_error ?? "unknown error"));
      } else if (status.state === "ok") failing.delete(targetId);
    },
    routes: async (app) => {
      await app.register(channels.routes);
      await app.register(rules.routes);
      await app.register(alertRoutes({ db: o.db, service, eventStore: o.eventStore }));
      await app.register(triageRoutes({ db: o.db, eventStore: o.eventStore }));
    },
    async close() {
      system?.stop();
      await escalation.stop();
      await rules.close();
      await service.waitIdle();
    },
  };
}
