/**
 * Starts the syslog listeners: UDP and TCP on one port number (default 5514), and TLS on its own port
 * (default 6514) when a certificate is configured. Every frame becomes a ReceivedLine pushed to the sink.
 */

import { readFile } from "node:fs/promises";
import { createSecureContext } from "node:tls";
import { FlowControl } from "./flow.js";
import { DEFAULT_MAX_FRAME_BYTES } from "./framing.js";
import { startStreamListener } from "./stream.js";
import {
  type DebugLogger,
  type LineSink,
  type ListenerCounters,
  newCounters,
  type SyslogTransport,
  silentLogger,
} from "./types.js";
import { startUdpListener } from "./udp.js";

export interface SyslogListenerOptions {
  sink: LineSink;
  /** Default "0.0.0.0". Use "::" for IPv4 and IPv6 on a dual-stack host. */
  host?: string;
  /** Port for both UDP and TCP; 0 picks a free one (tests). Default 5514. */
  port?: number;
  /** Default true each. */
  udp?: boolean;
  tcp?: boolean;
  /** TLS (RFC 5425) is started only when a certificate and key are given: PEM text or file paths. */
  tls?: { port?: number; cert: string; key: string };
  /** "Accept syslog only from registered senders": a false answer drops the line (UDP) or connection. */
  allowedSenders?: (ip: string) => boolean;
  maxFrameBytes?: number;
  maxConnections?: number;
  idleTimeoutMs?: number;
  udpRecvBufferBytes?: number;
  log?: DebugLogger;
}

export const SYSLOG_DEFAULTS = {
  host: "0.0.0.0",
  port: 5514,
  tlsPort: 6514,
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  maxConnections: 10_000,
  idleTimeoutMs: 10 * 60_000,
  udpRecvBufferBytes: 8 * 1024 * 1024,
} satisfies Record<string, string | number>;

export interface SyslogListeners {
  /** Bound ports per transport (absent when that transport is off). */
  ports: Partial<Record<SyslogTransport, number>>;
  counters(): ListenerCounters[];
  /** Stops accepting, closes every connection (delivering their last partial lines), then resolves. */
  close(): Promise<void>;
}

export async function createSyslogListeners(options: SyslogListenerOptions): Promise<SyslogListeners> {
  const log = options.log ?? silentLogger;
  const host = options.host ?? SYSLOG_DEFAULTS.host;
  const requestedPort = options.port ?? SYSLOG_DEFAULTS.port;
  const flow = new FlowControl(options.sink, log);
  const stream = {
    host,
    maxFrameBytes: options.maxFrameBytes ?? SYSLOG_DEFAULTS.maxFrameBytes,
    maxConnections: options.maxConnections ?? SYSLOG_DEFAULTS.maxConnections,
    idleTimeoutMs: options.idleTimeoutMs ?? SYSLOG_DEFAULTS.idleTimeoutMs,
    allowedSenders: options.allowedSenders,
    flow,
    log,
  };
  const all: ListenerCounters[] = [];
  const closers: Array<() => Promise<void>> = [];
  const ports: Partial<Record<SyslogTransport, number>> = {};

  try {
    if (options.tcp !== false) {
      const counters = newCounters("syslog-tcp", "tcp");
      const l = await startStreamListener({ ...stream, transport: "tcp", port: requestedPort, counters });
      all.push(counters);
      closers.push(l.close);
      ports.tcp = l.port;
    }
    if (options.udp !== false) {
      const counters = newCounters("syslog-udp", "udp");
      const udp = {
        host,
        recvBufferBytes: options.udpRecvBufferBytes ?? SYSLOG_DEFAULTS.udpRecvBufferBytes,
        maxFrameBytes: stream.maxFrameBytes,
        allowedSenders: options.allowedSenders,
        sink: options.sink,
        counters,
        log,
      };
      // Same port number as TCP, as users expect; with port 0 (tests) that number may be taken for UDP.
      const port = ports.tcp ?? requestedPort;
      const l = await startUdpListener({ ...udp, port }).catch((err: unknown) => {
        if (requestedPort !== 0) throw err;
        return startUdpListener({ ...udp, port: 0 });
      });
      all.push(counters);
      closers.push(l.close);
      ports.udp = l.port;
    }
    if (options.tls) {
      const counters = newCounters("syslog-tls", "tls");
      const tlsPort = options.tls.port ?? SYSLOG_DEFAULTS.tlsPort;
      let tls: { cert: string; key: string };
      try {
        const [cert, key] = await Promise.all([pem(options.tls.cert), pem(options.tls.key)]);
        tls = { cert, key };
        // Fail here, with a message naming the setting, rather than deep inside the TLS server.
        createSecureContext(tls);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new Error(`syslog TLS: cannot use the configured certificate and key (${why})`, { cause: err });
      }
      const l = await startStreamListener({ ...stream, transport: "tls", port: tlsPort, tls, counters });
      all.push(counters);
      closers.push(l.close);
      ports.tls = l.port;
    }
  } catch (err) {
    // Do not leave half the listeners bound when one port is taken.
    await Promise.all(closers.map((c) => c()));
    throw err;
  }

  let closing: Promise<void> | null = null;
  return {
    ports,
    counters: () => all.map((c) => ({ ...c })),
    close: () => {
      closing ??= Promise.all(closers.map((c) => c())).then(() => undefined);
      return closing;
    },
  };
}

/** PEM text is used as is; anything else is a file path. */
async function pem(value: string): Promise<string> {
  return value.includes("-----BEGIN") ? value : readFile(value, "utf8");
}
