import { Type } from "@fastify/type-provider-typebox";
import type { HttpFeature } from "../http/app.js";
import type { ListenerCounters } from "../ingest/syslog/types.js";
import type { TableWriter } from "../ingest/table-writer.js";
import type { LiveHub } from "../live/live-hub.js";
import type { EventStore } from "../storage/event-store.js";
import type { StateStore } from "../storage/state-store.js";
import type { Metrics } from "./metrics.js";

/**
 * `GET /api/v1/status` (stores, listeners, ingest rates) and `GET /metrics` (Prometheus text, for an admin
 * or an API key with the `metrics` scope).
 */
export interface OpsOptions {
  version: string;
  startedAt: number;
  eventStore: EventStore;
  state: StateStore;
  writers: { events: TableWriter; modsec: TableWriter };
  listeners: () => ListenerCounters[];
  hub: LiveHub;
  metrics: Metrics;
  deadLettered: () => number;
}

const StatusReply = Type.Object({
  version: Type.String(),
  uptime_s: Type.Integer(),
  stores: Type.Object({
    events: Type.Object({ kind: Type.String(), ok: Type.Boolean() }),
    state: Type.Object({ kind: Type.String(), ok: Type.Boolean() }),
  }),
  listeners: Type.Array(
    Type.Object({
      name: Type.String(),
      transport: Type.String(),
      port: Type.Integer(),
      ok: Type.Boolean(),
      received: Type.Integer(),
      errors: Type.Integer(),
      truncated: Type.Integer(),
      rejected: Type.Integer(),
      connections: Type.Integer(),
    }),
  ),
  ingest: Type.Object({
    received_per_s: Type.Number(),
    stored_per_s: Type.Number(),
    queued: Type.Integer(),
    lag_ms: Type.Integer(),
    received_total: Type.Integer({ description: "Lines and records received since start" }),
    stored_total: Type.Integer({
      description: "Events stored since start (parse errors included, kept raw)",
    }),
    kept_raw_total: Type.Integer({ description: "Stored events a parser could not read fully" }),
    rejected_total: Type.Integer({ description: "HTTP records refused as invalid (never stored)" }),
    dead_lettered: Type.Integer(),
    dropped_total: Type.Integer({
      description: "UDP lines dropped, before parsing, while the write queue was full (UDP cannot be paused)",
    }),
  }),
  live_clients: Type.Integer(),
  memory_mb: Type.Object(
    {
      rss: Type.Number(),
      js_heap: Type.Number(),
      external: Type.Number(),
      array_buffers: Type.Number(),
    },
    { description: "This process: resident set, JavaScript heap, and memory outside it (embedded engines)" },
  ),
});

function memoryMb() {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  return {
    rss: mb(m.rss),
    js_heap: mb(m.heapUsed),
    external: mb(m.external),
    array_buffers: mb(m.arrayBuffers),
  };
}

/** Rates over the last ~10 s, from counters sampled every second. */
function rateTracker(read: () => { received: number; stored: number }) {
  const samples: { t: number; received: number; stored: number }[] = [];
  const timer = setInterval(() => {
    samples.push({ t: Date.now(), ...read() });
    if (samples.length > 11) samples.shift();
  }, 1000);
  timer.unref();
  return {
    rates() {
      const first = samples[0];
      const last = samples[samples.length - 1];
      if (!first || !last || last.t === first.t) return { received: 0, stored: 0 };
      const s = (last.t - first.t) / 1000;
      return { received: (last.received - first.received) / s, stored: (last.stored - first.stored) / s };
    },
    stop: () => clearInterval(timer),
  };
}

