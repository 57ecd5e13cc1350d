import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { tryWithAdvisoryLock } from "../storage/state-lock.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { createSessionsRepo } from "./sessions-repo.js";

/**
 * Forget sessions that ended (expired or revoked) more than a day ago, every `everyMs` (default
 * hourly). Runs on one node at a time (advisory lock); the others skip that round.
 */
export function startSessionSweeper(options: {
  db: Kysely<StateDatabase>;
  log: Pick<Logger, "info" | "warn">;
  everyMs?: number;
}): { stop(): void; sweep(): Promise<number> } {
  const sweep = async (): Promise<number> => {
    // The work runs on the locked connection (see state-lock.ts).
    const result = await tryWithAdvisoryLock(options.db, "vigil:session-sweeper", (conn) =>
      createSessionsRepo(conn).deleteEnded(),
    );
    const removed = result.ran ? result.value : 0;
    if (removed > 0) options.log.info({ removed }, "ended sessions removed");
    return removed;
  };
  const timer = setInterval(() => {
    sweep().catch((err: unknown) => options.log.warn({ err }, "session sweep failed"));
  }, options.everyMs ?? 3_600_000);
  timer.unref();
  return { stop: () => clearInterval(timer), sweep };
}
