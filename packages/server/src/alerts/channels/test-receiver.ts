import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** A local HTTP receiver for Slack and webhook tests: records calls, answers as scripted per path. */
export interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  raw: string;
  at: number;
}

export interface Receiver {
  base: string;
  port: number;
  received: Received[];
  hits(path: string): Received[];
  /** Status codes to answer on a path, in order; 200 once used up. */
  script(path: string, codes: number[]): void;
  /** Hold answers on a path this long. */
  delay(path: string, ms: number): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const scripts = new Map<string, number[]>();
  const delays = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "";
      received.push({
        path,
        headers: req.headers,
        raw: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      });
      const code = scripts.get(path)?.shift() ?? 200;
      setTimeout(() => res.writeHead(code).end(), delays.get(path) ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    received,
    hits: (path) => received.filter((r) => r.path === path),
    script: (path, codes) => scripts.set(path, [...codes]),
    delay: (path, ms) => delays.set(path, ms),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** What a receiver does to trust a call: recompute the HMAC-SHA256 of the raw body. */
export function signatureValid(secret: string, r: Received): boolean {
  return (
    r.headers["x-vigil-signature"] === `sha256=${createHmac("sha256", secret).update(r.raw).digest("hex")}`
  );
}
