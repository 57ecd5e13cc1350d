import type { Kysely } from "kysely";
import type { Detection } from "../detection/types.js";
import { HttpProblem } from "../http/problem.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { banDecision, type Decision, decide, isActiveBan, liveEntries, zoneOf } from "./ban-policy.js";
import { type BanRisk, manualBanRisks, sourceNetworksHolding } from "./ban-safety.js";
import { addBanSite, liftBan, lockBan, nextVersion, sitesAfter, writeBan } from "./ban-writes.js";
import { FpGuard } from "./fp-guard.js";
import { geoblockFor, getGeoZone } from "./geo-store.js";
import { canonicalIp } from "./ip-address.js";
import { openPending, reviewPending } from "./pending-writes.js";
import { toBan } from "./response-rows.js";
import type { Ban, PendingBan, ReputationProvider } from "./types.js";
import { whitelistFor } from "./whitelist-store.js";

/**
 * Applies ban decisions and analysts' actions, one transaction each, and tells listeners (WebSocket
 * hub, enforcement) what changed once it is committed.
 */
export type BanChange =
  | { type: "new_ban" | "ban_updated" | "ban_removed"; data: Ban }
  | { type: "ban_pending"; data: PendingBan };

export interface BanServiceDeps {
  db: Kysely<StateDatabase>;
  /** Threat validation; default: every IP scores 0. */
  reputation?: ReputationProvider | undefined;
  fpGuard?: FpGuard | undefined;
  /** Distinct IPs on one rule + URI + host that hold bans for approval (default 5). */
  fpThreshold?: number | undefined;
  /** Country of an IP for manual bans (detections carry their own); default unknown. */
  countryOf?: ((ip: string) => string) | undefined;
  onChange?: ((change: BanChange) => void) | undefined;
  now?: (() => number) | undefined;
  /** Networks of ours (IPs or CIDRs) never banned automatically; registered sources are added. */
  ownNetworks?: readonly string[] | undefined;
  /** Ban on detections from unregistered senders without approval (default false). */
  banUnregistered?: boolean | undefined;
}

/** The operator's settings for automatic bans (config `bans.*`, docs/CONFIGURATION.md). */
export interface AutoBanOptions {
  ownNetworks?: readonly string[] | undefined;
  banUnregistered?: boolean | undefined;
}

export type ManualDuration = "4h" | "24h" | "7d" | "permanent" | number;

/** A manual ban that needs `confirm: true` (a 409 whose `risks` say why; see ban-safety.ts). */
export class BanNeedsConfirmation extends HttpProblem {
  constructor(readonly risks: BanRisk[]) {
    super(409, `${risks.map((r) => r.detail).join("; ")}. Send "confirm": true to ban it anyway.`);
  }
}

export const zeroReputation: ReputationProvider = { score: async () => ({ score: 0, sources: [] }) };

const NAMED_DURATIONS: Record<string, number | null> = {
  "4h": 4 * 3600_000,
  "24h": 24 * 3600_000,
  "7d": 7 * 24 * 3600_000,
  permanent: null,
};

export type BanService = ReturnType<typeof createBanService>;