export const opsRoutes =
  (o: OpsOptions): HttpFeature =>
  async (app) => {
    const sum = (c: { get(): Promise<{ values: { value: number }[] }> }) =>
      c.get().then((m) => m.values.reduce((a, v) => a + v.value, 0));
    let totals = { received: 0, stored: 0 };
    const tracker = rateTracker(() => totals);
    const refresh = setInterval(() => {
      Promise.all([sum(o.metrics.received), sum(o.metrics.stored)])
        .then(([received, stored]) => {
          totals = { received, stored };
        })
        .catch(() => {});
    }, 1000);
    refresh.unref();
    app.addHook("onClose", async () => {
      tracker.stop();
      clearInterval(refresh);
    });

    app.get(
      "/api/v1/status",
      {
        config: { access: { role: "audit", staff: true } },
        schema: {
          tags: ["system"],
          summary: "Stores, listeners and ingest rates",
          response: { 200: StatusReply },
        },
      },
      async () => {
        const [eventsOk, stateOk] = await Promise.all([
          o.eventStore.ping().catch(() => false),
          o.state.ping().catch(() => false),
        ]);
        const ev = o.writers.events.getStats();
        const rates = tracker.rates();
        // Read now, not from the 1 s sample, so the totals agree with /metrics at the same moment.
        const [receivedTotal, failed, dropped] = await Promise.all([
          sum(o.metrics.received),
          o.metrics.failed.get(),
          sum(o.metrics.dropped),
        ]);
        const failedBy = (reason: string) =>
          failed.values.filter((v) => v.labels.reason === reason).reduce((a, v) => a + v.value, 0);
        return {
          version: o.version,
          uptime_s: Math.round((Date.now() - o.startedAt) / 1000),
          stores: {
            events: { kind: o.eventStore.kind, ok: eventsOk },
            state: { kind: o.state.kind, ok: stateOk },
          },
          listeners: o.listeners().map((l) => ({
            name: l.name,
            transport: l.transport,
            port: l.port,
            ok: true,
            received: l.received,
            errors: l.errors,
            truncated: l.truncated,
            rejected: l.rejected,
            connections: l.connections,
          })),
          ingest: {
            received_per_s: Math.round(rates.received),
            stored_per_s: Math.round(rates.stored),
            queued: ev.queued + o.writers.modsec.getStats().queued,
            lag_ms: ev.lagMs,
            received_total: receivedTotal,
            stored_total: ev.stored,
            kept_raw_total: failedBy("parse_error"),
            rejected_total: failedBy("invalid_record"),
            dead_lettered: o.deadLettered(),
            dropped_total: dropped,
          },
          live_clients: o.hub.size,
          memory_mb: memoryMb(),
        };
      },
    );

    app.get(
      "/metrics",
      {
        config: { access: { scope: "metrics", role: "admin", staff: true } },
        schema: { tags: ["system"], summary: "Prometheus metrics", produces: ["text/plain"] },
      },
      async (_req, reply) => {
        for (const w of [o.writers.events, o.writers.modsec]) {
          const s = w.getStats();
          o.metrics.queued.set({ table: s.table }, s.queued);
          o.metrics.lag.set({ table: s.table }, s.lagMs / 1000);
        }
        for (const l of o.listeners()) {
          for (const kind of ["received", "errors", "truncated", "rejected"] as const) {
            o.metrics.listenerLines.set({ listener: l.name, kind }, l[kind]);
          }
        }
        o.metrics.wsClients.set(o.hub.size);
        o.metrics.wsDropped.set(o.hub.dropped);
        reply.type(o.metrics.registry.contentType);
        return o.metrics.registry.metrics();
      },
    );
  };

/**
 * HTTP latency for every route, labelled by its pattern (not the raw URL, which would explode cardinality).
 * Not encapsulated (skip-override), so it sees every route registered after it.
 */
export function httpMetricsPlugin(metrics: Metrics): HttpFeature {
  const plugin: HttpFeature = async (app) => {
    app.addHook("onResponse", async (req, reply) => {
      metrics.httpDuration.observe(
        { method: req.method, route: req.routeOptions.url ?? "unmatched", status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for("skip-override")] = true;
  return plugin;
}
