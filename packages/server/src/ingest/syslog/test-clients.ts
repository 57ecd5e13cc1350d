/** Test-only senders over real sockets. */

import { execFile } from "node:child_process";
import dgram from "node:dgram";
import { existsSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import tls from "node:tls";

export function hasCommand(cmd: string): boolean {
  return (process.env.PATH ?? "").split(":").some((d) => d !== "" && existsSync(join(d, cmd)));
}

export function sendUdp(port: number, payloads: Array<string | Buffer>): Promise<void> {
  const socket = dgram.createSocket("udp4");
  return new Promise((resolve, reject) => {
    let left = payloads.length;
    for (const p of payloads) {
      socket.send(p, port, "127.0.0.1", (err) => {
        if (err) reject(err);
        if (--left === 0) socket.close(() => resolve());
      });
    }
  });
}

export type Transport = "tcp" | "tls";

/** Opens a TCP or TLS connection to 127.0.0.1 (TLS without verifying the self-signed certificate). */
export function connect(transport: Transport, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s =
      transport === "tls"
        ? tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => resolve(s))
        : net.connect({ host: "127.0.0.1", port }, () => resolve(s));
    s.once("error", reject);
  });
}

export function write(socket: net.Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
}

export function end(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    socket.once("close", () => resolve());
    socket.end();
  });
}

/** Runs util-linux `logger` and resolves when it exits. */
export function runLogger(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("logger", args, (err) => (err ? reject(err) : resolve()));
  });
}
