import type { Kysely } from "kysely";
import type { ThreatIntelConfig } from "../../config/config.js";
import { internalAddress, ipInRange } from "../../response/internal-address.js";
import { canonicalIp } from "../../response/ip-address.js";
import { whitelistFor } from "../../response/whitelist-store.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { ProviderName, ProviderSpec, ProviderVerdict, Tier } from "../providers/provider.js";
import { aggregate, nextTier, type TieredVerdict } from "../threat-score.js";
import type { IpsumSource, IpsumState } from "./ipsum-source.js";
import type { ProviderRow, ProviderRowStatus, ThreatLookupResult } from "./lookup-result.js";
import { callProvider, type FetchLike } from "./provider-call.js";
import type { KeySource, ProviderSettings } from "./provider-settings.js";
import {
  backoffUntil,
  nextUtcMidnight,
  recordBackoff,
  recordError,
  reserveCall,
  usageOn,
  utcDay,
} from "./provider-usage.js";

/**
 * Threat lookup of one IP (docs/THREAT-INTEL.md): refuse addresses that are never an outside
 * attacker's or that the operator trusts, serve a fresh cached result, else ask tier 1, then tiers 2
 * and 3 as the tier rule allows, each provider through `callProvider` within its daily quota, and
 * cache the aggregate. A provider failing never fails the lookup: its row says why.
 */

/** Documentation and reserved ranges (RFC 5737, RFC 3849, 240/4): never a real attacker. */
const DOCUMENTATION = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "240.0.0.0/4"];

export type RefusalKind = "invalid" | "internal" | "whitelisted";

/** Thrown for an IP that must not be looked up; routes answer 400 with `reason`. */
export class ThreatLookupRefused extends Error {
  constructor(
    readonly kind: RefusalKind,
    readonly reason: string,
  ) {
    super(reason);
    this.name = "ThreatLookupRefused";
  }
}

export interface LookupLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface GeoInfo {
  country: string | null;
  asn: number | null;
}

export interface ThreatLookupOptions {
  db: Kysely<StateDatabase>;
  /** The per-IP providers to ask (default: tier 1 then tiers 2/3); their tier decides when. */
  providers: readonly ProviderSpec[];
  config: ThreatIntelConfig;
  fetch?: FetchLike;
  now?: () => Date;
  log: LookupLog;
  /** Country and ASN from Vigil's GeoIP, when it has them. */
  geo?: (ip: string) => GeoInfo | null;
  /** Daily call limits overriding the specs' defaults (null = unlimited). */
  quotas?: Partial<Record<string, number | null>>;
  /** Per-provider timeout (default 5 s). */
  timeoutMs?: number;
  /** Keys and limits set in the console, over `config` and `quotas` (provider-settings.ts). */
  settings?: ProviderSettings;
  /** IPsum's downloaded list, asked with tier 1 from memory (no call, no quota). */
  ipsum?: IpsumSource;
  /** Told of every provider answer a lookup gets (ok, not_found, error, quota): the metric. */
  onCheck?: (provider: string, status: ProviderRowStatus) => void;
}

export interface LookupRequest {
  /** Ask the providers even when a fresh cached result exists. */
  refresh?: boolean;
}

/** One provider's standing today, for the providers page: never its key. */
export interface ProviderStatus {
  name: string;
  tier: Tier;
  needs_key: boolean;
  configured: boolean;
  /** A key is set (console or environment); never the key itself. */
  key_set: boolean;
  key_source: KeySource | null;
  /** Calls made today (UTC) and the daily limit (null = unlimited). */
  used_today: number;
  daily_limit: number | null;
  /** The limit without a console setting: the provider's free quota or the configured one. */
  default_limit: number | null;
  limit_source: "default" | "console";
  backoff_until: string | null;
  last_error: string | null;
  last_error_at: string | null;
  /** IPsum only: its downloaded list. */
  list?: IpsumState;
}

export interface ThreatLookup {
  /** Every provider's configuration state, today's usage and last error. */
  providers(): Promise<ProviderStatus[]>;
  lookup(ip: string, req?: LookupRequest): Promise<ThreatLookupResult>;
  /** The cached result if any, however old (no provider is asked). */
  cached(ip: string): Promise<ThreatLookupResult | null>;
  /** Why `ip` must not be looked up, or null; throws nothing. */
  refusal(ip: string): Promise<ThreatLookupRefused | null>;
  /** Lookups still running, awaited on shutdown. */
  idle(): Promise<void>;
}

type Asked = { row: ProviderRow; verdict: ProviderVerdict | null };

