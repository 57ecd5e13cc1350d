import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * Vigil's Prometheus metrics. One registry per running instance (built in main.ts and passed down), so
 * tests that build several apps never share counters.
 */
export function createMetrics() {
  const registry = new Registry();
  const received = new Counter({
    name: "vigil_events_received_total",
    help: "Log lines and records received, by source (parser) type.",
    labelNames: ["source"] as const,
    registers: [registry],
  });
  const stored = new Counter({
    name: "vigil_events_stored_total",
    help: "Events written to the event store, by source type.",
    labelNames: ["source"] as const,
    registers: [registry],
  });
  const failed = new Counter({
    name: "vigil_events_failed_total",
    help: "Lines or records not stored as parsed events, by source type and reason (parse_error: kept raw; dead_letter: written to the dead-letter file; rejected_sender; invalid_record).",
    labelNames: ["source", "reason"] as const,
    registers: [registry],
  });
  const dropped = new Counter({
    name: "vigil_events_dropped_total",
    help: "Lines dropped before parsing, by reason (udp_queue_full: a UDP datagram arrived while the write queue was full; UDP cannot be paused).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const modsecStored = new Counter({
    name: "vigil_modsec_rows_stored_total",
    help: "ModSecurity rule rows written to the event store.",
    registers: [registry],
  });
  const queued = new Gauge({
    name: "vigil_ingest_queued_rows",
    help: "Rows waiting to be written, by table.",
    labelNames: ["table"] as const,
    registers: [registry],
  });
  const lag = new Gauge({
    name: "vigil_ingest_lag_seconds",
    help: "How long the oldest queued row has waited to be written, by table.",
    labelNames: ["table"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "vigil_http_request_duration_seconds",
    help: "HTTP API latency by method, route and status.",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const listenerLines = new Gauge({
    name: "vigil_syslog_lines",
    help: "Syslog frames per listener: received, errors, truncated, rejected (counters since start).",
    labelNames: ["listener", "kind"] as const,
    registers: [registry],
  });
  const wsClients = new Gauge({
    name: "vigil_websocket_clients",
    help: "Connected live-console WebSocket clients.",
    registers: [registry],
  });
  const wsDropped = new Gauge({
    name: "vigil_websocket_dropped_messages",
    help: "Live messages not sent to slow clients since start.",
    registers: [registry],
  });
  return {
    registry,
    received,
    stored,
    failed,
    dropped,
    modsecStored,
    queued,
    lag,
    httpDuration,
    listenerLines,
    wsClients,
    wsDropped,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The `source_type` of a serialised events row: its first value (see EVENT_COLUMNS). */
export function sourceOfRow(row: string): string {
  if (!row.startsWith('["')) return "unknown";
  const end = row.indexOf('"', 2);
  return end > 2 ? row.slice(2, end) : "unknown";
}
