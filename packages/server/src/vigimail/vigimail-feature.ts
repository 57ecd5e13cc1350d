import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { NewAlert } from "../alerts/types.js";
import type { HttpFeature } from "../http/app.js";
import { createSecretBox } from "../response/enforcement/secret-box.js";
import type { StateDatabase } from "../storage/state-schema.js";
import type { ProviderHttp } from "./leak-providers.js";
import { createDnsLookup } from "./resolver.js";
import { createVigimailRepo } from "./vigimail-repo.js";
import { vigimailRoutes } from "./vigimail-routes.js";
import { createVigimailService, type ProviderEnv, type VigimailService } from "./vigimail-service.js";
import { startVigimailWorker, type VigimailWorker } from "./vigimail-worker.js";

/**
 * Vigimail (docs/VIGIMAIL.md), assembled for the composition root:
 *
 *     const vigimail = createVigimail({ db, config: config.vigimail, secretKey, raise, siteFor, log });
 *     // features: [..., vigimail.routes]; on shutdown: vigimail.close()
 */
export interface VigimailOptions {
  db: Kysely<StateDatabase>;
  config: { dnsServers: string[]; hibp: ProviderEnv; leakcheck: ProviderEnv };
  /** Seals provider keys set through the API. */
  secretKey?: Buffer;
  raise: (alert: NewAlert) => Promise<unknown>;
  siteFor: (client: string) => string | undefined;
  log: Logger;
  /** Sent to HIBP, which refuses calls without one. */
  userAgent?: string;
  /** How often the worker looks whether a scheduled run is due (default 5 min); false: no worker. */
  tickMs?: number | false;
  dnsTimeoutMs?: number;
  http?: ProviderHttp;
}

export interface Vigimail {
  routes: HttpFeature;
  service: VigimailService;
  /** The scheduled run; `tick()` runs it now if it is due and no node holds it. */
  worker: VigimailWorker;
  close(): Promise<void>;
}

export function createVigimail(o: VigimailOptions): Vigimail {
  const repo = createVigimailRepo(o.db);
  const box = createSecretBox(o.secretKey ?? randomBytes(32));
  const env = { hibp: o.config.hibp, leakcheck: o.config.leakcheck };
  const service = createVigimailService({
    repo,
    dns: createDnsLookup({ servers: o.config.dnsServers, timeoutMs: o.dnsTimeoutMs ?? 3000 }),
    box,
    env,
    userAgent: o.userAgent ?? "Vigil-Vigimail (security monitoring; https://github.com/vigil)",
    raise: o.raise,
    siteFor: o.siteFor,
    log: o.log,
    ...(o.http ? { http: o.http } : {}),
  });
  const worker = startVigimailWorker({ repo, service, log: o.log, tickMs: o.tickMs ?? 300_000 });
  return {
    routes: vigimailRoutes({ repo, service, box, env }),
    service,
    worker,
    close: async () => {
      await worker.stop();
    },
  };
}