export function createThreatLookup(o: ThreatLookupOptions): ThreatLookup {
  const now = o.now ?? (() => new Date());
  const ttlMs = o.config.cacheHours * 3_600_000;
  const inFlight = new Map<string, Promise<ThreatLookupResult>>();

  function settingsOf(spec: ProviderSpec): { key: string | null; baseUrl: string } {
    const s = o.config.providers[spec.name as keyof ThreatIntelConfig["providers"]];
    const key = o.settings ? o.settings.keyOf(spec.name) : (s?.key ?? null);
    return { key, baseUrl: s?.url ?? spec.defaultBaseUrl };
  }

  function defaultLimitOf(spec: ProviderSpec): number | null {
    const q = o.quotas?.[spec.name];
    return q === undefined ? spec.defaultDailyQuota : q;
  }

  function limitOf(spec: ProviderSpec): number | null {
    const fallback = defaultLimitOf(spec);
    return o.settings ? o.settings.limitOf(spec.name, fallback) : fallback;
  }

  function keySource(spec: ProviderSpec): KeySource | null {
    if (o.settings) return o.settings.keySource(spec.name);
    return settingsOf(spec).key ? "env" : null;
  }

  /** IPsum's answer from memory, as a row like any provider's; null when its download is off. */
  function askIpsum(ipsum: IpsumSource, ip: string): Asked {
    const verdict = ipsum.answer(ip);
    const base = { name: ipsum.name, tier: ipsum.tier };
    if (!verdict) {
      const detail = "IPsum download is off: set VIGIL_TI_IPSUM_ENABLED=true";
      return {
        row: { ...base, status: "not_configured", score: null, detail, checked_at: null },
        verdict: null,
      };
    }
    const score = verdict.status === "ok" ? verdict.score : null;
    const checked_at = ipsum.state().loaded_at;
    return { row: { ...base, status: verdict.status, score, detail: verdict.detail, checked_at }, verdict };
  }

  async function refusal(text: string): Promise<ThreatLookupRefused | null> {
    const ip = canonicalIp(text);
    if (ip === null) return new ThreatLookupRefused("invalid", `"${text}" is not an IP address`);
    const internal = internalAddress(ip);
    if (internal) return new ThreatLookupRefused("internal", internal);
    if (DOCUMENTATION.some((r) => ipInRange(ip, r)))
      return new ThreatLookupRefused("internal", `${ip} is a documentation or reserved address`);
    // Active, unexpired entries of any type: the operator vouches for the address, so no provider is
    // told about it.
    const at = now().getTime();
    const listed = (await whitelistFor(o.db, ip)).find(
      (w) => w.is_active && (w.expires_at === null || Date.parse(w.expires_at) > at),
    );
    if (listed) return new ThreatLookupRefused("whitelisted", `${ip} is whitelisted (${listed.ip})`);
    return null;
  }

  async function ask(spec: ProviderSpec, ip: string): Promise<Asked> {
    const base = { name: spec.name, tier: spec.tier, score: null };
    const { key, baseUrl } = settingsOf(spec);
    if (spec.needsKey && !key) {
      const detail = `no key: set one in Settings → Threat intelligence or VIGIL_TI_${spec.name.toUpperCase()}_KEY`;
      return { row: { ...base, status: "not_configured", detail, checked_at: null }, verdict: null };
    }
    const at = now();
    const until = await backoffUntil(o.db, spec.name, at);
    if (until) {
      const detail = `backing off after a quota answer until ${until.toISOString()}`;
      return { row: { ...base, status: "quota", detail, checked_at: null }, verdict: null };
    }
    const limit = limitOf(spec);
    if (!(await reserveCall(o.db, spec.name, utcDay(at), limit))) {
      const detail = `daily quota of ${limit} calls spent; resets at ${nextUtcMidnight(at).toISOString()}`;
      return { row: { ...base, status: "quota", detail, checked_at: null }, verdict: null };
    }
    const verdict = await callProvider({
      spec,
      ip,
      key,
      baseUrl,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    });
    const done = now();
    if (verdict.status === "quota") {
      const resume =
        verdict.retryAfterS !== undefined
          ? new Date(done.getTime() + verdict.retryAfterS * 1000)
          : nextUtcMidnight(done);
      await recordBackoff(o.db, spec.name, done, resume, verdict.detail);
      o.log.warn(
        { provider: spec.name, until: resume.toISOString() },
        "threat-intel provider quota: backing off",
      );
    } else if (verdict.status === "error") {
      await recordError(o.db, spec.name, done, verdict.detail);
      o.log.warn({ provider: spec.name, detail: verdict.detail }, "threat-intel provider failed");
    }
    const score = verdict.status === "ok" ? verdict.score : null;
    return {
      row: { ...base, status: verdict.status, score, detail: verdict.detail, checked_at: done.toISOString() },
      verdict,
    };
  }

  async function run(ip: string): Promise<ThreatLookupResult> {
    // Another node (or this one's console) may have changed a key or a limit since the last run.
    await o.settings?.refresh();
    const rows = new Map<string, ProviderRow>();
    const specs: Array<{ name: ProviderName; tier: Tier }> = [...(o.ipsum ? [o.ipsum] : []), ...o.providers];
    for (const spec of specs) {
      rows.set(spec.name, {
        name: spec.name,
        tier: spec.tier,
        status: "skipped",
        score: null,
        detail: "not asked: the score so far did not reach this tier",
        checked_at: null,
      });
    }
    const verdicts: TieredVerdict[] = [];
    let httpAnswered = false;
    let httpAsked = false;
    let score = aggregate(verdicts);
    let tier: Tier | null = nextTier(null, 0);
    while (tier !== null) {
      const current = tier;
      const asked = await Promise.all(o.providers.filter((p) => p.tier === current).map((p) => ask(p, ip)));
      for (const a of asked) {
        if (a.verdict?.status === "ok" || a.verdict?.status === "not_found") httpAnswered = true;
        if (a.verdict) httpAsked = true;
      }
      if (o.ipsum && o.ipsum.tier === current) asked.unshift(askIpsum(o.ipsum, ip));
      for (const a of asked) {
        rows.set(a.row.name, a.row);
        if (a.verdict) verdicts.push({ provider: a.row.name, tier: a.row.tier, verdict: a.verdict });
        if (
          a.row.status === "ok" ||
          a.row.status === "not_found" ||
          a.row.status === "error" ||
          a.row.status === "quota"
        )
          o.onCheck?.(a.row.name, a.row.status);
      }
      score = aggregate(verdicts);
      tier = nextTier(current, score.aggregated_score);
    }
    const geo = o.geo?.(ip) ?? null;
    const result: ThreatLookupResult = {
      ip,
      ...score,
      country: geo?.country ?? null,
      asn: geo?.asn ?? null,
      checked_at: now().toISOString(),
      cached: false,
      providers: [...rows.values()],
    };
    // An outage (no provider answered) is not cached: the next lookup should try again, not serve
    // an empty score for a day. IPsum answers from memory whatever the network does, so its answer
    // alone counts only when no per-IP provider was asked at all.
    const listAnswered = verdicts.some(
      (v) => v.provider === "ipsum" && (v.verdict.status === "ok" || v.verdict.status === "not_found"),
    );
    if (httpAnswered || (!httpAsked && listAnswered)) {
      const json = JSON.stringify(result);
      await o.db
        .insertInto("ip_threat_scores")
        .values({ ip, result: json, checked_at: result.checked_at })
        .onConflict((oc) => oc.column("ip").doUpdateSet({ result: json, checked_at: result.checked_at }))
        .execute();
    }
    return result;
  }

  async function cached(ip: string): Promise<ThreatLookupResult | null> {
    const canonical = canonicalIp(ip);
    if (canonical === null) return null;
    const row = await o.db
      .selectFrom("ip_threat_scores")
      .select(["result", "checked_at"])
      .where("ip", "=", canonical)
      .executeTakeFirst();
    if (!row) return null;
    const result =
      typeof row.result === "string" ? (JSON.parse(row.result) as ThreatLookupResult) : row.result;
    return { ...result, cached: true };
  }

  async function providers(): Promise<ProviderStatus[]> {
    await o.settings?.refresh();
    const usage = await usageOn(o.db, now());
    const lastError = (name: string) => {
      const u = usage.get(name);
      return {
        last_error: u?.last_error ?? null,
        last_error_at: u?.last_error_at ? new Date(u.last_error_at).toISOString() : null,
      };
    };
    const list: ProviderStatus[] = o.ipsum
      ? [
          {
            name: o.ipsum.name,
            tier: o.ipsum.tier,
            needs_key: false,
            configured: o.ipsum.enabled,
            key_set: false,
            key_source: null,
            // Answered from memory: no call is counted and there is no quota to spend.
            used_today: 0,
            daily_limit: null,
            default_limit: null,
            limit_source: "default",
            backoff_until: null,
            ...lastError(o.ipsum.name),
            list: o.ipsum.state(),
          },
        ]
      : [];
    return list.concat(
      o.providers.map((spec) => {
        const u = usage.get(spec.name);
        const source = keySource(spec);
        return {
          name: spec.name,
          tier: spec.tier,
          needs_key: spec.needsKey,
          configured: !spec.needsKey || source !== null,
          key_set: source !== null,
          key_source: source,
          used_today: u?.used ?? 0,
          daily_limit: limitOf(spec),
          default_limit: defaultLimitOf(spec),
          limit_source: o.settings?.limitSet(spec.name) ? "console" : "default",
          backoff_until: u?.backoff_until ? new Date(u.backoff_until).toISOString() : null,
          last_error: u?.last_error ?? null,
          last_error_at: u?.last_error_at ? new Date(u.last_error_at).toISOString() : null,
        };
      }),
    );
  }

  return {
    providers,
    refusal,
    cached,
    async lookup(text, req = {}) {
      const refused = await refusal(text);
      if (refused) throw refused;
      const ip = canonicalIp(text) as string;
      if (!req.refresh) {
        const hit = await cached(ip);
        if (hit && now().getTime() - Date.parse(hit.checked_at) < ttlMs) return hit;
      }
      // One set of provider calls per IP at a time, whoever asks (a refresh joins a running lookup:
      // its answer is as fresh as a new one would be).
      const running = inFlight.get(ip);
      if (running) return running;
      const p = run(ip).finally(() => inFlight.delete(ip));
      inFlight.set(ip, p);
      return p;
    },
    async idle() {
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}