export function createBanService(deps: BanServiceDeps) {
  const { db } = deps;
  const reputation = deps.reputation ?? zeroReputation;
  const fpGuard = deps.fpGuard ?? new FpGuard();
  const clock = deps.now ?? Date.now;
  const listeners = new Set<(change: BanChange) => void>();
  if (deps.onChange) listeners.add(deps.onChange);

  function emit(...changes: BanChange[]): void {
    for (const change of changes) {
      for (const listener of listeners) {
        try {
          listener(change);
        } catch {
          // A failing listener (a closed socket, a target down) must not undo a committed ban.
        }
      }
    }
  }

  return {
    /** Subscribe to committed changes; returns the unsubscribe function. */
    subscribe(listener: (change: BanChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    now: () => new Date(clock()),

    /** The entry point for every ban-type detection: policy, then the decision applied. */
    async handleDetection(
      detection: Detection,
    ): Promise<{ decision: Decision; ban?: Ban; pending?: PendingBan }> {
      const ip = canonicalIp(detection.value);
      if (!ip) return { decision: { kind: "ignore", reason: `${detection.value} is not an IP address` } };
      const now = clock();
      // Events usually carry their country (GeoIP at ingest); fall back to our own lookup.
      const country = detection.country || deps.countryOf?.(ip) || "";
      const distinctIps = fpGuard.observe(
        { rule_id: detection.rule_id, url: detection.url, hostname: detection.hostname, ip },
        now,
      );
      const [whitelist, current, geo, geoblock, sourceNets] = await Promise.all([
        whitelistFor(db, ip),
        db.selectFrom("bans").selectAll().where("ip", "=", ip).executeTakeFirst(),
        getGeoZone(db),
        geoblockFor(db, country),
        sourceNetworksHolding(db, ip),
      ]);
      // A threat-intelligence lookup spends provider quota and takes seconds: only when the score
      // can change the outcome (validate_threat, or an authorized country's reputation gate).
      const deep = Boolean(detection.validate_threat) || zoneOf(geo, country) === "authorized";
      const rep = await reputation.score(ip, { deep });
      // Already banned for other sites: this site's firewalls must block the attacker too.
      const banned = current ? toBan(current) : null;
      if (
        banned &&
        isActiveBan(banned, now) &&
        detection.site &&
        banned.sites.length > 0 &&
        !banned.sites.includes(detection.site)
      ) {
        const widened = await db.transaction().execute(async (trx) => {
          const locked = await lockBan(trx, ip);
          if (
            !locked ||
            !isActiveBan(locked, now) ||
            locked.sites.length === 0 ||
            locked.sites.includes(detection.site)
          )
            return null;
          return addBanSite(trx, locked, detection.site, "detect2ban", new Date(now));
        });
        if (widened) {
          emit({ type: "ban_updated", data: widened });
          return {
            decision: {
              kind: "ignore",
              reason: `${ip} is already banned; now also for site ${detection.site}`,
            },
            ban: widened,
          };
        }
      }
      const decided = decide(
        { ...detection, value: ip, country },
        {
          whitelist,
          currentBan: current ? toBan(current) : null,
          geo,
          country,
          geoblock,
          reputation: rep,
          fpGuard: { distinctIps },
          fpThreshold: deps.fpThreshold,
          // The registered sources are ours too: a firewall's own address is never an attacker's.
          ownNetworks: [...(deps.ownNetworks ?? []), ...sourceNets.map((s) => s.match_value)],
          banUnregistered: deps.banUnregistered ?? false,
          now,
        },
      );
      // The reputation's own caveat (e.g. providers unreachable, feeds stood in) goes into the reason.
      const decision =
        rep.note && decided.kind !== "ignore" && decided.kind !== "log_only"
          ? { ...decided, reason: `${decided.reason}; ${rep.note}` }
          : decided;
      if (decision.kind === "ban") {
        const ban = await db.transaction().execute(async (trx) => {
          const locked = await lockBan(trx, ip);
          // Re-checked under the lock: two copies of one detection never escalate twice.
          if (isActiveBan(locked, now)) return null;
          return writeBan(
            trx,
            {
              ip,
              tier: decision.tier,
              duration_ms: decision.duration_ms,
              reason: decision.reason,
              source: "detect2ban",
              trigger_rule: detection.scenario,
              site: detection.site,
              sites: sitesAfter(locked, false, detection.site),
              country,
              geo_zone: decision.geo_zone,
              threat_score: decision.threat_score,
              threat_sources: rep.sources,
              actor: "detect2ban",
              action: decision.tier > 0 ? "escalate" : "ban",
            },
            locked,
            new Date(now),
          );
        });
        if (!ban) return { decision: { kind: "ignore", reason: `${ip} is already banned` } };
        emit({ type: "new_ban", data: ban });
        return { decision, ban };
      }
      if (decision.kind === "pending") {
        const { pending, ban } = await db
          .transaction()
          .execute((trx) =>
            openPending(trx, { ...detection, country }, ip, decision, rep.sources, new Date(now)),
          );
        emit({ type: "ban_pending", data: pending });
        if (ban) emit({ type: "ban_updated", data: ban });
        return { decision, pending };
      }
      return { decision };
    },

    /**
     * A ban by hand: tier escalation applies; hard-whitelisted IPs are refused (409); private,
     * loopback, link-local, log-source and whitelisted addresses need `confirm` (BanNeedsConfirmation).
     */
    async manualBan(input: {
      ip: string;
      reason: string;
      duration?: ManualDuration | undefined;
      actor: string;
      confirm?: boolean | undefined;
      /** The site the ban is for; null or absent: global. */
      site?: string | null | undefined;
    }): Promise<Ban> {
      const ip = canonicalIp(input.ip);
      if (!ip) throw new HttpProblem(400, `ip: "${input.ip}" is not an IPv4 or IPv6 address`);
      const now = clock();
      const whitelist = await whitelistFor(db, ip);
      const hard = liveEntries(whitelist, now).find((e) => e.type === "hard");
      if (hard) {
        throw new HttpProblem(
          409,
          `${ip} is hard-whitelisted by ${hard.ip} (${hard.reason}); remove the entry to ban it`,
        );
      }
      if (!input.confirm) {
        const risks = await manualBanRisks(db, ip, whitelist, now);
        if (risks.length > 0) throw new BanNeedsConfirmation(risks);
      }
      const geo = await getGeoZone(db);
      const country = deps.countryOf?.(ip) ?? "";
      // What is already known (feeds, a cached lookup) is recorded with the ban; nothing is spent.
      const rep = await reputation.score(ip, { deep: false });
      const ban = await db.transaction().execute(async (trx) => {
        const existing = await lockBan(trx, ip);
        const decision = banDecision({}, existing?.ban_count ?? 0, zoneOf(geo, country), 0, input.reason);
        const duration =
          input.duration === undefined
            ? decision.duration_ms
            : typeof input.duration === "number"
              ? input.duration
              : (NAMED_DURATIONS[input.duration] ?? null);
        return writeBan(
          trx,
          {
            ip,
            tier: decision.tier,
            duration_ms: duration,
            reason: input.reason,
            source: "manual",
            trigger_rule: "manual",
            site: input.site ?? "",
            sites: sitesAfter(existing, isActiveBan(existing, now), input.site ?? null),
            country: country || (existing?.country ?? ""),
            geo_zone: decision.geo_zone,
            threat_score: rep.score,
            threat_sources: rep.sources,
            actor: input.actor,
            action: isActiveBan(existing, now) || decision.tier > 0 ? "escalate" : "ban",
          },
          existing,
          new Date(now),
        );
      });
      emit({ type: "new_ban", data: ban });
      return ban;
    },

    /** Lifts a ban now; `immunityHours` keeps detections from banning it again for that long. */
    async unban(input: {
      ip: string;
      actor: string;
      reason?: string;
      immunityHours?: number | undefined;
    }): Promise<Ban> {
      const ip = canonicalIp(input.ip);
      if (!ip) throw new HttpProblem(400, `ip: "${input.ip}" is not an IPv4 or IPv6 address`);
      const now = new Date(clock());
      const ban = await db.transaction().execute(async (trx) => {
        const existing = await lockBan(trx, ip);
        if (!existing) throw new HttpProblem(404, `${ip} has never been banned`);
        const immune = input.immunityHours ? new Date(now.getTime() + input.immunityHours * 3600_000) : null;
        return liftBan(trx, existing, {
          action: "unban",
          actor: input.actor,
          reason: input.reason ?? (immune ? `unbanned, immune until ${immune.toISOString()}` : "unbanned"),
          immune_until: immune,
          now,
        });
      });
      emit({ type: "ban_removed", data: ban });
      return ban;
    },

    /** Approves a pending ban: the ban lands on the tier the IP's history gives it. */
    async approve(id: string, actor: string, note?: string): Promise<Ban> {
      const now = new Date(clock());
      const { ban, pending } = await db.transaction().execute(async (trx) => {
        const pending = await reviewPending(trx, id, "approved", actor, note, now);
        const existing = await lockBan(trx, pending.ip);
        const duration = pending.duration_ms === null ? undefined : Number(pending.duration_ms);
        const decision = banDecision(
          { durationMs: duration },
          existing?.ban_count ?? 0,
          pending.geo_zone,
          pending.threat_score,
          "",
        );
        const ban = await writeBan(
          trx,
          {
            ip: pending.ip,
            tier: decision.tier,
            duration_ms: decision.duration_ms,
            reason: `approved by ${actor}${note ? `: ${note}` : ""} (${pending.reason})`,
            source: "detect2ban",
            trigger_rule: pending.trigger_rule,
            site: pending.site,
            sites: sitesAfter(existing, isActiveBan(existing, now.getTime()), pending.site),
            country: pending.country,
            geo_zone: pending.geo_zone,
            threat_score: pending.threat_score,
            threat_sources: pending.threat_sources,
            actor,
            action: "approve",
          },
          existing,
          now,
        );
        return { ban, pending: pending.api };
      });
      emit({ type: "ban_pending", data: pending }, { type: "new_ban", data: ban });
      return ban;
    },

    async reject(id: string, actor: string, note?: string): Promise<PendingBan> {
      const now = new Date(clock());
      const { pending, ban } = await db.transaction().execute(async (trx) => {
        const pending = await reviewPending(trx, id, "rejected", actor, note, now);
        const row = await trx
          .updateTable("bans")
          .set({ status: "expired", updated_at: now, version: nextVersion })
          .where("ip", "=", pending.ip)
          .where("status", "=", "pending_approval")
          .returningAll()
          .executeTakeFirst();
        return { pending: pending.api, ban: row ? toBan(row) : null };
      });
      emit({ type: "ban_pending", data: pending });
      if (ban) emit({ type: "ban_updated", data: ban });
      return pending;
    },
  };
}
