import { Type } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { roleAtLeast } from "../../http/access.js";
import type { HttpFeature } from "../../http/app.js";
import { HttpProblem, problemResponses } from "../../http/problem.js";
import { canonicalIp } from "../../response/ip-address.js";
import type { ThreatLookupResult } from "./lookup-result.js";
import { type ThreatLookup, ThreatLookupRefused } from "./threat-lookup.js";

/**
 * Threat intelligence over HTTP: one IP (cached for readers, asked afresh for analysts), a batch, and
 * the providers' standing. Reading a stored result costs nothing, so audit may; anything that spends
 * provider quota needs analyst.
 */
const MAX_BATCH = 100;
/** Lookups of one batch running at once: enough to overlap waits, few enough to spare the providers. */
const BATCH_PARALLEL = 5;

const Level = Type.Union(
  [
    Type.Literal("critical"),
    Type.Literal("high"),
    Type.Literal("medium"),
    Type.Literal("low"),
    Type.Literal("minimal"),
  ],
  { description: "critical 80–100, high 60–79, medium 40–59, low 20–39, minimal 0–19" },
);
const RowStatus = Type.Union([
  Type.Literal("ok"),
  Type.Literal("not_found"),
  Type.Literal("error"),
  Type.Literal("quota"),
  Type.Literal("not_configured"),
  Type.Literal("skipped"),
]);
const NullableDate = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);

const ThreatResult = Type.Object(
  {
    ip: Type.String(),
    aggregated_score: Type.Integer({ minimum: 0, maximum: 100 }),
    threat_level: Level,
    is_malicious: Type.Boolean(),
    categories: Type.Array(Type.String()),
    sources: Type.Array(Type.String(), { description: "providers whose answer backs the score" }),
    is_tor: Type.Boolean(),
    confidence: Type.Integer({ minimum: 0, maximum: 100 }),
    country: Type.Union([Type.String(), Type.Null()]),
    asn: Type.Union([Type.Integer(), Type.Null()]),
    checked_at: Type.String({ format: "date-time" }),
    cached: Type.Boolean({ description: "served from the cache, no provider asked" }),
    providers: Type.Array(
      Type.Object({
        name: Type.String(),
        tier: Type.Integer({ minimum: 1, maximum: 3 }),
        status: RowStatus,
        score: Type.Union([Type.Integer(), Type.Null()]),
        detail: Type.String(),
        checked_at: NullableDate,
      }),
    ),
  },
  { title: "ThreatLookupResult" },
);

export const ProviderStatus = Type.Object(
  {
    name: Type.String(),
    tier: Type.Integer({ minimum: 1, maximum: 3 }),
    needs_key: Type.Boolean(),
    configured: Type.Boolean({ description: "has its key (or needs none); keys are never shown" }),
    key_set: Type.Boolean({ description: "a key is set; the key itself is never shown" }),
    key_source: Type.Union([Type.Literal("env"), Type.Literal("console"), Type.Null()], {
      description: "where the key comes from: VIGIL_TI_<NAME>_KEY, or set in the console (which wins)",
    }),
    used_today: Type.Integer(),
    daily_limit: Type.Union([Type.Integer(), Type.Null()], { description: "null = no limit" }),
    default_limit: Type.Union([Type.Integer(), Type.Null()], {
      description: "the limit without a console setting: the provider's free quota (null = none published)",
    }),
    limit_source: Type.Union([Type.Literal("default"), Type.Literal("console")]),
    backoff_until: NullableDate,
    last_error: Type.Union([Type.String(), Type.Null()]),
    last_error_at: NullableDate,
    list: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean(),
          entries: Type.Union([Type.Integer(), Type.Null()]),
          loaded_at: NullableDate,
          updated: Type.Union([Type.String(), Type.Null()]),
        },
        { description: "IPsum only: the downloaded list answered from memory" },
      ),
    ),
  },
  { title: "ThreatProviderStatus" },
);

function isAnalyst(req: FastifyRequest): boolean {
  const p = req.principal;
  return p?.kind === "user" && roleAtLeast(p.role, "analyst");
}

