import type { Kysely } from "kysely";
import type { HttpFeature } from "../http/app.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { type AutoBanOptions, type BanChange, type BanService, createBanService } from "./ban-service.js";
import { startExpiryWorker } from "./expiry-worker.js";
import { FpGuard, type FpGuardOptions } from "./fp-guard.js";
import { responseRoutes } from "./response-routes.js";
import type { ReputationProvider } from "./types.js";

/**
 * The response feature in one call, for the composition root: the ban service (the entry point for
 * ban-type detections), its HTTP routes and the expiry worker.
 *
 *     const response = createResponse({ db: state.db, reputation: feeds.reputation, log });
 *     response.bans.subscribe((c) => hub.publish(c.type, c.data, { site: "site" in c.data ? c.data.site : undefined }));
 *     detection.onDetection((d) => d.action === "ban" && response.bans.handleDetection(d));
 *     buildHttpApp({ features: [response.routes, …] });
 *     … on shutdown: await response.close();
 */
export interface ResponseOptions {
  db: Kysely<StateDatabase>;
  reputation?: ReputationProvider | undefined;
  /** Country of an IP, for manual bans (GeoIP); detections carry their own. */
  countryOf?: ((ip: string) => string) | undefined;
  /** Listener for committed changes (more can be added with `bans.subscribe`). */
  onChange?: ((change: BanChange) => void) | undefined;
  fpGuard?: Partial<FpGuardOptions> & { threshold?: number };
  /** Automatic bans: the operator's own networks, and whether unregistered senders may cause bans. */
  autoBan?: AutoBanOptions | undefined;
  /** Expiry sweep period (default 5 s; each sweep also schedules itself for the next expiry). */
  expiryIntervalMs?: number | undefined;
  /** Open approvals older than this expire (default 7 days). */
  pendingMaxAgeMs?: number | undefined;
  /** Set false to not run the expiry worker on this node (default true; it is cluster-safe anyway). */
  runExpiry?: boolean | undefined;
  log?: { warn(obj: unknown, msg: string): void } | undefined;
}

export interface ResponseFeature {
  bans: BanService;
  routes: HttpFeature;
  close(): Promise<void>;
}

export function createResponse(options: ResponseOptions): ResponseFeature {
  const bans = createBanService({
    db: options.db,
    reputation: options.reputation,
    countryOf: options.countryOf,
    onChange: options.onChange,
    fpGuard: new FpGuard(options.fpGuard),
    fpThreshold: options.fpGuard?.threshold,
    ownNetworks: options.autoBan?.ownNetworks,
    banUnregistered: options.autoBan?.banUnregistered,
  });
  const worker =
    options.runExpiry === false
      ? null
      : startExpiryWorker({
          db: options.db,
          emit: bans.emit,
          intervalMs: options.expiryIntervalMs,
          pendingMaxAgeMs: options.pendingMaxAgeMs,
          log: options.log,
        });
  // A short ban (a scenario's own duration) must end on time, not at the next periodic sweep.
  bans.subscribe((change) => {
    if (worker && change.type === "new_ban" && change.data.expires_at)
      worker.expiresAt(Date.parse(change.data.expires_at));
  });
  return {
    bans,
    routes: responseRoutes({ db: options.db, bans }),
    async close() {
      await worker?.stop();
    },
  };
}
