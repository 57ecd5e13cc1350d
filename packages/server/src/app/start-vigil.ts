import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { alertFromPolicy } from "../alerts/alert-sources.js";
import { createAlerts } from "../alerts/alerts-feature.js";
import { parseAllowlist } from "../alerts/channels/outbound-guard.js";
import { bootstrapAdmin } from "../auth/bootstrap.js";
import { startSessionSweeper } from "../auth/session-sweeper.js";
import type { VigilConfig } from "../config/config.js";
import { consoleRoutes, findConsoleDir } from "../console/console-routes.js";
import { createDetection } from "../detection/detection-service.js";
import { countryCentroid } from "../events/country-centroids.js";
import { eventRoutes } from "../events/event-routes.js";
import { createGeoIp } from "../geo/geoip.js";
import { buildHttpApp, type VigilApp } from "../http/app.js";
import { createDeadLetter } from "../ingest/dead-letter.js";
import { httpIngestRoutes } from "../ingest/http-ingest-routes.js";
import { EVENT_COLUMNS } from "../ingest/normalise.js";
import { createIngest, type Ingest, writerMetricHooks } from "../ingest/pipeline.js";
import { type RelpListeners, startRelpListeners } from "../ingest/relp/relp-listeners.js";
import { checkEventRow, checkModSecRow } from "../ingest/row-check.js";
import { SourceRegistry } from "../ingest/sources/source-registry.js";
import { sourceRoutes } from "../ingest/sources/source-routes.js";
import { createSyslogListeners, type SyslogListeners } from "../ingest/syslog/index.js";
import { TableWriter } from "../ingest/table-writer.js";
import { createFeeds } from "../intel/feeds/feeds-feature.js";
import { createThreatIntel } from "../intel/lookup/threat-intel-feature.js";
import { LiveHub } from "../live/live-hub.js";
import { wsRoutes } from "../live/ws-routes.js";
import { banLine, detectionLine, logLine } from "../ops/activity-log.js";
import { createMetrics } from "../ops/metrics.js";
import { httpMetricsPlugin, opsRoutes } from "../ops/ops-routes.js";
import { bouncerRoutes } from "../response/bouncer/bouncer-routes.js";
import { enforcementRoutes } from "../response/enforcement/enforcement-routes.js";
import { createEnforcement } from "../response/enforcement/reconciler.js";
import { createFirstOffence } from "../response/first-offence.js";
import { createResponse } from "../response/response-feature.js";
import { createSearch } from "../search/search-feature.js";
import type { EventStore } from "../storage/event-store.js";
import { createEventStore } from "../storage/event-store-factory.js";
import { createStateStore, type StateStore } from "../storage/state-store.js";
import { createTenancy } from "../tenancy/tenancy-feature.js";
import { createVigimail } from "../vigimail/vigimail-feature.js";
import { loadSecretKey } from "./secret-key.js";

/**
 * The composition root: config → stores → services → listeners, workers, HTTP. Each piece gets its
 * dependencies passed in; nothing is a singleton, so tests start as many Vigils as they like (one chDB
 * data directory per process).
 */
export interface RunningVigil {
  app: VigilApp;
  httpUrl: string;
  syslog: SyslogListeners;
  /** RELP listeners (none unless configured). */
  relp: RelpListeners;
  eventStore: EventStore;
  state: StateStore;
  ingest: Ingest;
  /** Set on the very first start when no admin password was configured: print it once. */
  generatedAdminPassword: string | null;
  close(): Promise<void>;
}

/** A PEM setting holds the PEM itself or names its file (as for syslog TLS). */
function pemOf(value: string): string {
  return value.includes("-----BEGIN") ? value : readFileSync(value, "utf8");
}

export function vigilVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return "0.0.0";
  }
}

