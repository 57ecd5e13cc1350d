export type { IpSummary } from "./ip-summary-types.js";

import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import type { GeoInfo } from "../geo/geoip.js";
import { BadParameterError, shown } from "../query/bad-parameter.js";
import { compileEventFilter, type EventFilter, parseEventFilter } from "../query/event-filter.js";
import { MIN_TIME_MS } from "../query/time-range.js";
import { canonicalIp } from "../response/ip-address.js";
import type { EventStore } from "../storage/event-store.js";
import { isoFromMs, num } from "./event-json.js";
import type { KeyCount } from "./event-repository.js";
import { FilterQuery, ProblemBody } from "./event-schemas.js";
import type { IpSummary } from "./ip-summary-types.js";
import { READ_EVENTS, scopeSitesOf, withBadParameters } from "./route-support.js";

/**
 * `GET /api/v1/ips/:ip`: what the events say about one source address, for the console's IP page —
 * first and last seen, counts by log type, action and site, and the hosts, ports and URLs it went
 * after. Scoped like every events route: a client's user or a site-bound key counts its own sites'
 * events only. Two scans of the range, both narrowed by the src_ip bloom-filter index.
 */

/** An IP page looks back further than the explorer's day: a month shows a slow scanner's pattern. */
export const IP_SUMMARY_RANGE_MS = 30 * 24 * 3600_000;
const TOP_N = 10;

export interface IpSummaryDeps {
  eventStore: EventStore;
  now: () => number;
  /** Vigil's GeoIP: country and AS of the address today; without it the latest event's are used. */
  geo?: { lookup(ip: string): GeoInfo | null } | undefined;
}

// grouping() sets a 1 bit for each argument NOT in the row's grouping set (first argument = high bit).
const FIRST = 0b011;
const SECOND = 0b101;
const THIRD = 0b110;

const sorted = (m: Map<string, number>): KeyCount[] =>
  [...m]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

export async function ipSummary(
  store: EventStore,
  ip: string,
  filter: EventFilter,
  geo?: IpSummaryDeps["geo"],
): Promise<IpSummary> {
  const { where, params } = compileEventFilter(filter);
  const [counts, tops] = await Promise.all([
    store.query<{
      log_type: string;
      action: string;
      site: string;
      g: unknown;
      c: unknown;
      first_ms: unknown;
      last_ms: unknown;
      country: string;
      asn: unknown;
      org: string;
    }>(
      `SELECT log_type, action, site, grouping(log_type, action, site) AS g, count() AS c,
         toUnixTimestamp64Milli(min(timestamp)) AS first_ms, toUnixTimestamp64Milli(max(timestamp)) AS last_ms,
         argMax(geo_country, timestamp) AS country, argMax(geo_asn, timestamp) AS asn,
         argMax(geo_org, timestamp) AS org
       FROM events WHERE ${where} GROUP BY GROUPING SETS ((log_type), (action), (site))`,
      params,
    ),
    // LIMIT n+1 BY: one slot to spare for the empty value ("" host, port 0), dropped below.
    store.query<{ hostname: string; dst_port: unknown; url: string; g: unknown; c: unknown }>(
      `SELECT hostname, dst_port, url, grouping(hostname, dst_port, url) AS g, count() AS c
       FROM events WHERE ${where} GROUP BY GROUPING SETS ((hostname), (dst_port), (url))
       ORDER BY g, c DESC, hostname, dst_port, url LIMIT {p_top:UInt32} BY g`,
      { ...params, p_top: TOP_N + 1 },
    ),
  ]);
  const byLogType = new Map<string, number>();
  const byAction = new Map<string, number>();
  const bySite = new Map<string, number>();
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let seen: { country: string; asn: number; org: string; at: number } | null = null;
  for (const r of counts) {
    const g = num(r.g);
    const c = num(r.c);
    if (g === FIRST) byLogType.set(r.log_type, c);
    else if (g === SECOND) byAction.set(r.action || "(none)", c);
    else if (g === THIRD) bySite.set(r.site, c);
    first = Math.min(first, num(r.first_ms));
    const lastMs = num(r.last_ms);
    if (lastMs >= last) {
      last = lastMs;
      seen = { country: r.country, asn: num(r.asn), org: r.org, at: lastMs };
    }
  }
  const top = (mask: number, keyOf: (r: (typeof tops)[number]) => string): KeyCount[] =>
    tops
      .filter((r) => num(r.g) === mask)
      .map((r) => ({ key: keyOf(r), count: num(r.c) }))
      .filter((r) => r.key !== "" && r.key !== "0")
      .slice(0, TOP_N);
  const here = geo?.lookup(ip) ?? null;
  const country = here?.country || seen?.country || "";
  const asn = here?.asn || seen?.asn || 0;
  const org = here?.org || seen?.org || "";
  const total = [...bySite.values()].reduce((s, c) => s + c, 0);
  return {
    ip,
    country: country || null,
    asn: asn || null,
    as_org: org || null,
    from: isoFromMs(filter.from),
    to: isoFromMs(filter.to),
    first_seen: total > 0 ? isoFromMs(first) : null,
    last_seen: total > 0 ? isoFromMs(last) : null,
    total,
    by_log_type: sorted(byLogType),
    by_action: sorted(byAction),
    by_site: sorted(bySite),
    top_hosts: top(FIRST, (r) => r.hostname),
    top_ports: top(SECOND, (r) => String(num(r.dst_port))),
    top_urls: top(THIRD, (r) => r.url),
  };
}

