import type { Kysely } from "kysely";
import type { XgsFeedSource } from "../../intel/feeds/xgs-feed-source.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { Ban } from "../types.js";
import { bansVersion, loadBans, loadDesiredBans } from "./desired-bans.js";
import { type FeedProgress, syncFeedGroup } from "./feed-sync.js";
import { leadingThrottle } from "./leading-throttle.js";
import { createSecretBox } from "./secret-box.js";
import {
  createTargetRepo,
  type FeedSyncStatus,
  statusOf,
  type TargetRow,
  type TargetStatus,
} from "./target-repo.js";
import { createTargetService, type OpenTarget, type TargetService } from "./target-service.js";
import { syncWebhook } from "./webhook-target.js";
import { createXgsClient, type XgsClient } from "./xgs-client.js";
import { syncXgs } from "./xgs-sync.js";

/**
 * Keeps every enabled enforcement target in step with the bans, and each Sophos XGS with the
 * blocklist feeds marked `sync_to_xgs` (group grp_VGX-CrowdSBlockL). A ban change syncs at once
 * (leading edge) and the changes that follow within `debounceMs` are coalesced into one more
 * sync (trailing edge), skipped when the bans did not move since; a cheap poll of the bans' change
 * counter catches bans made on another node; every few minutes a full pass repairs drift; and a
 * sync can be requested. Each target syncs on its own: a slow or dead firewall delays only itself,
 * and a failure is retried with exponential backoff while its status says `failing` with the reason.
 * Feed passes come after the bans, in chunks, and push any new ban between two chunks; their
 * failures are reported and retried apart (`feed_error`), never as a ban failure.
 */
export interface EnforcementLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface EnforcementOptions {
  db: Kysely<StateDatabase>;
  /** Server secret the target passwords are sealed with (≥ 16 bytes). */
  secretKey: Buffer;
  log: EnforcementLog;
  /** Called after each sync attempt (wire to the live hub: `enforcement_status`). */
  onStatus?: (targetId: string, status: TargetStatus) => void;
  /** Blocklist feed IPs to mirror into each Sophos XGS (`feeds.xgs`). */
  feedSource?: XgsFeedSource;
  /** Let webhooks reach private/loopback addresses (tests, labs). Default false. */
  allowPrivate?: boolean;
  /** Window in which ban changes after the first are coalesced. Default 1 s. */
  debounceMs?: number;
  /** Quiet time after a feed change before the feed group is synced. Default 2 s. */
  feedDebounceMs?: number;
  /** Full resync of every target. Default 5 min. */
  intervalMs?: number;
  /** Poll of the bans' change counter. Default 2 s; 0 = only notifyChange(). */
  pollMs?: number;
  /** First retry delay after a failure, doubled each time up to maxRetryMs. Default 2 s. */
  retryBaseMs?: number;
  maxRetryMs?: number;
  /** Network timeout per firewall/webhook request. Default 10 s. */
  requestTimeoutMs?: number;
}

export interface Enforcement {
  targets: TargetService;
  /** Bans changed: sync now, or soon when a sync just started (coalesced). */
  notifyChange(): void;
  /** Start a sync (bans and feeds) of one target now; resolves with its status once done. */
  syncNow(id: string): Promise<TargetStatus | null>;
  start(): void;
  stop(): Promise<void>;
}

interface Runner {
  running: Promise<void> | null;
  wantBans: boolean;
  /** Sync the bans even when their change counter has not moved. */
  forceBans: boolean;
  wantFeed: boolean;
  /** A feed pass skipped because the bans failed: the ban retry brings it along. */
  feedOwed: boolean;
  /** Bans change counter at the last successful ban sync (null: unknown or failed since). */
  syncedVersion: string | null;
  failures: number;
  feedFailures: number;
  retry: NodeJS.Timeout | null;
  feedRetry: NodeJS.Timeout | null;
}

