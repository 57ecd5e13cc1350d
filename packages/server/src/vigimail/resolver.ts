import { Resolver } from "node:dns/promises";

/**
 * The one place Vigimail asks DNS. Every answer says how the lookup went, so a check can tell "this
 * domain has no such record" (nxdomain / nodata) from "we could not find out" (timeout / servfail /
 * error): the latter must never be reported as a missing record.
 */
export type DnsStatus = "ok" | "nxdomain" | "nodata" | "timeout" | "servfail" | "refused" | "error";

export type DnsAnswer<T> =
  | { status: "ok"; records: T[] }
  | { status: Exclude<DnsStatus, "ok">; records: []; message?: string };

export interface MxRecord {
  priority: number;
  exchange: string;
}

export interface DnsLookup {
  /** TXT records, each record's strings joined (RFC 7208 §3.3). */
  txt(name: string): Promise<DnsAnswer<string>>;
  mx(name: string): Promise<DnsAnswer<MxRecord>>;
  /** A and AAAA together: "ok" when either has an address. */
  addresses(name: string): Promise<DnsAnswer<string>>;
}

/** True when the lookup failed to get an answer (as opposed to an answer saying "none"). */
export function isLookupFailure(a: DnsAnswer<unknown>): boolean {
  return a.status !== "ok" && a.status !== "nxdomain" && a.status !== "nodata";
}

export function describeFailure(name: string, a: DnsAnswer<unknown>): string {
  switch (a.status) {
    case "timeout":
      return `DNS lookup of ${name} timed out`;
    case "servfail":
      return `DNS server failed (SERVFAIL) looking up ${name}`;
    case "refused":
      return `DNS server refused the query for ${name}`;
    default:
      return `DNS lookup of ${name} failed${a.status === "error" && a.message ? `: ${a.message}` : ""}`;
  }
}

function statusOf(err: unknown): Exclude<DnsStatus, "ok"> {
  const code = (err as { code?: string }).code;
  switch (code) {
    case "ENOTFOUND":
      return "nxdomain";
    case "ENODATA":
      return "nodata";
    case "ETIMEOUT":
      return "timeout";
    case "ESERVFAIL":
      return "servfail";
    case "EREFUSED":
      return "refused";
    default:
      return "error";
  }
}

async function answer<T>(fn: () => Promise<T[]>): Promise<DnsAnswer<T>> {
  try {
    const records = await fn();
    return records.length === 0 ? { status: "nodata", records: [] } : { status: "ok", records };
  } catch (err) {
    const status = statusOf(err);
    return { status, records: [], message: (err as Error).message };
  }
}

export interface ResolverOptions {
  /** `host` or `host:port` (IPv6 as `[addr]:port`); empty = the system's resolvers. */
  servers?: readonly string[];
  timeoutMs?: number;
  tries?: number;
}

export function createDnsLookup(o: ResolverOptions = {}): DnsLookup {
  const resolver = new Resolver({ timeout: o.timeoutMs ?? 3000, tries: o.tries ?? 2 });
  if (o.servers && o.servers.length > 0) resolver.setServers([...o.servers]);
  return {
    txt: (name) => answer(async () => (await resolver.resolveTxt(name)).map((chunks) => chunks.join(""))),
    mx: (name) =>
      answer(async () =>
        (await resolver.resolveMx(name)).map((m) => ({
          priority: m.priority,
          // Null MX (RFC 7505) is "0 ."; c-ares gives the root as "" or ".".
          exchange: m.exchange === "." ? "" : m.exchange.replace(/\.$/, ""),
        })),
      ),
    async addresses(name) {
      const [v4, v6] = await Promise.all([
        answer(() => resolver.resolve4(name)),
        answer(() => resolver.resolve6(name)),
      ]);
      if (v4.status === "ok" || v6.status === "ok") {
        return { status: "ok", records: [...v4.records, ...v6.records] };
      }
      // A failure on either side means we do not know; otherwise the name has no address.
      if (isLookupFailure(v4)) return v4;
      if (isLookupFailure(v6)) return v6;
      return v4.status === "nxdomain" ? v4 : v6;
    },
  };
}
