import type { Kysely } from "kysely";
import type { HttpFeature } from "../../http/app.js";
import { createSecretBox } from "../../response/enforcement/secret-box.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import { channelRoutes } from "./channel-routes.js";
import { type ChannelStore, createChannelStore } from "./channel-store.js";
import { type ChannelNotifier, createNotifier, type NotifierLog, type SendFn } from "./notifier.js";
import type { Allowlist } from "./outbound-guard.js";

/**
 * Notification channels, built once in the composition root:
 *
 *     const channels = createChannels({ db, secretKey, consoleUrl, log });
 *     createAlertService({ ..., notifier: channels.notifier });  features: [channels.routes]
 */
export interface ChannelsOptions {
  db: Kysely<StateDatabase>;
  /** The server secret channel secrets are sealed with (≥ 16 bytes). */
  secretKey: Buffer;
  consoleUrl: string;
  log: NotifierLog;
  perChannelPerMinute?: number;
  /** Sender override (tests); default sendNotification with VIGIL_WEBHOOK_ALLOWLIST. */
  send?: SendFn;
  /** Private destinations permitted, at save and at send time; default VIGIL_WEBHOOK_ALLOWLIST. */
  allow?: Allowlist;
  /** The client owning a site (the tenancy directory): a client's channels hear that client's alerts only. */
  clientOf?: (site: string) => string | undefined;
}

export interface Channels {
  store: ChannelStore;
  notifier: ChannelNotifier;
  routes: HttpFeature;
}

export function createChannels(opts: ChannelsOptions): Channels {
  const secretBox = createSecretBox(opts.secretKey);
  const notifier = createNotifier({
    db: opts.db,
    secretBox,
    consoleUrl: opts.consoleUrl,
    log: opts.log,
    ...(opts.perChannelPerMinute !== undefined ? { perChannelPerMinute: opts.perChannelPerMinute } : {}),
    ...(opts.send ? { send: opts.send } : {}),
    ...(opts.allow ? { allow: opts.allow } : {}),
    ...(opts.clientOf ? { clientOf: opts.clientOf } : {}),
  });
  const store = createChannelStore({
    db: opts.db,
    secretBox,
    ...(opts.allow ? { allow: opts.allow } : {}),
    suppressed: () => notifier.suppressedByChannel(),
  });
  return { store, notifier, routes: channelRoutes({ db: opts.db, store, notifier }) };
}
