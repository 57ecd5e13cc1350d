import type { Kysely } from "kysely";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { Ban } from "../types.js";
import { bansVersion, loadBans, loadDesiredBans } from "./desired-bans.js";
import { createSecretBox } from "./secret-box.js";
import { createTargetRepo, statusOf, type TargetRow, type TargetStatus } from "./target-repo.js";
import { createTargetService, type TargetService } from "./target-service.js";
import { syncWebhook } from "./webhook-target.js";
import { createXgsClient } from "./xgs-client.js";
import { syncXgs } from "./xgs-sync.js";

/**
 * Keeps every enabled enforcement target in step with the bans. A sync runs on each ban change
 * (debounced, so a burst of bans is one push), on a cheap poll of the bans' change counter (a ban made
 * on another node is enforced too), every few minutes regardless (drift on the firewall is repaired),
 * and on request. Each target syncs on its own: a slow or dead firewall delays only itself, and
 * a failure is retried with exponential backoff while its status says `failing` with the reason.
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
  /** Let webhooks reach private/loopback addresses (tests, labs). Default false. */
  allowPrivate?: boolean;
  debounceMs?: number;
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
  /** Bans changed: sync soon (debounced). */
  notifyChange(): void;
  /** Start a sync of one target now; resolves with its status once done (routes need not wait). */
  syncNow(id: string): Promise<TargetStatus | null>;
  start(): void;
  stop(): Promise<void>;
}

interface Runner {
  running: Promise<void> | null;
  again: boolean;
  failures: number;
  retry: NodeJS.Timeout | null;
}

export function createEnforcement(o: EnforcementOptions): Enforcement {
  const repo = createTargetRepo(o.db);
  const targets = createTargetService({ repo, box: createSecretBox(o.secretKey) });
  const debounceMs = o.debounceMs ?? 1000;
  const retryBase = o.retryBaseMs ?? 2000;
  const maxRetry = o.maxRetryMs ?? 5 * 60_000;
  const timeoutMs = o.requestTimeoutMs ?? 10_000;
  const allowPrivate = o.allowPrivate ?? false;
  const runners = new Map<string, Runner>();
  const timers = new Set<NodeJS.Timeout>();
  let debounce: NodeJS.Timeout | null = null;
  let lastVersion: string | null = null;
  let stopped = false;

  function runner(id: string): Runner {
    let r = runners.get(id);
    if (!r) {
      r = { running: null, again: false, failures: 0, retry: null };
      runners.set(id, r);
    }
    return r;
  }

  async function apply(row: TargetRow, desired: Ban[]): Promise<{ inSync: number; pending: number }> {
    const t = targets.open(row);
    if (t.type === "sophos_xgs") {
      const client = createXgsClient(t.config, { timeoutMs });
      try {
        await syncXgs(client, desired);
        return { inSync: desired.length, pending: 0 };
      } finally {
        client.close();
      }
    }
    return syncWebhook(repo, t.id, t.config, desired, (ips) => loadBans(o.db, ips), {
      allowPrivate,
      timeoutMs,
    });
  }

  async function syncOnce(id: string): Promise<void> {
    const row = await repo.get(id);
    if (!row?.enabled || stopped) return;
    // Another node holds this target: it will push; our periodic pass checks again later.
    if (!(await repo.claim(id, Math.max(60_000, 3 * timeoutMs)))) return;
    const r = runner(id);
    let desired: Ban[] = [];
    try {
      desired = await loadDesiredBans(o.db);
      const { inSync, pending } = await apply(row, desired);
      r.failures = 0;
      const saved = await repo.setStatus(id, { state: "ok", last_error: null, in_sync: inSync, pending });
      if (saved) o.onStatus?.(id, statusOf(saved));
    } catch (e) {
      r.failures++;
      const message = e instanceof Error ? e.message : String(e);
      o.log.warn({ target: row.name, err: message, failures: r.failures }, "enforcement sync failed");
      const saved = await repo.setStatus(id, {
        state: "failing",
        last_error: message,
        in_sync: row.state === "ok" ? row.in_sync : 0,
        pending: desired.length,
      });
      if (saved) o.onStatus?.(id, statusOf(saved));
      scheduleRetry(id, r);
    } finally {
      await repo.release(id);
    }
  }

  function scheduleRetry(id: string, r: Runner) {
    if (stopped || r.retry) return;
    const delay = Math.min(maxRetry, retryBase * 2 ** (r.failures - 1));
    r.retry = setTimeout(() => {
      r.retry = null;
      void run(id);
    }, delay);
  }

  /** One sync at a time per target; a request during a sync runs once more right after it. */
  function run(id: string): Promise<void> {
    const r = runner(id);
    if (r.running) {
      r.again = true;
      return r.running;
    }
    if (r.retry) {
      clearTimeout(r.retry);
      r.retry = null;
    }
    r.running = (async () => {
      do {
        r.again = false;
        await syncOnce(id).catch((e: unknown) => o.log.warn({ err: String(e) }, "enforcement sync crashed"));
      } while (r.again && !stopped);
      r.running = null;
    })();
    return r.running;
  }

  async function syncAll(): Promise<void> {
    const rows = await repo.list();
    // Not awaited one by one: each target goes at its own pace.
    await Promise.all(rows.filter((t) => t.enabled).map((t) => run(t.id)));
  }

  function every(ms: number, fn: () => Promise<void>) {
    const t = setInterval(() => {
      fn().catch((e: unknown) => o.log.warn({ err: String(e) }, "enforcement pass failed"));
    }, ms);
    t.unref();
    timers.add(t);
  }

  const enforcement: Enforcement = {
    targets,
    notifyChange() {
      if (stopped) return;
      if (debounce) clearTimeout(debounce);
      debounce = setTimeout(() => {
        debounce = null;
        syncAll().catch((e: unknown) => o.log.warn({ err: String(e) }, "enforcement pass failed"));
      }, debounceMs);
    },
    async syncNow(id) {
      await run(id);
      const row = await repo.get(id);
      return row ? statusOf(row) : null;
    },
    start() {
      stopped = false;
      enforcement.notifyChange();
      every(o.intervalMs ?? 5 * 60_000, syncAll);
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
      if (debounce) clearTimeout(debounce);
      for (const t of timers) clearInterval(t);
      timers.clear();
      for (const r of runners.values()) if (r.retry) clearTimeout(r.retry);
      await Promise.all([...runners.values()].map((r) => r.running));
    },
  };
  return enforcement;
}
