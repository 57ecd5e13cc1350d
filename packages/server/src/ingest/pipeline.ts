import type { Logger } from "pino";
import { uuidv7 } from "uuidv7";
import type { LiveHub } from "../live/live-hub.js";
import { type Metrics, sourceOfRow } from "../ops/metrics.js";
import type { Event, ModSecDraft, ModSecRow, ParseResult } from "./event.js";
import { sanitiseModSec } from "./event-validate.js";
import { eventRow, finishEvent, type GeoLookup } from "./normalise.js";
import { parseLine } from "./parsers/registry.js";
import { createSshdCorrelator } from "./parsers/sshd.js";
import type { SourceRegistry } from "./sources/source-registry.js";
import { parseSyslogHeader } from "./syslog/header.js";
import type { LineSink, ReceivedLine } from "./syslog/types.js";
import type { TableWriter, WriteOutcome } from "./table-writer.js";

/**
 * The ingest pipeline: a received line → syslog header → parser → normalised Event (+ ModSecurity rows)
 * → batched writes to the event store, and out to live subscribers and detection.
 */
export interface IngestDeps {
  events: TableWriter;
  modsec: TableWriter;
  sources: SourceRegistry;
  geo: GeoLookup | null;
  hub: LiveHub;
  metrics: Metrics;
  log: Logger;
  /** Consumers of every stored-or-queued event, in order (detection hooks in here). */
  onEvents?: Array<(events: readonly Event[]) => void>;
}

export interface Ingest {
  /** The sink the syslog listeners push into; answers false when the store lags (TCP then pauses). */
  readonly sink: LineSink;
  /** Parses and queues syslog lines (no acknowledgement). */
  ingestLines(lines: readonly ReceivedLine[]): void;
  /** Parses lines and resolves once their events are stored (RELP acknowledges after this). */
  storeLines(lines: readonly ReceivedLine[]): Promise<void>;
  /**
   * Queues finished events and resolves once they are stored (HTTP ingest acknowledges after this), with
   * the events the store refused (by index into `events`), which went to the dead-letter file instead.
   */
  storeEvents(events: Event[], modsec?: ModSecRow[]): Promise<WriteOutcome>;
  /** True while the writer is over its queue limit. */
  readonly pressured: boolean;
  whenReady(): Promise<void>;
}

/** A ModSecurity draft → a row, every value in its column's range (`receivedAt` bounds the time). */
export function finishModSec(
  d: ModSecDraft,
  site: string,
  fallbackTime: number,
  receivedAt = fallbackTime,
): ModSecRow {
  const row: ModSecRow = {
    id: uuidv7(),
    timestamp: Math.trunc(typeof d.timestamp === "number" && d.timestamp > 0 ? d.timestamp : fallbackTime),
    site,
    unique_id: d.unique_id ?? "",
    src_ip: d.src_ip ?? "",
    src_port: d.src_port ?? 0,
    hostname: d.hostname ?? "",
    uri: d.uri ?? "",
    rule_id: d.rule_id ?? "",
    rule_file: d.rule_file ?? "",
    rule_msg: d.rule_msg ?? "",
    rule_severity: d.rule_severity ?? "",
    rule_data: d.rule_data ?? "",
    crs_version: d.crs_version ?? "",
    paranoia_level: d.paranoia_level ?? 0,
    attack_type: d.attack_type ?? "",
    anomaly_score: d.anomaly_score ?? 0,
    total_score: d.total_score ?? 0,
    is_blocking: d.is_blocking ?? false,
    tags: d.tags ?? [],
    raw_log: d.raw_log,
  };
  sanitiseModSec(row, receivedAt);
  return row;
}

export function modsecRow(r: ModSecRow): string {
  return JSON.stringify(r);
}

