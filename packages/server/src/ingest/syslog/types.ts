/** Shapes shared by the syslog listeners and whoever consumes their lines. */

export type SyslogTransport = "udp" | "tcp" | "tls";

/** One syslog frame as it arrived, before any parsing. */
export interface ReceivedLine {
  raw: string;
  /** Sender IP (IPv4 dotted, or IPv6; IPv4-mapped IPv6 is unwrapped). */
  peer: string;
  transport: SyslogTransport;
  /** ms since epoch, UTC. */
  receivedAt: number;
  /** The bytes were not valid UTF-8; `raw` holds U+FFFD where they were broken. */
  invalidUtf8: boolean;
  /** The frame was longer than the limit (or shorter than its announced length) and was cut. */
  truncated: boolean;
}

export interface LineSink {
  /** Takes lines; returns false when the listener should stop reading until whenReady() resolves (backpressure). */
  push(lines: ReceivedLine[]): boolean;
  whenReady(): Promise<void>;
}

export interface ListenerCounters {
  name: string;
  transport: SyslogTransport;
  port: number;
  /** Lines handed to the sink. */
  received: number;
  bytes: number;
  /** Socket errors, TLS handshake failures, connections refused over the limit. */
  errors: number;
  /** Frames cut at the size limit (or ended early). */
  truncated: number;
  /** Lines (UDP) or connections (TCP/TLS) refused because the sender is not allowed. */
  rejected: number;
  /** Open connections now (always 0 for UDP). */
  connections: number;
  /** Frames that were not valid UTF-8 (kept, with replacement characters). */
  invalidUtf8: number;
  /** Bytes dropped after a frame was cut at the limit. */
  discardedBytes: number;
  /** Bound and serving; false before binding and if the socket closed without being asked to. */
  up: boolean;
}

/** The subset of a pino logger the listeners use; errors from the network are debug noise, not incidents. */
export interface DebugLogger {
  debug(obj: object, msg: string): void;
}

export const silentLogger: DebugLogger = { debug: () => {} };

export function newCounters(name: string, transport: SyslogTransport): ListenerCounters {
  return {
    name,
    transport,
    port: 0,
    received: 0,
    bytes: 0,
    errors: 0,
    truncated: 0,
    rejected: 0,
    connections: 0,
    invalidUtf8: 0,
    discardedBytes: 0,
    up: false,
  };
}

/** `::ffff:10.0.0.1` → `10.0.0.1`, so allow-lists and bans see the address users wrote. */
export function normalisePeer(address: string | undefined): string {
  if (!address) return "";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/** Runs the sender allow-list; one that throws refuses (fails closed) rather than crashing the listener. */
export function isAllowed(
  check: ((ip: string) => boolean) | undefined,
  peer: string,
  log: DebugLogger,
): boolean {
  if (!check) return true;
  try {
    return check(peer);
  } catch (err) {
    log.debug({ err, peer }, "syslog allowedSenders threw; sender refused");
    return false;
  }
}
