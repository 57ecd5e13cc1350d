/**
 * UDP syslog listener (RFC 5426): one message per datagram, or several LF-separated ones from senders that
 * pack them. UDP cannot be paused, so the sink's backpressure signal is not acted on here: the sink decides
 * what to do with lines it cannot take (the kernel drops datagrams when we fall behind; a larger receive
 * buffer absorbs bursts).
 */

import dgram from "node:dgram";
import { toLine } from "./decode.js";
import { DEFAULT_MAX_FRAME_BYTES, splitDatagram, utf8Boundary } from "./framing.js";
import { type DebugLogger, isAllowed, type LineSink, type ListenerCounters, normalisePeer } from "./types.js";

export interface UdpListenerOptions {
  host: string;
  port: number;
  recvBufferBytes: number;
  /** Longer messages are cut at a character boundary and flagged truncated. Default 64 KiB. */
  maxFrameBytes?: number;
  allowedSenders?: (ip: string) => boolean;
  sink: LineSink;
  counters: ListenerCounters;
  log: DebugLogger;
}

export interface UdpListener {
  port: number;
  close(): Promise<void>;
}

export async function startUdpListener(o: UdpListenerOptions): Promise<UdpListener> {
  const { counters, log } = o;
  const socket = dgram.createSocket({ type: o.host.includes(":") ? "udp6" : "udp4" });

  socket.on("message", (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    counters.bytes += msg.length;
    const peer = normalisePeer(rinfo.address);
    const frames = splitDatagram(msg);
    if (!isAllowed(o.allowedSenders, peer, log)) {
      counters.rejected += frames.length;
      log.debug({ peer, transport: "udp" }, "syslog datagram from a sender that is not allowed: dropped");
      return;
    }
    if (frames.length === 0) return;
    const now = Date.now();
    const max = o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    const lines = frames.map((f) => {
      if (f.length <= max) return toLine(f, false, peer, "udp", now, counters);
      const cut = utf8Boundary(f, max);
      counters.discardedBytes += f.length - cut;
      return toLine(f.subarray(0, cut), true, peer, "udp", now, counters);
    });
    counters.received += lines.length;
    try {
      o.sink.push(lines); // UDP cannot be paused: the answer is the sink's business
    } catch (err) {
      counters.errors++;
      log.debug({ err, lines: lines.length }, "syslog sink threw; lines lost");
    }
  });
  socket.on("error", (err: Error) => {
    counters.errors++;
    log.debug({ err, transport: "udp" }, "syslog UDP socket error");
  });

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    socket.once("error", onError);
    socket.bind({ address: o.host, port: o.port }, () => {
      socket.off("error", onError);
      resolve(socket.address().port);
    });
  });
  try {
    socket.setRecvBufferSize(o.recvBufferBytes);
  } catch (err) {
    // The kernel may refuse or cap it (net.core.rmem_max); the default still works, just drops sooner.
    log.debug({ err }, "syslog UDP receive buffer size not applied");
  }
  counters.port = port;
  counters.up = true;
  socket.on("close", () => {
    counters.up = false;
  });

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve(); // already closed
        }
      }),
  };
}