export function createIngest(deps: IngestDeps): Ingest {
  const { events: eventWriter, modsec: modsecWriter, sources, geo, metrics } = deps;

  const publish = (evs: readonly Event[]) => {
    if (evs.length === 0) return;
    deps.hub.publishEvents(evs);
    for (const consumer of deps.onEvents ?? []) {
      try {
        consumer(evs);
      } catch (err) {
        deps.log.error({ err }, "an event consumer failed");
      }
    }
  };

  const correlateSshd = createSshdCorrelator();

  function parseOne(line: ReceivedLine, out: Event[], modsecOut: ModSecRow[]): void {
    let src = sources.resolve(line.peer);
    let header = parseSyslogHeader(line.raw, { receivedAt: line.receivedAt, timezone: src.timezone });
    const byHost = header.meta.hostname ? sources.resolve(line.peer, header.meta.hostname) : src;
    if (byHost.timezone !== src.timezone) {
      header = parseSyslogHeader(line.raw, { receivedAt: line.receivedAt, timezone: byHost.timezone });
    }
    src = byHost;
    const ctx = { receivedAt: line.receivedAt, timezone: src.timezone, syslog: header.meta };
    let result: ParseResult = parseLine(header.message, ctx);
    const serial = result.event?.device_serial;
    if (serial) {
      const bySerial = sources.resolve(line.peer, header.meta.hostname, serial);
      if (bySerial.timezone !== src.timezone)
        result = parseLine(header.message, { ...ctx, timezone: bySerial.timezone });
      src = bySerial;
    }
    // Listed under their sender on the Sources page, each assignable to its own site.
    if (header.meta.hostname) sources.noteDevice(line.peer, "hostname", header.meta.hostname);
    if (serial) sources.noteDevice(line.peer, "serial", serial);
    // sshd spreads one connection over several lines: attribute address-less failures to it.
    if (result.event?.source_type === "sshd") result = { ...result, event: correlateSshd(result.event, ctx) };
    const origin = { site: src.site, sender: line.peer };
    if (result.event) {
      // raw_log is the whole line as received, syslog header included.
      const e = finishEvent({ ...result.event, raw_log: line.raw }, origin, geo, line.receivedAt);
      // Only the peer address counts: a header hostname or serial is whatever the sender wrote.
      e.arrival = { channel: line.transport, trusted: sources.isRegisteredIp(line.peer) };
      if (!e.hostname && header.meta.hostname) e.hostname = header.meta.hostname;
      const problems = [
        e.parse_error,
        line.invalidUtf8 ? "invalid UTF-8 replaced" : "",
        line.truncated ? "line truncated at the size limit" : "",
      ].filter(Boolean);
      e.parse_error = problems.join("; ");
      // Counted once per batch by countBySource, not here: counting both ways doubled "received".
      out.push(e);
    }
    for (const m of result.modsec ?? []) {
      const row = finishModSec(m, origin.site, result.event?.timestamp ?? line.receivedAt, line.receivedAt);
      if (!result.event) row.raw_log = line.raw;
      modsecOut.push(row);
    }
    // A rule-row-only line has no event of its own (its rows join another request's event): received, not in `out`.
    if (!result.event && (result.modsec?.length ?? 0) > 0) metrics.received.inc({ source: "modsecurity" });
  }

  const parseLines = (lines: readonly ReceivedLine[]) => {
    const out: Event[] = [];
    const modsecOut: ModSecRow[] = [];
    let lastPeer = "";
    let count = 0;
    for (const line of lines) {
      try {
        parseOne(line, out, modsecOut);
      } catch (err) {
        // Belt and braces: parsers never throw, but a line must never be lost to a bug.
        deps.log.error({ err }, "ingest failed on a line; keeping it raw");
        const e = finishEvent(
          {
            source_type: "unknown",
            raw_log: line.raw,
            message: line.raw,
            parse_error: `internal: ${(err as Error).message}`,
          },
          { site: sources.resolve(line.peer).site, sender: line.peer },
          null,
          line.receivedAt,
        );
        out.push(e);
      }
      if (line.peer !== lastPeer) {
        if (lastPeer) sources.noteSeen(lastPeer, count);
        lastPeer = line.peer;
        count = 0;
      }
      count++;
    }
    if (lastPeer) sources.noteSeen(lastPeer, count);
    return { out, modsecOut };
  };

  const ingestLines = (lines: readonly ReceivedLine[]) => {
    const { out, modsecOut } = parseLines(lines);
    eventWriter.writeNoAck(out.map(eventRow), countBySource(out, metrics));
    modsecWriter.writeNoAck(modsecOut.map(modsecRow));
    publish(out);
  };

  const storeLines = async (lines: readonly ReceivedLine[]) => {
    const { out, modsecOut } = parseLines(lines);
    await Promise.all([
      eventWriter.write(out.map(eventRow), countBySource(out, metrics)),
      modsecWriter.write(modsecOut.map(modsecRow)),
    ]);
    publish(out);
  };

  const sink: LineSink = {
    push(lines) {
      const pressured = eventWriter.pressured || modsecWriter.pressured;
      // UDP cannot be paused: past the queue's bound its lines are dropped, and counted, rather than
      // queued without limit. TCP, TLS and RELP pause the socket instead (the answer below).
      if (pressured && lines[0]?.transport === "udp") {
        metrics.dropped.inc({ reason: "udp_queue_full" }, lines.length);
        return false;
      }
      ingestLines(lines);
      return !eventWriter.pressured && !modsecWriter.pressured;
    },
    whenReady: () => Promise.all([eventWriter.whenReady(), modsecWriter.whenReady()]).then(() => undefined),
  };

  return {
    sink,
    ingestLines,
    storeLines,
    async storeEvents(evs, modsec = []) {
      const bySource = countBySource(evs, metrics);
      const [outcome] = await Promise.all([
        eventWriter.write(evs.map(eventRow), bySource),
        modsecWriter.write(modsec.map(modsecRow)),
      ]);
      const refused = new Set(outcome.deadLettered.map((d) => d.index));
      publish(refused.size > 0 ? evs.filter((_, i) => !refused.has(i)) : evs);
      return outcome;
    },
    get pressured() {
      return eventWriter.pressured || modsecWriter.pressured;
    },
    whenReady: sink.whenReady,
  };
}

/**
 * Counts a batch per source with one metric update per source, not one per event; returns the counts
 * so the writer can reuse them for the stored metric instead of reading every row again.
 */
function countBySource(evs: readonly Event[], metrics: Metrics): Map<string, number> {
  const received = new Map<string, number>();
  const failed = new Map<string, number>();
  for (const e of evs) {
    received.set(e.source_type, (received.get(e.source_type) ?? 0) + 1);
    if (e.parse_error || e.source_type === "unknown")
      failed.set(e.source_type, (failed.get(e.source_type) ?? 0) + 1);
  }
  for (const [source, n] of received) metrics.received.inc({ source }, n);
  for (const [source, n] of failed) metrics.failed.inc({ source, reason: "parse_error" }, n);
  return received;
}

/** Wires writer callbacks to the per-source metrics. */
export function writerMetricHooks(metrics: Metrics) {
  return {
    classify: sourceOfRow,
    onStored(bySource: ReadonlyMap<string, number>) {
      for (const [source, n] of bySource) metrics.stored.inc({ source }, n);
    },
    onDeadLettered(rows: readonly string[]) {
      for (const r of rows) metrics.failed.inc({ source: sourceOfRow(r), reason: "dead_letter" });
    },
  };
}
