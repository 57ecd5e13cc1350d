import { readFile } from "node:fs/promises";
import { createSecureContext } from "node:tls";
import type { DebugLogger, ListenerCounters } from "../syslog/types.js";
import { type RelpListener, startRelpListener } from "./listener.js";
import type { RelpSink } from "./session.js";

/**
 * The RELP listeners the configuration asks for: plain on `port`, TLS on `tlsPort` (with the syslog
 * certificate and key), either or both or none.
 */
export interface RelpListenersOptions {
  sink: RelpSink;
  host: string;
  port: number | null;
  tlsPort: number | null;
  /** PEM text or file paths; required for `tlsPort`. */
  tls: { cert: string; key: string } | null;
  maxDataBytes: number;
  allowedSenders?: (ip: string) => boolean;
  software: string;
  log: DebugLogger;
}

export interface RelpListeners {
  ports: { relp?: number; relpTls?: number };
  counters(): ListenerCounters[];
  close(): Promise<void>;
}

export async function startRelpListeners(o: RelpListenersOptions): Promise<RelpListeners> {
  const common = {
    sink: o.sink,
    host: o.host,
    maxDataBytes: o.maxDataBytes,
    software: o.software,
    log: o.log,
    ...(o.allowedSenders ? { allowedSenders: o.allowedSenders } : {}),
  };
  const started: RelpListener[] = [];
  const ports: RelpListeners["ports"] = {};
  try {
    if (o.port !== null) {
      const l = await startRelpListener({ ...common, port: o.port });
      started.push(l);
      ports.relp = l.port;
    }
    if (o.tlsPort !== null) {
      if (!o.tls) throw new Error("RELP over TLS needs the syslog TLS certificate and key");
      let tls: { cert: string; key: string };
      try {
        const [cert, key] = await Promise.all([pem(o.tls.cert), pem(o.tls.key)]);
        tls = { cert, key };
        createSecureContext(tls);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new Error(`RELP TLS: cannot use the configured certificate and key (${why})`, { cause: err });
      }
      const l = await startRelpListener({ ...common, port: o.tlsPort, tls });
      started.push(l);
      ports.relpTls = l.port;
    }
  } catch (err) {
    await Promise.all(started.map((l) => l.close()));
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    ports,
    counters: () => started.map((l) => l.counters()),
    close: () => {
      closing ??= Promise.all(started.map((l) => l.close())).then(() => undefined);
      return closing;
    },
  };
}

/** PEM text is used as is; anything else is a file path. */
async function pem(value: string): Promise<string> {
  return value.includes("-----BEGIN") ? value : readFile(value, "utf8");
}
