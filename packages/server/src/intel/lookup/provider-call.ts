import type { ProviderSpec, ProviderVerdict } from "../providers/provider.js";

/**
 * The one place Vigil talks HTTP to a threat-intelligence provider: build the request from the spec,
 * send it with a bounded timeout, and map whatever comes back (or does not) onto a verdict. Never
 * throws: a timeout, a refused connection or a reset is an "error" verdict naming what happened.
 */
export const DEFAULT_TIMEOUT_MS = 5000;

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ProviderCall {
  spec: ProviderSpec;
  ip: string;
  key: string | null;
  /** The provider's base URL (`VIGIL_TI_<NAME>_URL` or the spec's default). */
  baseUrl: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}

export function providerUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, "")}${path}`;
}

/** A key some provider takes in the query string (Pulsedive) must never reach a stored or shown error. */
function withoutKey(verdict: ProviderVerdict, key: string | null): ProviderVerdict {
  if (!key || verdict.status === "ok" || !verdict.detail.includes(key)) return verdict;
  return { ...verdict, detail: verdict.detail.replaceAll(key, "********") };
}

export async function callProvider(c: ProviderCall): Promise<ProviderVerdict> {
  return withoutKey(await askProvider(c), c.key);
}

async function askProvider(c: ProviderCall): Promise<ProviderVerdict> {
  const req = c.spec.request(c.ip, c.key);
  const doFetch = c.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = c.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let status: number;
  let body: string;
  const headers: Record<string, string> = {};
  try {
    const res = await doFetch(providerUrl(c.baseUrl, req.path), {
      method: req.method,
      headers: req.headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    body = await res.text();
  } catch (err) {
    const e = err as Error;
    if (e.name === "TimeoutError" || e.name === "AbortError")
      return { status: "error", detail: `no answer within ${Math.round(timeoutMs / 100) / 10} s` };
    // fetch hides the socket error in `cause` (ECONNREFUSED, ENOTFOUND…): that is the useful part.
    const cause = (e.cause as { code?: string; message?: string } | undefined) ?? undefined;
    return { status: "error", detail: `unreachable: ${cause?.code ?? cause?.message ?? e.message}` };
  }
  try {
    return c.spec.read(status, body, headers, c.ip);
  } catch (err) {
    return { status: "error", detail: `unreadable answer: ${(err as Error).message}` };
  }
}
