import type net from "node:net";
import { listenStream } from "../syslog/stream-server.js";
import {
  type DebugLogger,
  isAllowed,
  type ListenerCounters,
  newCounters,
  normalisePeer,
  silentLogger,
} from "../syslog/types.js";
import { RelpSession, type RelpSink } from "./session.js";

/**
 * The RELP listener (rsyslog's omrelp → Vigil): each syslog message is acknowledged only once it is in
 * the event store, so a sender with a queue loses nothing when Vigil is killed — what was not
 * acknowledged is sent again. Plain TCP by default; TLS when a certificate and key are given.
 */
export interface RelpListenerOptions {
  sink: RelpSink;
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** PEM contents. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  maxDataBytes?: number;
  maxConnections?: number;
  idleTimeoutMs?: number;
  maxUnacked?: number;
  allowedSenders?: (ip: string) => boolean;
  /** `name,version,url` sent in the `open` answer. */
  software?: string;
  log?: DebugLogger;
}

export const RELP_DEFAULTS = {
  host: "0.0.0.0",
  maxDataBytes: 64 << 10,
  maxConnections: 10_000,
  idleTimeoutMs: 10 * 60_000,
  maxUnacked: 10_000,
  software: "vigil,1,https://github.com/vigil",
  /** How long shutdown waits for stored batches to be acknowledged before closing anyway. */
  closeGraceMs: 5_000,
} satisfies Record<string, string | number>;

export interface RelpListener {
  port: number;
  counters(): ListenerCounters;
  /** Stops accepting, answers what is stored, tells each sender `serverclose`, closes. */
  close(): Promise<void>;
}

export async function startRelpListener(o: RelpListenerOptions): Promise<RelpListener> {
  const log = o.log ?? silentLogger;
  const counters = newCounters(o.tls ? "relp-tls" : "relp", o.tls ? "tls" : "tcp");
  const sessions = new Map<net.Socket, RelpSession>();
  const idleTimeoutMs = o.idleTimeoutMs ?? RELP_DEFAULTS.idleTimeoutMs;

  const onSocket = (socket: net.Socket): void => {
    const peer = normalisePeer(socket.remoteAddress);
    if (!isAllowed(o.allowedSenders, peer, log)) {
      counters.rejected++;
      log.debug({ peer }, "RELP connection from a sender that is not allowed: closed");
      socket.destroy();
      return;
    }
    const session = new RelpSession({
      socket,
      peer,
      transport: o.tls ? "tls" : "tcp",
      sink: o.sink,
      maxDataBytes: o.maxDataBytes ?? RELP_DEFAULTS.maxDataBytes,
      maxUnacked: o.maxUnacked ?? RELP_DEFAULTS.maxUnacked,
      software: o.software ?? RELP_DEFAULTS.software,
      counters,
      log,
    });
    sessions.set(socket, session);
    counters.connections++;
    socket.setTimeout(idleTimeoutMs);
    socket.on("data", (chunk: Buffer) => session.onData(chunk));
    socket.on("timeout", () => {
      // A socket we paused (store lagging, acknowledgements pending) is not an idle sender.
      if (socket.isPaused()) {
        socket.setTimeout(idleTimeoutMs);
        return;
      }
      log.debug({ peer }, "RELP connection idle: closed");
      socket.destroy();
    });
    socket.on("error", (err: Error) => {
      counters.errors++;
      log.debug({ err, peer }, "RELP connection error");
    });
    socket.on("close", () => {
      counters.connections--;
      sessions.delete(socket);
    });
  };

  const server = await listenStream({
    tls: o.tls,
    host: o.host ?? RELP_DEFAULTS.host,
    port: o.port,
    maxConnections: o.maxConnections ?? RELP_DEFAULTS.maxConnections,
    onSocket,
    counters,
    log,
    label: "RELP",
  });
  const port = counters.port;

  let closing: Promise<void> | null = null;
  return {
    port,
    counters: () => ({ ...counters }),
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((r) => server.close(() => r()));
        const closed = [...sessions.keys()].map((s) => new Promise<void>((r) => s.once("close", () => r())));
        for (const s of sessions.values()) void s.serverClose();
        // Each session ends itself once its stored batches are answered; a sender that never reads is cut.
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((r) => {
          timer = setTimeout(r, RELP_DEFAULTS.closeGraceMs);
        });
        await Promise.race([Promise.all(closed), grace]);
        clearTimeout(timer);
        for (const s of sessions.keys()) s.destroy();
        await Promise.all([stopped, ...closed]);
      })();
      return closing;
    },
  };
}
