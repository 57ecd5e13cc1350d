import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { NewAlert } from "../alerts/types.js";
import { createEventRepository } from "../events/event-repository.js";
import type { EventStore } from "../storage/event-store.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { silentSenderAlerts } from "./silent-senders.js";
import { createSiteDirectory, type SiteDirectory } from "./site-directory.js";
import { createTenancyRepo } from "./tenancy-repo.js";
import { tenancyRoutes } from "./tenancy-routes.js";

export interface TenancyOptions {
  db: Kysely<StateDatabase>;
  eventStore: EventStore;
  /** A registered sender silent this long raises a "site silent" alert. */
  silentAfterMs: number;
  raise: (alert: NewAlert) => Promise<unknown>;
  log: Logger;
  /** How often senders' silence is checked (default one minute). */
  checkEveryMs?: number;
}

export interface Tenancy {
  directory: SiteDirectory;
  routes: ReturnType<typeof tenancyRoutes>;
  close(): void;
}

/**
 * Clients and sites: the site directory the guard scopes every request with, the /clients and /sites
 * routes, and the silent-sender watcher. Sites that events name but no one registered join the
 * client `default` at start, so an upgraded install's data stays reachable.
 */
export async function createTenancy(o: TenancyOptions): Promise<Tenancy> {
  const repo = createTenancyRepo(o.db);
  const directory = createSiteDirectory(o.db);
  const events = createEventRepository(o.eventStore);
  const adopted = await repo.adoptSites((await events.sites()).map((s) => s.site));
  if (adopted > 0) o.log.info({ adopted }, "sites found in stored events joined the client 'default'");
  await directory.refresh();

  const timer = setInterval(() => {
    silentSenderAlerts(o.db, { now: Date.now(), silentAfterMs: o.silentAfterMs })
      .then((alerts) => Promise.all(alerts.map((a) => o.raise(a))))
      .catch((err: unknown) => o.log.error({ err }, "silent-sender check failed"));
  }, o.checkEveryMs ?? 60_000);
  timer.unref();

  return {
    directory,
    routes: tenancyRoutes({
      repo,
      eventStore: o.eventStore,
      db: o.db,
      silentAfterMs: o.silentAfterMs,
    }),
    close() {
      clearInterval(timer);
      directory.close();
    },
  };
}

/** The /clients and /sites routes over a state store and an event store, for tests of other features. */
export function tenancyTestRoutes(db: Kysely<StateDatabase>, eventStore: EventStore) {
  return tenancyRoutes({ repo: createTenancyRepo(db), eventStore, db, silentAfterMs: 15 * 60_000 });
}