type Want = { bans?: "force" | "ifChanged"; feed?: boolean };
const ALL: Want = { bans: "force", feed: true };

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function createEnforcement(o: EnforcementOptions): Enforcement {
  const repo = createTargetRepo(o.db);
  const feedStatus = new Map<string, FeedSyncStatus>();
  const targets = createTargetService({
    repo,
    box: createSecretBox(o.secretKey),
    feedStatus: (id) => feedStatus.get(id),
  });
  const retryBase = o.retryBaseMs ?? 2000;
  const maxRetry = o.maxRetryMs ?? 5 * 60_000;
  const timeoutMs = o.requestTimeoutMs ?? 10_000;
  const leaseMs = Math.max(60_000, 3 * timeoutMs);
  const allowPrivate = o.allowPrivate ?? false;
  const runners = new Map<string, Runner>();
  const timers = new Set<NodeJS.Timeout>();
  const passFailed = (e: unknown) => o.log.warn({ err: String(e) }, "enforcement pass failed");
  let lastVersion: string | null = null;
  let stopped = false;
  let unsubscribeFeed: (() => void) | null = null;

  function runner(id: string): Runner {
    let r = runners.get(id);
    if (!r) {
      r = {
        running: null,
        wantBans: false,
        forceBans: false,
        wantFeed: false,
        feedOwed: false,
        syncedVersion: null,
        failures: 0,
        feedFailures: 0,
        retry: null,
        feedRetry: null,
      };
      runners.set(id, r);
    }
    return r;
  }

  function publish(row: TargetRow | undefined) {
    if (row) o.onStatus?.(row.id, statusOf(row, feedStatus.get(row.id)));
  }

  function backoff(failures: number) {
    return Math.min(maxRetry, retryBase * 2 ** (failures - 1));
  }

  /** Pushes the bans to one target and records its status; false when it failed (retry scheduled). */
  async function syncBans(row: TargetRow, t: OpenTarget, client: XgsClient | null, r: Runner) {
    let desired: Ban[] = [];
    try {
      // The counter is read before the bans: a change in between only causes one extra sync.
      const version = await bansVersion(o.db);
      desired = await loadDesiredBans(o.db, row.sites);
      let counts: { inSync: number; pending: number };
      if (t.type === "sophos_xgs" && client) {
        await syncXgs(client, desired);
        counts = { inSync: desired.length, pending: 0 };
      } else if (t.type === "webhook") {
        counts = await syncWebhook(repo, t.id, t.config, desired, (ips) => loadBans(o.db, ips), {
          allowPrivate,
          timeoutMs,
        });
      } else throw new Error(`no client for target ${row.name}`);
      r.failures = 0;
      r.syncedVersion = version;
      const { inSync: in_sync, pending } = counts;
      publish(await repo.setStatus(row.id, { state: "ok", last_error: null, in_sync, pending }));
      return true;
    } catch (e) {
      r.failures++;
      r.syncedVersion = null;
      const message = errorText(e);
      o.log.warn(
        { target: row.name, err: message, failures: r.failures },
        `enforcement sync to ${row.name} failed (attempt ${r.failures}, retrying): ${message}`,
      );
      const saved = await repo.setStatus(row.id, {
        state: "failing",
        last_error: message,
        in_sync: row.state === "ok" ? row.in_sync : 0,
        pending: desired.length,
      });
      publish(saved);
      if (!stopped && !r.retry)
        r.retry = setTimeout(() => {
          r.retry = null;
          void request(row.id, { bans: "force", feed: r.feedOwed });
        }, backoff(r.failures));
      return false;
    }
  }

  /** Whether a requested ban sync has anything to do (a coalesced request may find nothing new). */
  async function bansDue(r: Runner, force: boolean): Promise<boolean> {
    return force || r.syncedVersion === null || (await bansVersion(o.db)) !== r.syncedVersion;
  }

  async function syncFeed(row: TargetRow, t: OpenTarget, client: XgsClient, r: Runner) {
    const src = o.feedSource;
    if (!src) return;
    const progress: FeedProgress = { inSync: 0, pending: 0 };
    const started = Date.now();
    let renewed = Date.now();
    let shown = Date.now();
    const record = (error: string | null) =>
      feedStatus.set(row.id, {
        feed_in_sync: progress.inSync,
        feed_pending: progress.pending,
        feed_error: error,
        feed_last_sync: new Date().toISOString(),
      });
    const between = async () => {
      if (Date.now() - renewed > leaseMs / 3) {
        renewed = Date.now();
        await repo.renew(row.id, leaseMs);
      }
      if (r.wantBans) {
        const force = r.forceBans;
        r.wantBans = r.forceBans = false;
        if (await bansDue(r, force)) await syncBans(row, t, client, r);
      }
      if (Date.now() - shown > 1000) {
        // Progress of a long pass, live in the console.
        shown = Date.now();
        record(feedStatus.get(row.id)?.feed_error ?? null);
        publish(await repo.get(row.id));
      }
    };
    try {
      const plan = await syncFeedGroup(client, src, progress, between);
      r.feedFailures = 0;
      record(null);
      const writes = plan.add.length + plan.update.length + plan.remove.length;
      if (writes > 0)
        o.log.info(
          { target: row.name, group: src.group, ...progress, writes, ms: Date.now() - started },
          "blocklist feed group synced",
        );
    } catch (e) {
      r.feedFailures++;
      const message = errorText(e);
      record(message);
      o.log.warn(
        { target: row.name, err: message, failures: r.feedFailures },
        `blocklist feed group sync to ${row.name} failed (attempt ${r.feedFailures}, retrying): ${message}`,
      );
      if (!stopped && !r.feedRetry)
        r.feedRetry = setTimeout(() => {
          r.feedRetry = null;
          void request(row.id, { feed: true });
        }, backoff(r.feedFailures));
    }
    publish(await repo.get(row.id));
  }

  async function syncOnce(id: string): Promise<void> {
    const r = runner(id);
    const wantBans = r.wantBans;
    const force = r.forceBans;
    const wantFeed = r.wantFeed;
    r.wantBans = r.forceBans = r.wantFeed = false;
    const row = await repo.get(id);
    if (!row?.enabled || stopped) return;
    const doFeed = wantFeed && row.type === "sophos_xgs" && o.feedSource !== undefined;
    const doBans = wantBans && (await bansDue(r, force));
    if (!doBans && !doFeed) return;
    // Another node holds this target: it will push; our periodic pass checks again later.
    if (!(await repo.claim(id, leaseMs))) return;
    const t = targets.open(row);
    const client = t.type === "sophos_xgs" ? createXgsClient(t.config, { timeoutMs }) : null;
    try {
      const bansOk = doBans ? await syncBans(row, t, client, r) : true;
      if (doFeed && client) {
        // The firewall just refused the bans: the feed would fail the same way; go with the retry.
        if (bansOk) {
          r.feedOwed = false;
          await syncFeed(row, t, client, r);
        } else r.feedOwed = true;
      }
    } finally {
      client?.close();
      await repo.release(id);
    }
  }

  /** One sync at a time per target; what is asked during a sync is done right after it. */
  function request(id: string, want: Want): Promise<void> {
    const r = runner(id);
    if (want.bans) {
      r.wantBans = true;
      if (want.bans === "force") r.forceBans = true;
      if (r.retry) clearTimeout(r.retry);
      r.retry = null;
    }
    if (want.feed) {
      r.wantFeed = true;
      if (r.feedRetry) clearTimeout(r.feedRetry);
      r.feedRetry = null;
    }
    if (r.running) return r.running;
    r.running = (async () => {
      while ((r.wantBans || r.wantFeed) && !stopped)
        await syncOnce(id).catch((e: unknown) => o.log.warn({ err: String(e) }, "enforcement sync crashed"));
      r.running = null;
    })();
    return r.running;
  }

  async function syncAll(want: Want): Promise<void> {
    const rows = await repo.list();
    // Not awaited one by one: each target goes at its own pace.
    await Promise.all(rows.filter((t) => t.enabled).map((t) => request(t.id, want)));
  }

  const banChange = leadingThrottle(o.debounceMs ?? 1000, () => {
    if (!stopped) syncAll({ bans: "ifChanged" }).catch(passFailed);
  });
  const feedChange = leadingThrottle(
    o.feedDebounceMs ?? 2000,
    () => {
      if (!stopped) syncAll({ feed: true }).catch(passFailed);
    },
    { leading: false },
  );

  function every(ms: number, fn: () => Promise<void>) {
    const t = setInterval(() => {
      fn().catch(passFailed);
    }, ms);
    t.unref();
    timers.add(t);
  }

  const enforcement: Enforcement = {
    targets,
    notifyChange() {
      if (!stopped) banChange.trigger();
    },
    async syncNow(id) {
      await request(id, ALL);
      const row = await repo.get(id);
      return row ? statusOf(row, feedStatus.get(id)) : null;
    },
    start() {
      stopped = false;
      syncAll(ALL).catch(passFailed);
      if (o.feedSource) unsubscribeFeed = o.feedSource.onChange(() => feedChange.trigger());
      every(o.intervalMs ?? 5 * 60_000, () => syncAll(ALL));
      const pollMs = o.pollMs ?? 2000;
      if (pollMs > 0)
        every(pollMs, async () => {
          const v = await bansVersion(o.db);
          if (lastVersion !== null && v !== lastVersion) enforcement.notifyChange();
          lastVersion = v;
        });
    },
    async stop() {
      stopped = true;
      unsubscribeFeed?.();
      unsubscribeFeed = null;
      banChange.cancel();
      feedChange.cancel();
      for (const t of timers) clearInterval(t);
      timers.clear();
      for (const r of runners.values()) {
        if (r.retry) clearTimeout(r.retry);
        if (r.feedRetry) clearTimeout(r.feedRetry);
        r.retry = r.feedRetry = null;
      }
      await Promise.all([...runners.values()].map((r) => r.running));
    },
  };
  return enforcement;
}