export async function startVigil(config: VigilConfig, log: Logger): Promise<RunningVigil> {
  const version = vigilVersion();
  const startedAt = Date.now();
  const metrics = createMetrics();
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const c of closers.reverse()) {
      try {
        await c();
      } catch (err) {
        log.error({ err }, "error while shutting down");
      }
    }
  };

  try {
    const eventStore = await createEventStore({
      ...(config.clickhouseUrl ? { url: config.clickhouseUrl } : {}),
      dataDir: config.dataDir,
      log: log.child({ store: "events" }),
      retention: { eventsDays: config.retention.eventsDays, modsecDays: config.retention.modsecDays },
    });
    closers.push(() => eventStore.close());

    const state = await createStateStore({
      url: config.databaseUrl ?? undefined,
      dataDir: config.dataDir,
      log: log.child({ store: "state" }),
    });
    closers.push(() => state.close());

    const sweeper = startSessionSweeper({ db: state.db, log });
    closers.push(() => sweeper.stop());

    const admin = await bootstrapAdmin(state.db, { password: config.adminPassword ?? undefined });

    const geo = createGeoIp({
      log: log.child({ component: "geoip" }),
      ...(config.geo.cityDbPath ? { cityDbPath: config.geo.cityDbPath } : {}),
      centroid: (cc) => countryCentroid(cc) ?? undefined,
    });
    closers.push(() => geo.close());

    const sources = await SourceRegistry.open(state.db, config.defaultTimezone, log);
    closers.push(() => sources.close());

    const deadLetter = createDeadLetter(join(config.dataDir, "dead-letter"));
    const hooks = writerMetricHooks(metrics);
    const writerOptions = {
      store: eventStore,
      batchSize: config.ingest.batchSize,
      flushIntervalMs: config.ingest.flushIntervalMs,
      maxQueued: config.ingest.maxQueued,
      deadLetter,
      log,
    };
    const eventsWriter = new TableWriter({
      ...writerOptions,
      table: "events",
      columns: EVENT_COLUMNS,
      checkRow: checkEventRow,
      ...hooks,
    });
    const modsecWriter = new TableWriter({
      ...writerOptions,
      table: "modsec_logs",
      checkRow: checkModSecRow,
      onStored: (bySource) => metrics.modsecStored.inc([...bySource.values()].reduce((a, b) => a + b, 0)),
      classify: () => "modsecurity",
    });
    // Writers close after the listeners and the HTTP server have stopped feeding them.
    closers.push(async () => {
      await Promise.all([eventsWriter.close(), modsecWriter.close()]);
    });

    const hub = new LiveHub();
    closers.push(() => hub.close());

    // Clients and sites: every request is scoped to the caller's sites through this directory, and a
    // client's alert rules and channels to that client's sites. Built before the alerts, whose rules it
    // scopes; its silent-sender alerts go to them (the first check runs a minute after the start).
    const tenancy = await createTenancy({
      db: state.db,
      eventStore,
      silentAfterMs: config.siteSilentMinutes * 60_000,
      raise: (a) => alerts.raise(a),
      log: log.child({ component: "tenancy" }),
    });
    closers.push(() => tenancy.close());

    // Alerts: rules on the detection engine, scenario alerts, pending bans and Vigil's own health.
    const secretKey = loadSecretKey(config.secretKey, config.dataDir);
    let syslogRef: SyslogListeners | null = null;
    let relpRef: RelpListeners | null = null;
    const alerts = await createAlerts({
      db: state.db,
      eventStore,
      dataDir: config.dataDir,
      secretKey,
      consoleUrl: config.http.publicUrl,
      hub,
      sites: tenancy.directory,
      registry: metrics.registry,
      allow: parseAllowlist(config.webhookAllowlist.join(",")),
      perChannelPerMinute: config.alertChannelRatePerMinute,
      systemSnapshot: () => ({
        listeners: [...(syslogRef?.counters() ?? []), ...(relpRef?.counters() ?? [])],
        writers: [eventsWriter.getStats(), modsecWriter.getStats()],
        maxQueued: config.ingest.maxQueued,
        deadLettered: deadLetter.count(),
      }),
      log: log.child({ component: "alerts" }),
    });
    closers.push(() => alerts.close());

    // Detect and ban: feeds (reputation) → ban policy and service → enforcement; detection feeds on ingest.
    const countryOf = (ip: string) => geo.lookup(ip)?.country ?? "";
    const feeds = await createFeeds({
      db: state.db,
      log: log.child({ component: "feeds" }),
      country: countryOf,
      secretKey,
    });
    closers.push(() => feeds.close());
    // Threat intelligence: per-IP provider lookups, cached in the state store (docs/THREAT-INTEL.md).
    const threatIntel = createThreatIntel({
      db: state.db,
      config: config.threatIntel,
      // Seals provider keys set in the console; counts vigil_threat_checks_total.
      secretKey,
      registry: metrics.registry,
      log: log.child({ component: "threat-intel" }),
      geo: (ip) => {
        const g = geo.lookup(ip);
        return g ? { country: g.country || null, asn: g.asn || null } : null;
      },
      feeds: feeds.reputation,
      onThreat: (t) => hub.publish("threat_detected", t, { sites: t.sites }),
    });
    closers.push(() => threatIntel.close());
    // Vigimail: client mail domains' DNS posture and leaked mailboxes (docs/VIGIMAIL.md).
    const vigimail = createVigimail({
      db: state.db,
      config: config.vigimail,
      secretKey,
      raise: (a) => alerts.raise(a),
      siteFor: (client) => tenancy.directory.sitesOf(client)[0],
      userAgent: `Vigil/${version} (Vigimail mail security checks)`,
      log: log.child({ component: "vigimail" }),
    });
    closers.push(() => vigimail.close());
    const enforcement = createEnforcement({
      db: state.db,
      secretKey,
      log: log.child({ component: "enforcement" }),
      onStatus: (target_id, status) => {
        hub.publish("enforcement_status", { target_id, status });
        if (status.state !== "failing") return alerts.onEnforcementStatus(target_id, status);
        // The alert names the target as people know it; the lookup only happens on a failure.
        enforcement.targets
          .get(target_id)
          .then((t) => alerts.onEnforcementStatus(target_id, status, t.name))
          .catch(() => alerts.onEnforcementStatus(target_id, status));
      },
      feedSource: feeds.xgs,
    });
    enforcement.start();
    closers.push(() => enforcement.stop());
    const banLog = log.child({ component: "bans" });
    const response = createResponse({
      db: state.db,
      reputation: threatIntel.reputation,
      countryOf,
      autoBan: { ownNetworks: config.bans.ownNetworks, banUnregistered: config.bans.fromUnregisteredSenders },
      log: banLog,
      onChange: (change) => {
        logLine(banLog, banLine(change));
        const site = "site" in change.data && change.data.site ? change.data.site : undefined;
        const sites = "sites" in change.data ? change.data.sites : [];
        hub.publish(change.type, change.data, { ...(site ? { site } : {}), sites });
        enforcement.notifyChange();
        alerts.onBanChange(change);
        if (change.type === "ban_pending")
          threatIntel.enrichment.enqueue(change.data.ip, "pending", site ?? "");
      },
    });
    closers.push(() => response.close());
    const firstOffence = createFirstOffence(state.db, log);
    await firstOffence.refresh();
    closers.push(() => firstOffence.stop());
    const detectionLog = log.child({ component: "detection" });
    const detection = await createDetection({
      db: state.db,
      eventStore,
      dataDir: config.dataDir,
      scenariosDir: config.scenariosDir,
      registry: metrics.registry,
      hub,
      log: detectionLog,
      thresholdFor: firstOffence.thresholdFor,
      onDetection: (d) => {
        logLine(detectionLog, detectionLine(d));
        threatIntel.enrichment.enqueue(d.value, "detection", d.site);
        if (d.action === "alert") alerts.onDetection(d);
        if (d.action !== "ban") return;
        response.bans
          .handleDetection(d)
          .then(({ decision }) => {
            if (decision.kind === "alert") void alerts.raise(alertFromPolicy(d, decision.reason));
          })
          .catch((err: unknown) => {
            detectionLog.error(
              { err, scenario: d.scenario, value: d.value },
              "ban policy failed on a detection",
            );
          });
      },
    });
    closers.push(() => detection.close());

    const ingest = createIngest({
      events: eventsWriter,
      modsec: modsecWriter,
      sources,
      geo,
      hub,
      metrics,
      log,
      onEvents: [detection.consume, alerts.consume, threatIntel.consume],
    });

    const syslog = await createSyslogListeners({
      sink: ingest.sink,
      host: config.syslog.host,
      port: config.syslog.port,
      maxFrameBytes: config.syslog.maxMessageBytes,
      ...(config.syslog.tlsCert && config.syslog.tlsKey
        ? { tls: { port: config.syslog.tlsPort, cert: config.syslog.tlsCert, key: config.syslog.tlsKey } }
        : {}),
      ...(config.syslog.registeredOnly ? { allowedSenders: (ip: string) => sources.isRegisteredIp(ip) } : {}),
      log: log.child({ component: "syslog" }),
    });
    closers.push(() => syslog.close());
    syslogRef = syslog;
    // RELP: the same pipeline as syslog, but each message is acknowledged only once stored.
    const relp = await startRelpListeners({
      sink: ingest,
      host: config.syslog.host,
      port: config.relp.port,
      tlsPort: config.relp.tlsPort,
      tls:
        config.syslog.tlsCert && config.syslog.tlsKey
          ? { cert: config.syslog.tlsCert, key: config.syslog.tlsKey }
          : null,
      maxDataBytes: config.syslog.maxMessageBytes,
      ...(config.syslog.registeredOnly ? { allowedSenders: (ip: string) => sources.isRegisteredIp(ip) } : {}),
      software: `vigil,${version}`,
      log: log.child({ component: "relp" }),
    });
    closers.push(() => relp.close());
    relpRef = relp;
    // Runs before the listeners close (closers run in reverse): a shutdown is not a listener outage.
    closers.push(() => {
      syslogRef = null;
      relpRef = null;
    });

    const app = await buildHttpApp({
      state,
      version,
      logger: log.child({ component: "http" }),
      bodyLimit: 32 << 20,
      sites: tenancy.directory,
      trustProxy: config.http.trustProxy,
      https:
        config.http.tlsCert && config.http.tlsKey
          ? { cert: pemOf(config.http.tlsCert), key: pemOf(config.http.tlsKey) }
          : undefined,
      // Seals MFA secrets at rest, like target and channel credentials.
      auth: {
        secretKey,
        oidc: config.oidc ? { config: config.oidc, publicUrl: config.http.publicUrl } : undefined,
      },
      features: [
        httpMetricsPlugin(metrics),
        eventRoutes({ eventStore, db: state.db, geo }),
        createSearch({ eventStore, db: state.db }).routes,
        tenancy.routes,
        sourceRoutes(sources),
        httpIngestRoutes({ ingest, geo, metrics }),
        wsRoutes(hub),
        detection.routes,
        response.routes,
        enforcementRoutes({ db: state.db, enforcement }),
        bouncerRoutes({ db: state.db }),
        feeds.routes,
        threatIntel.routes,
        vigimail.routes,
        alerts.routes,
        opsRoutes({
          version,
          startedAt,
          eventStore,
          state,
          writers: { events: eventsWriter, modsec: modsecWriter },
          listeners: () => [...syslog.counters(), ...relp.counters()],
          hub,
          metrics,
          deadLettered: () => deadLetter.count(),
        }),
        consoleRoutes(findConsoleDir(config.webDir)),
      ],
    });
    const address = await app.listen({ host: config.http.host, port: config.http.port });
    closers.push(() => app.close());

    return {
      app,
      httpUrl: address.replace("0.0.0.0", "127.0.0.1").replace("[::]", "127.0.0.1"),
      syslog,
      relp,
      eventStore,
      state,
      ingest,
      generatedAdminPassword: admin.generatedPassword ?? null,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
