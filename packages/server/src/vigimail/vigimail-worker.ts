import type { Logger } from "pino";
import type { VigimailRepo } from "./vigimail-repo.js";
import type { VigimailService } from "./vigimail-service.js";

/**
 * The scheduled check of every domain and mailbox, every `interval_hours` (default 24). Each tick asks
 * whether a run is due and claims it with a lease in the settings row (an atomic UPDATE, not an
 * advisory lock: the run talks to DNS and providers for minutes and must not hold a pooled
 * connection), so across nodes it runs once, and never twice at once on this node. Provider rate
 * limits are kept by the service's pacers.
 */
const LEASE_MS = 6 * 3_600_000;

export interface VigimailWorker {
  /** Runs the scheduled check if it is due and unclaimed; true when this call ran it. */
  tick(): Promise<boolean>;
  stop(): Promise<void>;
}

export function startVigimailWorker(o: {
  repo: VigimailRepo;
  service: VigimailService;
  log: Pick<Logger, "info" | "warn" | "error">;
  /** false: no timer (tests call tick()). */
  tickMs: number | false;
}): VigimailWorker {
  let running: Promise<void> | null = null;
  let stopped = false;

  async function tick(): Promise<boolean> {
    if (running || stopped) return false;
    const s = await o.repo.settings();
    const dueBefore = new Date(Date.now() - s.interval_hours * 3_600_000);
    if (!(await o.repo.claimRun(LEASE_MS, dueBefore))) return false;
    running = (async () => {
      try {
        const { done, progress } = o.service.startRun("*", null);
        await done;
        o.log.info({ checked: progress.done, failed: progress.failed }, "Vigimail scheduled check done");
      } finally {
        await o.repo
          .finishRun()
          .catch((err: unknown) => o.log.error({ err }, "Vigimail run could not be recorded"));
        running = null;
      }
    })();
    await running;
    return true;
  }

  const timer =
    o.tickMs === false
      ? null
      : setInterval(() => {
          tick().catch((err: unknown) => o.log.warn({ err }, "Vigimail scheduled check failed"));
        }, o.tickMs);
  timer?.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
