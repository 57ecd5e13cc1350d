import http from "node:http";
import https from "node:https";
import { type Allowlist, guardUrl } from "./outbound-guard.js";

export interface PostOptions {
  allow: Allowlist;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/** Thrown for answers worth retrying (5xx, 429, network); a refused destination or a 4xx is final. */
export class PostError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** POSTs a JSON body through the outbound guard; resolves on 2xx. */
export async function postJson(rawUrl: string, body: string, opts: PostOptions): Promise<void> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new PostError(`invalid URL`, false);
  }
  let lookup: ReturnType<typeof guardUrl>;
  try {
    lookup = guardUrl(url, opts.allow);
  } catch (e) {
    throw new PostError((e as Error).message, false);
  }
  const lib = url.protocol === "https:" ? https : http;
  await new Promise<void>((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: "POST",
        timeout: opts.timeoutMs ?? 10_000,
        ...(lookup ? { lookup } : {}),
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "vigil-notifications",
          ...opts.headers,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve();
          else reject(new PostError(`HTTP ${code} from ${url.host}`, code >= 500 || code === 429));
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer in time")));
    req.on("error", (e) => {
      if (e instanceof PostError) return reject(e);
      reject(new PostError(`${url.host}: ${e.message}`, !e.message.startsWith("refused")));
    });
    req.end(body);
  });
}

export interface RetryOptions {
  tries?: number;
  /** First pause; each following one doubles (so 3 tries wait base, then 2 × base). */
  baseDelayMs?: number;
}

/** Posts with exponential backoff on retryable failures; never throws, reports the final reason. */
export async function postWithRetries(
  url: string,
  body: string,
  opts: PostOptions & RetryOptions,
): Promise<{ ok: boolean; error?: string; attempts: number }> {
  const tries = opts.tries ?? 3;
  const base = opts.baseDelayMs ?? 1000;
  let error = "";
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      await postJson(url, body, opts);
      return { ok: true, attempts: attempt };
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      const retryable = e instanceof PostError ? e.retryable : true;
      if (!retryable || attempt === tries) return { ok: false, error, attempts: attempt };
      await new Promise((r) => setTimeout(r, base * 2 ** (attempt - 1)));
    }
  }
  return { ok: false, error, attempts: tries };
}
