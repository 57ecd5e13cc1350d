import { gunzipSync } from "node:zlib";

/**
 * Download a feed with a conditional GET: the feed's last ETag / Last-Modified go out as
 * If-None-Match / If-Modified-Since, and a 304 means "unchanged" (no body, no parse, no rewrite).
 * Bounded in time and size; gzip arrives either as Content-Encoding (decoded by fetch) or as a
 * `.gz` file body (decoded here, under the same size limit).
 */
export interface FetchOptions {
  etag?: string | null;
  lastModified?: string | null;
  timeoutMs?: number;
  maxBytes?: number;
  /** Abort from outside (shutdown). */
  signal?: AbortSignal;
}

export type FetchResult =
  | { status: "not_modified" }
  | { status: "ok"; body: string; etag: string | null; lastModified: string | null; bytes: number };

export const FEED_FETCH_DEFAULTS = {
  timeoutMs: 30_000,
  maxBytes: 50 * 1024 * 1024,
} satisfies FetchOptions;

export async function fetchFeed(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  const { timeoutMs, maxBytes } = { ...FEED_FETCH_DEFAULTS, ...options };
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new Error(`unsupported URL scheme ${parsed.protocol} (http or https only)`);
  const headers: Record<string, string> = {
    accept: "text/plain, application/json, */*",
    "accept-encoding": "gzip, deflate",
    "user-agent": "vigil-feeds/1",
  };
  // fetch refuses a URL with credentials: `https://user:pass@host/…` becomes HTTP Basic auth.
  if (parsed.username !== "" || parsed.password !== "") {
    const basic = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    headers.authorization = `Basic ${Buffer.from(basic, "utf8").toString("base64")}`;
    parsed.username = "";
    parsed.password = "";
  }
  if (options.etag) headers["if-none-match"] = options.etag;
  if (options.lastModified) headers["if-modified-since"] = options.lastModified;

  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let res: Response;
  try {
    res = await fetch(parsed, { headers, signal, redirect: "follow" });
  } catch (err) {
    throw new Error(describeFetchError(err, timeoutMs));
  }
  if (res.status === 304) {
    await res.body?.cancel();
    return { status: "not_modified" };
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  }
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes && !res.headers.get("content-encoding")) {
    await res.body?.cancel();
    throw new Error(`feed is ${declared} bytes, over the ${maxBytes}-byte limit`);
  }
  let raw: Buffer;
  try {
    raw = await readCapped(res, maxBytes);
  } catch (err) {
    throw new Error(describeFetchError(err, timeoutMs));
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw, { maxOutputLength: maxBytes });
    } catch (err) {
      throw new Error(`gzip body: ${(err as Error).message}`);
    }
  }
  return {
    status: "ok",
    body: raw.toString("utf8"),
    etag: res.headers.get("etag"),
    lastModified: res.headers.get("last-modified"),
    bytes: raw.length,
  };
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`feed is over the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === "TimeoutError") return `timed out after ${timeoutMs} ms`;
    if (err.name === "AbortError") return "aborted (shutting down)";
    // fetch wraps network errors ("fetch failed"); the cause says what happened (ECONNREFUSED, ENOTFOUND…).
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error) return `${err.message}: ${cause.message}`;
    return err.message;
  }
  return String(err);
}
