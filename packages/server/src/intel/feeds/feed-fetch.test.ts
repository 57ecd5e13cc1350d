import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchFeed } from "./feed-fetch.js";
import { type FeedTestServer, startFeedServer } from "./feed-test-server.js";

describe("feed fetcher", () => {
  let http: FeedTestServer;
  beforeAll(async () => {
    http = await startFeedServer();
  });
  afterAll(() => http.close());

  it("uses Last-Modified / If-Modified-Since when the server gives no ETag", async () => {
    const lastModified = "Wed, 21 Oct 2026 07:28:00 GMT";
    http.set("/lm.txt", { body: "1.1.1.1\n", lastModified });
    const first = await fetchFeed(http.url("/lm.txt"));
    expect(first).toMatchObject({ status: "ok", etag: null, lastModified, body: "1.1.1.1\n" });
    const again = await fetchFeed(http.url("/lm.txt"), { lastModified });
    expect(again).toEqual({ status: "not_modified" });
    expect(http.hits("/lm.txt")).toEqual({ requests: 2, notModified: 1 });
  });

  it("refuses bodies over the size limit, plain or gzip-expanded", async () => {
    http.set("/big.txt", { body: "9.9.9.9\n".repeat(1000) });
    await expect(fetchFeed(http.url("/big.txt"), { maxBytes: 1000 })).rejects.toThrow(/limit/);
    http.set("/bomb.txt", { body: "0".repeat(200_000), gzip: true });
    await expect(fetchFeed(http.url("/bomb.txt"), { maxBytes: 10_000 })).rejects.toThrow(/limit/);
  });

  it("decodes a .gz file served as a body (no Content-Encoding)", async () => {
    // Raw gzip bytes as the body, as a static `.gz` file is served.
    const s = createServer((_req, res) => res.end(gzipSync("2.2.2.2\n")));
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as { port: number }).port;
    const res = await fetchFeed(`http://127.0.0.1:${port}/list.txt.gz`);
    expect(res).toMatchObject({ status: "ok", body: "2.2.2.2\n" });
    await new Promise((r) => s.close(r));
  });

  it("times out, and refuses non-HTTP URLs", async () => {
    http.set("/slow.txt", { body: "1.1.1.1\n", delayMs: 2_000 });
    const t0 = Date.now();
    await expect(fetchFeed(http.url("/slow.txt"), { timeoutMs: 150 })).rejects.toThrow(
      /timed out after 150 ms/,
    );
    expect(Date.now() - t0).toBeLessThan(1_500);
    await expect(fetchFeed("file:///etc/passwd")).rejects.toThrow(/http or https/);
  });
});
