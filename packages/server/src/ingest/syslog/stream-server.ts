import net from "node:net";
import tls from "node:tls";
import { type DebugLogger, type ListenerCounters, normalisePeer } from "./types.js";

/**
 * A listening TCP or TLS server for a stream protocol (syslog over TCP/TLS, RELP): handshake failures,
 * connections over the limit and server errors are counted, never thrown; the counters say the port
 * and whether it is up. The protocol itself lives in `onSocket`.
 */
export async function listenStream(o: {
  /** PEM contents: TLS when given, plain TCP otherwise. */
  tls?: { cert: string | Buffer; key: string | Buffer } | undefined;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  maxConnections: number;
  onSocket: (socket: net.Socket) => void;
  counters: ListenerCounters;
  log: DebugLogger;
  /** Names the listener in debug lines: "syslog", "RELP". */
  label: string;
}): Promise<net.Server> {
  const { counters, log, label } = o;
  let server: net.Server;
  if (o.tls) {
    const tlsServer = tls.createServer({ cert: o.tls.cert, key: o.tls.key });
    tlsServer.on("secureConnection", o.onSocket);
    tlsServer.on("tlsClientError", (err: Error, socket: tls.TLSSocket) => {
      counters.errors++;
      log.debug({ err, peer: normalisePeer(socket.remoteAddress) }, `${label} TLS handshake failed`);
    });
    server = tlsServer;
  } else {
    server = net.createServer(o.onSocket);
  }
  server.maxConnections = o.maxConnections;
  server.on("drop", (data?: { remoteAddress?: string }) => {
    counters.errors++;
    log.debug(
      { peer: normalisePeer(data?.remoteAddress), transport: counters.transport },
      `${label} connection over the limit`,
    );
  });
  server.on("error", (err: Error) => {
    counters.errors++;
    log.debug({ err, transport: counters.transport }, `${label} listener error`);
  });

  counters.port = await new Promise<number>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen({ host: o.host, port: o.port }, () => {
      server.off("error", onError);
      const addr = server.address();
      resolve(typeof addr === "object" && addr !== null ? addr.port : o.port);
    });
  });
  counters.up = true;
  server.on("close", () => {
    counters.up = false;
  });
  return server;
}
