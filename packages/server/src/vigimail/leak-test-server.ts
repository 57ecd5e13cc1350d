import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for Have I Been Pwned v3 and LeakCheck v2 speaking their documented wire format
 * (research notes §2.1–2.2): HIBP wants `hibp-api-key` (401 without) and a `user-agent` (403
 * without), answers 404 for an account that is not pwned, and 429 with `retry-after` when told to;
 * LeakCheck wants `X-API-Key` and answers `{success, found, quota, result}`.
 */
export interface FakeBreach {
  Name: string;
  Title: string;
  Domain: string;
  BreachDate: string;
  AddedDate: string;
  ModifiedDate: string;
  PwnCount: number;
  Description: string;
  DataClasses: string[];
  IsVerified: boolean;
  IsFabricated: boolean;
  IsSensitive: boolean;
  IsRetired: boolean;
  IsSpamList: boolean;
  IsMalware: boolean;
  IsStealerLog: boolean;
  IsSubscriptionFree: boolean;
  LogoPath: string;
}

export function fakeBreach(name: string, over: Partial<FakeBreach> = {}): FakeBreach {
  return {
    Name: name,
    Title: name,
    Domain: `${name.toLowerCase()}.example`,
    BreachDate: "2013-10-04",
    AddedDate: "2013-12-04T00:00:00Z",
    ModifiedDate: "2022-05-15T23:52:49Z",
    PwnCount: 152445165,
    Description: `In 2013, ${name} was breached.`,
    DataClasses: ["Email addresses", "Passwords"],
    IsVerified: true,
    IsFabricated: false,
    IsSensitive: false,
    IsRetired: false,
    IsSpamList: false,
    IsMalware: false,
    IsStealerLog: false,
    IsSubscriptionFree: false,
    LogoPath: `https://example.invalid/${name}.png`,
    ...over,
  };
}

export interface LeakTestServer {
  /** Base URL of HIBP's v3 API (`…/api/v3`), for VIGIL_HIBP_URL. */
  hibpUrl: string;
  /** Base URL of LeakCheck's v2 API (`…/api/v2`), for VIGIL_LEAKCHECK_URL. */
  leakcheckUrl: string;
  hibpKey: string;
  leakcheckKey: string;
  /** account (lower-case) → breaches HIBP lists it in. */
  hibpAccounts: Map<string, FakeBreach[]>;
  /** domain → alias → breach names (the domain search of a verified domain). */
  hibpDomains: Map<string, Record<string, string[]>>;
  leakcheckAccounts: Map<string, Array<{ name: string; breach_date: string; fields: string[] }>>;
  /** The next N HIBP calls answer 429 with this retry-after. */
  rateLimit: { next: number; retryAfter: number };
  /** Answer every HIBP call with this status (e.g. 503) while set. */
  failWith: { status: number | null };
  requests: Array<{ path: string; headers: IncomingHttpHeaders; status: number }>;
  close(): Promise<void>;
}

export async function startLeakTestServer(): Promise<LeakTestServer> {
  const s: Omit<LeakTestServer, "hibpUrl" | "leakcheckUrl" | "close"> = {
    hibpKey: "00000000000000000000000000000000",
    leakcheckKey: "leakcheck-test-key-0000000000000000000000",
    hibpAccounts: new Map(),
    hibpDomains: new Map(),
    leakcheckAccounts: new Map(),
    rateLimit: { next: 0, retryAfter: 1 },
    failWith: { status: null },
    requests: [],
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      s.requests.push({ path: url.pathname + url.search, headers: req.headers, status });
      res.writeHead(status, {
        "content-type": typeof body === "string" ? "text/plain" : "application/json",
        ...headers,
      });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    const seg = url.pathname.split("/").map((p) => decodeURIComponent(p));
    if (url.pathname.startsWith("/api/v3/")) {
      if (!req.headers["user-agent"]) return send(403, "");
      if (s.failWith.status) return send(s.failWith.status, "Service unavailable");
      if (s.rateLimit.next > 0) {
        s.rateLimit.next--;
        return send(
          429,
          { statusCode: 429, message: "Rate limit is exceeded. Try again in 1 seconds." },
          { "retry-after": String(s.rateLimit.retryAfter) },
        );
      }
      const [, , , service, param = ""] = seg;
      if (service === "breach") {
        const b = [...s.hibpAccounts.values()].flat().find((x) => x.Name === param);
        return b ? send(200, b) : send(404, "");
      }
      const key = req.headers["hibp-api-key"];
      if (!key) return send(401, "Access denied due to missing hibp-api-key.");
      if (key !== s.hibpKey) return send(401, "Access denied due to invalid hibp-api-key.");
      if (service === "breachedaccount") {
        const found = s.hibpAccounts.get(param.trim().toLowerCase());
        if (!found || found.length === 0) return send(404, "");
        const truncate = url.searchParams.get("truncateResponse") !== "false";
        return send(200, truncate ? found.map((b) => ({ Name: b.Name })) : found);
      }
      if (service === "breacheddomain") {
        const d = s.hibpDomains.get(param);
        return d ? send(200, d) : send(403, "Domain not verified");
      }
      return send(404, "");
    }
    if (url.pathname.startsWith("/api/v2/query/")) {
      if (!req.headers["x-api-key"]) return send(401, { success: false, error: "Missing X-API-Key" });
      if (req.headers["x-api-key"] !== s.leakcheckKey)
        return send(400, { success: false, error: "Invalid X-API-Key" });
      const q = seg[4] ?? "";
      const found = s.leakcheckAccounts.get(q.toLowerCase()) ?? [];
      return send(200, {
        success: true,
        found: found.length,
        quota: 400,
        result: found.map((f) => ({
          email: q,
          source: {
            name: f.name,
            breach_date: f.breach_date,
            unverified: 0,
            passwordless: 0,
            compilation: 0,
          },
          fields: f.fields,
        })),
      });
    }
    send(404, "");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...s,
    hibpUrl: `${base}/api/v3`,
    leakcheckUrl: `${base}/api/v2`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  } as LeakTestServer;
}
