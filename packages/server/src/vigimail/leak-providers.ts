/**
 * Leak providers over their documented wire formats (research notes §2.1–2.2): Have I Been Pwned v3
 * and LeakCheck v2. One HTTP function with a timeout; calls spaced to the provider's rate limit; a 429
 * waits for `retry-after` (HIBP sends seconds) before trying again, and a longer wait than we are
 * willing to block fails the check instead (the next run picks it up).
 */
export interface Breach {
  source: "hibp" | "leakcheck";
  name: string;
  title: string;
  domain: string | null;
  /** YYYY-MM-DD, or YYYY-MM when the provider knows only the month. */
  date: string | null;
  data_classes: string[];
  verified: boolean;
  sensitive: boolean;
  description: string;
}

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${provider}: ${message}`);
    this.name = "ProviderError";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Spaces calls `intervalMs` apart (one provider's requests per minute/second), across callers. */
export class Pacer {
  private next = 0;
  constructor(public intervalMs: number) {}
  async wait(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    if (at > now) await sleep(at - now);
  }
  /** Nobody calls before `ms` from now (a 429's retry-after). */
  holdFor(ms: number): void {
    this.next = Math.max(this.next, Date.now() + ms);
  }
}

export interface ProviderHttp {
  timeoutMs?: number;
  /** A 429 asking to wait longer than this fails the check instead of blocking (default 120 s). */
  maxRetryWaitMs?: number;
  retries?: number;
}

async function call(
  provider: string,
  url: string,
  headers: Record<string, string>,
  pacer: Pacer,
  o: ProviderHttp,
): Promise<Response> {
  const retries = o.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    await pacer.wait();
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(o.timeoutMs ?? 15_000) });
    } catch (err) {
      throw new ProviderError(provider, `unreachable (${(err as Error).message})`);
    }
    if (res.status !== 429) return res;
    await res.body?.cancel();
    const after = Number(res.headers.get("retry-after"));
    const waitMs = Number.isFinite(after) && after > 0 ? after * 1000 : 2000;
    pacer.holdFor(waitMs);
    if (attempt >= retries || waitMs > (o.maxRetryWaitMs ?? 120_000)) {
      throw new ProviderError(provider, `rate limited (retry after ${Math.ceil(waitMs / 1000)} s)`, 429);
    }
  }
}

async function failure(provider: string, res: Response): Promise<ProviderError> {
  const body = (await res.text().catch(() => "")).slice(0, 200).trim();
  return new ProviderError(provider, `HTTP ${res.status}${body ? `: ${body}` : ""}`, res.status);
}

interface HibpBreachModel {
  Name: string;
  Title?: string;
  Domain?: string;
  BreachDate?: string;
  DataClasses?: string[];
  IsVerified?: boolean;
  IsSensitive?: boolean;
  Description?: string;
}

const fromHibp = (b: HibpBreachModel): Breach => ({
  source: "hibp",
  name: b.Name,
  title: b.Title ?? b.Name,
  domain: b.Domain || null,
  date: b.BreachDate ?? null,
  data_classes: b.DataClasses ?? [],
  verified: b.IsVerified ?? true,
  sensitive: b.IsSensitive ?? false,
  description: b.Description ?? "",
});

export interface HibpClient {
  /** Breaches of one account; [] when HIBP answers 404 (not pwned). */
  breachedAccount(email: string): Promise<Breach[]>;
  /** Aliases of a domain verified for the key and their breach names; null when the key may not. */
  breachedDomain(domain: string): Promise<Record<string, string[]> | null>;
  breach(name: string): Promise<Breach | null>;
}

export function hibpClient(
  o: { baseUrl: string; key: string; userAgent: string; pacer: Pacer } & ProviderHttp,
): HibpClient {
  const base = o.baseUrl.replace(/\/+$/, "");
  const headers = { "hibp-api-key": o.key, "user-agent": o.userAgent, accept: "application/json" };
  const get = (path: string) => call("HIBP", `${base}${path}`, headers, o.pacer, o);
  return {
    async breachedAccount(email) {
      const res = await get(`/breachedaccount/${encodeURIComponent(email)}?truncateResponse=false`);
      if (res.status === 404) return [];
      if (!res.ok) throw await failure("HIBP", res);
      return ((await res.json()) as HibpBreachModel[]).map(fromHibp);
    },
    async breachedDomain(domain) {
      const res = await get(`/breacheddomain/${encodeURIComponent(domain)}`);
      // 401/403: the key's plan or the domain's verification does not allow a domain search.
      if (res.status === 401 || res.status === 403) return null;
      if (res.status === 404) return {};
      if (!res.ok) throw await failure("HIBP", res);
      return (await res.json()) as Record<string, string[]>;
    },
    async breach(name) {
      const res = await get(`/breach/${encodeURIComponent(name)}`);
      if (res.status === 404) return null;
      if (!res.ok) throw await failure("HIBP", res);
      return fromHibp((await res.json()) as HibpBreachModel);
    },
  };
}

interface LeakCheckAnswer {
  success: boolean;
  found?: number;
  error?: string;
  message?: string;
  result?: Array<{
    source?: { name?: string; breach_date?: string; unverified?: number };
    fields?: string[];
  }>;
}

export interface LeakCheckClient {
  breachedAccount(email: string): Promise<Breach[]>;
}

export function leakCheckClient(
  o: { baseUrl: string; key: string; pacer: Pacer } & ProviderHttp,
): LeakCheckClient {
  const base = o.baseUrl.replace(/\/+$/, "");
  return {
    async breachedAccount(email) {
      const res = await call(
        "LeakCheck",
        `${base}/query/${encodeURIComponent(email)}?type=email`,
        { "x-api-key": o.key, accept: "application/json" },
        o.pacer,
        o,
      );
      if (!res.ok) throw await failure("LeakCheck", res);
      const body = (await res.json()) as LeakCheckAnswer;
      if (!body.success) throw new ProviderError("LeakCheck", body.error ?? body.message ?? "request failed");
      // One result per leaked record; a source appears once per mailbox however many records it holds.
      const bySource = new Map<string, Breach>();
      for (const r of body.result ?? []) {
        const name = r.source?.name ?? "Unknown source";
        const prior = bySource.get(name);
        const fields = [...new Set([...(prior?.data_classes ?? []), "email", ...(r.fields ?? [])])];
        bySource.set(name, {
          source: "leakcheck",
          name,
          title: name,
          domain: null,
          date: r.source?.breach_date ?? null,
          data_classes: fields,
          verified: r.source?.unverified !== 1,
          sensitive: false,
          description: "",
        });
      }
      return [...bySource.values()];
    },
  };
}
