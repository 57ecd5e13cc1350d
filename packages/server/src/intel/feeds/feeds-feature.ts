import type { Kysely } from "kysely";
import type { HttpFeature } from "../../http/app.js";
import { createSecretBox } from "../../response/enforcement/secret-box.js";
import type { ReputationProvider } from "../../response/types.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import { feedReputation } from "../reputation.js";
import type { FetchOptions } from "./feed-fetch.js";
import { feedRoutes } from "./feed-routes.js";
import { type CountryLookup, type FeedLog, FeedService } from "./feed-service.js";
import { type XgsFeedSource, xgsFeedSource } from "./xgs-feed-source.js";

/**
 * Blocklist feeds, assembled for the composition root:
 *
 *     const feeds = await createFeeds({ db: state.db, log, country: (ip) => geoIp.lookup(ip)?.country ?? "" });
 *     // features: [..., feeds.routes]; bans: reputation: feeds.reputation; enforcement: feeds.xgs
 *     // on shutdown: await feeds.close();
 */
export interface FeedsOptions {
  db: Kysely<StateDatabase>;
  log: FeedLog;
  country?: CountryLookup;
  fetch?: FetchOptions;
  /** Scheduler tick (default 60 s); `false` to not schedule (tests, a node that must not fetch). */
  tickMs?: number | false;
  /** The server secret: credentials written inside a feed URL are sealed with it. */
  secretKey?: Buffer;
}

export interface Feeds {
  service: FeedService;
  routes: HttpFeature;
  reputation: ReputationProvider;
  xgs: XgsFeedSource;
  close(): Promise<void>;
}

export async function createFeeds(o: FeedsOptions): Promise<Feeds> {
  const service = await FeedService.open({
    db: o.db,
    log: o.log,
    ...(o.country ? { country: o.country } : {}),
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.tickMs ? { tickMs: o.tickMs } : {}),
    ...(o.secretKey ? { box: createSecretBox(o.secretKey) } : {}),
  });
  if (o.tickMs !== false) service.start();
  return {
    service,
    routes: feedRoutes({ feeds: service }),
    reputation: feedReputation(service),
    xgs: xgsFeedSource(service),
    close: () => service.close(),
  };
}