const KeyCounts = Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() }));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const IpSummarySchema = Type.Object(
  {
    ip: Type.String({ description: "The address in canonical form" }),
    country: Nullable(Type.String({ description: "ISO 3166-1 alpha-2" })),
    asn: Type.Union([Type.Integer(), Type.Null()]),
    as_org: Nullable(Type.String()),
    from: Type.String({ format: "date-time" }),
    to: Type.String({ format: "date-time" }),
    first_seen: Nullable(Type.String({ format: "date-time" })),
    last_seen: Nullable(Type.String({ format: "date-time" })),
    total: Type.Integer(),
    by_log_type: KeyCounts,
    by_action: KeyCounts,
    by_site: KeyCounts,
    top_hosts: KeyCounts,
    top_ports: KeyCounts,
    top_urls: KeyCounts,
  },
  { title: "IpSummary" },
);

export function ipSummaryRoutes({ eventStore, now, geo }: IpSummaryDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/api/v1/ips/:ip",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: ["events"],
          summary:
            "One source IP in the events: first and last seen, counts by log type, action and site, top hosts, ports and URLs (default: the last 30 days)",
          params: Type.Object({ ip: Type.String({ description: "IPv4 or IPv6 address" }) }),
          querystring: Type.Object({
            from: Type.Optional(Type.String({ description: "ISO 8601 start; default: 30 days before `to`" })),
            to: FilterQuery.to,
            site: FilterQuery.site,
          }),
          response: { 200: IpSummarySchema, 400: ProblemBody },
        },
      },
      (request, reply) =>
        withBadParameters(reply, async () => {
          const ip = canonicalIp(request.params.ip);
          if (ip === null)
            throw new BadParameterError("ip", `${shown(request.params.ip)} is not an IPv4 or IPv6 address`);
          const { from, to, site } = request.query;
          const parsed = parseEventFilter({ to, site, src_ip: ip }, now());
          const start =
            from === undefined || from === ""
              ? Math.max(MIN_TIME_MS, parsed.to - IP_SUMMARY_RANGE_MS)
              : parseEventFilter({ from, to }, now()).from;
          if (start >= parsed.to)
            throw new BadParameterError("from", `${shown(from ?? "")} is not before to`);
          const scopeSites = scopeSitesOf(request, parsed.sites);
          const filter: EventFilter = {
            ...parsed,
            from: start,
            ...(scopeSites === undefined ? {} : { scopeSites }),
          };
          return ipSummary(eventStore, ip, filter, geo);
        }),
    );
  };
}
