import { createSocket } from "node:dgram";
import { connect, type Socket } from "node:net";

/**
 * Sends syslog frames to a Vigil listener: one datagram per line over UDP, or LF-framed lines over TCP
 * (reconnecting if the server restarts). `send` resolves at once unless the TCP socket is full, in
 * which case it waits for 'drain': the sender never buffers without bound.
 */
export interface SyslogSender {
  send(line: string): Promise<void> | undefined;
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface SenderOptions {
  host: string;
  port: number;
  transport: "udp" | "tcp";
  onError?: (err: Error) => void;
}

export function createSyslogSender(o: SenderOptions): SyslogSender {
  return o.transport === "udp" ? udpSender(o) : tcpSender(o);
}

function udpSender(o: SenderOptions): SyslogSender {
  const family = o.host.includes(":") ? "udp6" : "udp4";
  const sock = createSocket(family);
  sock.on("error", (err) => o.onError?.(err));
  return {
    connected: true,
    send(line) {
      sock.send(line, o.port, o.host);
      return undefined;
    },
    close: () => new Promise((r) => sock.close(() => r())),
  };
}

function tcpSender(o: SenderOptions): SyslogSender {
  let sock: Socket | null = null;
  let up = false;
  let closed = false;
  let waiting: Promise<void> | null = null;
  // Resolved when the socket (re)connects or the sender closes: sends wait on it instead of dropping lines.
  let onUp: (() => void)[] = [];
  const wake = () => {
    const fns = onUp;
    onUp = [];
    for (const f of fns) f();
  };

  const open = () => {
    const s = connect({ host: o.host, port: o.port });
    s.setNoDelay(false);
    s.on("connect", () => {
      up = true;
      wake();
    });
    s.on("error", (err) => o.onError?.(err));
    s.on("close", () => {
      up = false;
      if (!closed) setTimeout(open, 1000).unref();
    });
    sock = s;
  };
  open();

  const sender: SyslogSender = {
    get connected() {
      return up;
    },
    send(line) {
      if (closed) return undefined;
      if (waiting) return waiting.then(() => sender.send(line));
      const s = sock;
      if (!s || !up) {
        // Not connected yet (or reconnecting): hold this line until the link is back, queue nothing more.
        return new Promise<void>((r) => onUp.push(r)).then(() => sender.send(line));
      }
      if (!s.write(`${line}\n`)) {
        waiting = new Promise<void>((r) => {
          const done = () => {
            waiting = null;
            s.off("drain", done);
            s.off("close", done);
            r();
          };
          s.once("drain", done);
          s.once("close", done);
        });
        return waiting;
      }
      return undefined;
    },
    close() {
      closed = true;
      wake();
      const s = sock;
      if (!s || s.destroyed) return Promise.resolve();
      return new Promise((r) => s.end(() => r()));
    },
  };
  return sender;
}
