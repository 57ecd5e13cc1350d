import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";

/**
 * A small feed host for tests, on 127.0.0.1: serves documents by path with a strong ETag, answers
 * If-None-Match with 304 (and counts those conditional hits), can gzip, and can fail on demand.
 */
export interface FeedDoc {
  body: string;
  /** Send Content-Encoding: gzip. */
  gzip?: boolean;
  /** Answer with this status instead of the document. */
  status?: number;
  /** Send no ETag, only this Last-Modified (answer If-Modified-Since with 304 when equal). */
  lastModified?: string;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
  /** Answer 401 unless the request carries HTTP Basic auth with this `user:password`. */
  basicAuth?: string;
}

export interface FeedTestServer {
  url(path: string): string;
  set(path: string, doc: FeedDoc): void;
  /** Requests per path, and how many of them were answered 304. */
  hits(path: string): { requests: number; notModified: number };
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedTestServer> {
  const docs = new Map<string, FeedDoc>();
  const counts = new Map<string, { requests: number; notModified: number }>();
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const c = counts.get(path) ?? { requests: 0, notModified: 0 };
    counts.set(path, c);
    c.requests++;
    const doc = docs.get(path);
    if (!doc) {
      res.writeHead(404).end("not found");
      return;
    }
    if (doc.delayMs) await new Promise((r) => setTimeout(r, doc.delayMs));
    if (
      doc.basicAuth &&
      req.headers.authorization !== `Basic ${Buffer.from(doc.basicAuth).toString("base64")}`
    ) {
      res.writeHead(401).end("credentials required");
      return;
    }
    if (doc.status) {
      res.writeHead(doc.status).end("failing on purpose");
      return;
    }
    const validators: Record<string, string> = doc.lastModified
      ? { "last-modified": doc.lastModified }
      : { etag: `"${createHash("sha1").update(doc.body).digest("hex")}"` };
    const fresh = doc.lastModified
      ? req.headers["if-modified-since"] === doc.lastModified
      : req.headers["if-none-match"] === validators.etag;
    if (fresh) {
      c.notModified++;
      res.writeHead(304, validators).end();
      return;
    }
    const payload = doc.gzip ? gzipSync(doc.body) : Buffer.from(doc.body);
    res.writeHead(200, {
      ...validators,
      "content-type": "text/plain",
      "content-length": payload.length,
      ...(doc.gzip ? { "content-encoding": "gzip" } : {}),
    });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    set: (path, doc) => docs.set(path, doc),
    hits: (path) => ({ ...(counts.get(path) ?? { requests: 0, notModified: 0 }) }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