function refusedProblem(err: unknown): never {
  if (err instanceof ThreatLookupRefused) throw new HttpProblem(400, err.reason);
  throw err;
}

export interface ThreatRoutesDeps {
  lookup: ThreatLookup;
  /** How long a cached result counts as fresh for readers (hours). */
  cacheHours: number;
}

export const threatRoutes =
  ({ lookup, cacheHours }: ThreatRoutesDeps): HttpFeature =>
  async (app) => {
    app.get(
      "/api/v1/threats/providers",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: ["threats"],
          summary:
            "Threat-intelligence providers: configured or not, tier, calls today against the limit, last error",
          response: { 200: Type.Object({ items: Type.Array(ProviderStatus) }) },
        },
      },
      async () => ({ items: await lookup.providers() }),
    );

    app.get(
      "/api/v1/threats/:ip",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: ["threats"],
          summary:
            "Threat score of one IP: the cached result, or a fresh lookup (analyst; refresh=true bypasses the cache)",
          params: Type.Object({ ip: Type.String({ maxLength: 64 }) }),
          querystring: Type.Object({
            refresh: Type.Optional(Type.Boolean()),
            cache_only: Type.Optional(
              Type.Boolean({
                description:
                  "Only the stored result (even stale), never a provider call: 204 (no body) when the IP was never looked up",
              }),
            ),
          }),
          response: {
            200: ThreatResult,
            204: Type.Null({ description: "cache_only and never looked up" }),
            ...problemResponses(400, 403),
          },
        },
      },
      async (req, reply) => {
        const { ip } = req.params;
        const refused = await lookup.refusal(ip);
        if (refused) throw new HttpProblem(400, refused.reason);
        // Lists of many IPs (the console's Advanced Threat page) show scores without spending quota.
        if (req.query.cache_only === true) {
          const stored = await lookup.cached(ip);
          // Not an error: a list of IPs mostly holds ones nobody looked up (and a 404 would be logged).
          if (!stored) return reply.code(204).send(null);
          return stored;
        }
        const refresh = req.query.refresh === true;
        const analyst = isAnalyst(req);
        if (refresh && !analyst)
          throw new HttpProblem(403, "refresh=true spends provider quota: analyst role needed");
        if (!refresh) {
          const hit = await lookup.cached(ip);
          const fresh = hit !== null && Date.now() - Date.parse(hit.checked_at) < cacheHours * 3_600_000;
          // A reader gets whatever is stored, even stale; only an analyst's request may ask providers.
          if (hit && (fresh || !analyst)) return hit;
          if (!analyst)
            throw new HttpProblem(
              403,
              `${ip} has not been looked up yet; a lookup spends provider quota: analyst role needed`,
            );
        }
        return lookup.lookup(ip, { refresh }).catch(refusedProblem);
      },
    );

    app.post(
      "/api/v1/threats/batch",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags: ["threats"],
          summary: `Threat scores of up to ${MAX_BATCH} IPs (cached where fresh); refused addresses say why`,
          body: Type.Object(
            { ips: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: MAX_BATCH }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Union([ThreatResult, Type.Object({ ip: Type.String(), refused: Type.String() })]),
              ),
            }),
            ...problemResponses(400),
          },
        },
      },
      async (req) => {
        const invalid = req.body.ips.filter((ip) => canonicalIp(ip) === null);
        if (invalid.length > 0)
          throw new HttpProblem(
            400,
            `not IP addresses: ${invalid.slice(0, 5).join(", ")}${invalid.length > 5 ? "…" : ""}`,
          );
        const ips = [...new Set(req.body.ips.map((ip) => canonicalIp(ip) as string))];
        const items: Array<ThreatLookupResult | { ip: string; refused: string }> = new Array(ips.length);
        let next = 0;
        const worker = async () => {
          while (next < ips.length) {
            const i = next++;
            const ip = ips[i] as string;
            items[i] = await lookup.lookup(ip).catch((err: unknown) => {
              if (err instanceof ThreatLookupRefused) return { ip, refused: err.reason };
              throw err;
            });
          }
        };
        await Promise.all(Array.from({ length: Math.min(BATCH_PARALLEL, ips.length) }, worker));
        return { items };
      },
    );
  };
