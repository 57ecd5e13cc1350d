/**
 * TCP (RFC 6587) and TLS (RFC 5425) syslog listeners: one FrameSplitter per connection, the frames of one
 * `data` chunk pushed to the sink as one batch, backpressure through the shared FlowControl.
 */

import type net from "node:net";
import { toLine } from "./decode.js";
import type { FlowControl } from "./flow.js";
import { FrameSplitter } from "./framing.js";
import { listenStream } from "./stream-server.js";
import {
  type DebugLogger,
  isAllowed,
  type ListenerCounters,
  normalisePeer,
  type ReceivedLine,
  type SyslogTransport,
} from "./types.js";

export interface StreamListenerOptions {
  transport: Exclude<SyslogTransport, "udp">;
  host: string;
  port: number;
  /** Required for TLS: PEM contents. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  maxFrameBytes: number;
  maxConnections: number;
  idleTimeoutMs: number;
  allowedSenders?: (ip: string) => boolean;
  flow: FlowControl;
  counters: ListenerCounters;
  log: DebugLogger;
}

export interface StreamListener {
  port: number;
  close(): Promise<void>;
}

export async function startStreamListener(o: StreamListenerOptions): Promise<StreamListener> {
  const { counters, log, transport } = o;
  const sockets = new Set<net.Socket>();

  const onSocket = (socket: net.Socket): void => {
    const peer = normalisePeer(socket.remoteAddress);
    if (!isAllowed(o.allowedSenders, peer, log)) {
      counters.rejected++;
      log.debug({ peer, transport }, "syslog connection from a sender that is not allowed: closed");
      socket.destroy();
      return;
    }
    sockets.add(socket);
    counters.connections++;
    o.flow.add(socket);
    socket.setTimeout(o.idleTimeoutMs);

    const splitter = new FrameSplitter({ maxFrameBytes: o.maxFrameBytes });
    let batch: ReceivedLine[] = [];
    let now = 0;
    let discarded = 0;
    const onFrame = (frame: Buffer, truncated: boolean): void => {
      batch.push(toLine(frame, truncated, peer, transport, now, counters));
    };
    const deliver = (): void => {
      counters.discardedBytes += splitter.discardedBytes - discarded;
      discarded = splitter.discardedBytes;
      if (batch.length === 0) return;
      const lines = batch;
      batch = [];
      counters.received += lines.length;
      o.flow.push(lines, counters);
    };

    socket.on("data", (chunk: Buffer) => {
      counters.bytes += chunk.length;
      now = Date.now();
      splitter.push(chunk, onFrame);
      deliver();
    });
    socket.on("timeout", () => {
      // Silence we caused by pausing for backpressure is not the sender idling: wait another period.
      if (o.flow.isPaused) {
        socket.setTimeout(o.idleTimeoutMs);
        return;
      }
      log.debug({ peer, transport }, "syslog connection idle: closed");
      socket.destroy();
    });
    socket.on("error", (err: Error) => {
      counters.errors++;
      log.debug({ err, peer, transport }, "syslog connection error");
    });
    socket.on("close", () => {
      // A last line without terminator (or a short octet frame) is still delivered.
      now = Date.now();
      splitter.end(onFrame);
      deliver();
      counters.connections--;
      sockets.delete(socket);
      o.flow.remove(socket);
    });
  };

  if (transport === "tls" && !o.tls) throw new Error("TLS syslog listener needs a certificate and a key");
  const server = await listenStream({
    tls: transport === "tls" ? o.tls : undefined,
    host: o.host,
    port: o.port,
    maxConnections: o.maxConnections,
    onSocket,
    counters,
    log,
    label: "syslog",
  });

  return {
    port: counters.port,
    close: async () => {
      // Wait for each socket's own close handler too: it delivers the connection's last partial line.
      const closed = [...sockets].map((s) => new Promise<void>((r) => s.once("close", () => r())));
      const stopped = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await Promise.all([stopped, ...closed]);
    },
  };
}
