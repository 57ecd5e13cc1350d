import type { Kysely } from "kysely";
import type { StateDatabase } from "../../storage/state-schema.js";
import { type FetchOptions, fetchFeed } from "../feeds/feed-fetch.js";
import { IPSUM_SOURCE, type IpsumList, ipsumNotLoaded, parseIpsum } from "../providers/ipsum.js";
import type { ProviderVerdict } from "../providers/provider.js";
import { providerUrl } from "./provider-call.js";
import { recordError } from "./provider-usage.js";

/**
 * IPsum for the lookup: the daily list downloaded (at start, then once a day, like a feed), held in
 * memory and asked per IP at no quota. A failed download is logged and kept as IPsum's last error in
 * `threat_provider_usage`, and the previous list stays in use. Off unless the configuration enables
 * it (`VIGIL_TI_IPSUM_ENABLED`, or `VIGIL_TI_IPSUM_URL` set): the lookup then says "not configured".
 */
export const IPSUM_REFRESH_MS = 24 * 3_600_000;
/** After a failed download: soon enough that a short outage costs hours, not a day, of IPsum. */
export const IPSUM_RETRY_MS = 3_600_000;

export interface IpsumState {
  enabled: boolean;
  /** Distinct entries in the list in use; null before the first successful download. */
  entries: number | null;
  loaded_at: string | null;
  /** The file's own "Last update" line. */
  updated: string | null;
}

export interface IpsumSource {
  readonly name: "ipsum";
  readonly tier: 1;
  enabled: boolean;
  /** IPsum's answer for one IP, from memory; null when downloads are off. */
  answer(ip: string): ProviderVerdict | null;
  state(): IpsumState;
  /** Download now, or await the download running (the schedule calls this); never throws. */
  refresh(): Promise<void>;
  start(): void;
  close(): Promise<void>;
}

export interface IpsumSourceOptions {
  db: Kysely<StateDatabase>;
  enabled: boolean;
  /** `VIGIL_TI_IPSUM_URL` or null for the documented host; the list's path is appended. */
  baseUrl: string | null;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  now?: () => Date;
  fetch?: Omit<FetchOptions, "signal" | "etag" | "lastModified">;
}

export function createIpsumSource(o: IpsumSourceOptions): IpsumSource {
  const now = o.now ?? (() => new Date());
  const url = providerUrl(o.baseUrl ?? IPSUM_SOURCE.defaultBaseUrl, IPSUM_SOURCE.path);
  let list: IpsumList | null = null;
  let loadedAt: Date | null = null;
  let etag: string | null = null;
  let lastModified: string | null = null;
  let started = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let closing = new AbortController();

  async function download(): Promise<boolean> {
    const signal = closing.signal;
    try {
      const res = await fetchFeed(url, { ...o.fetch, signal, etag, lastModified });
      if (res.status === "not_modified") {
        loadedAt = now();
        return true;
      }
      const parsed = parseIpsum(res.body);
      // An HTML error page or an empty answer: keep the list in use rather than clear every IP.
      if (parsed.size === 0)
        throw new Error(
          parsed.invalid > 0
            ? `no valid entries (${parsed.invalid} invalid, e.g. ${JSON.stringify(parsed.invalidSamples[0])})`
            : "the list is empty",
        );
      list = parsed;
      loadedAt = now();
      etag = res.etag;
      lastModified = res.lastModified;
      o.log.info({ entries: parsed.size, invalid: parsed.invalid, bytes: res.bytes }, "IPsum list loaded");
      return true;
    } catch (err) {
      if (signal.aborted) return false;
      const message = (err as Error).message.slice(0, 500);
      o.log.warn({ err: message, kept: list?.size ?? 0 }, "IPsum download failed; previous list kept");
      await recordError(o.db, IPSUM_SOURCE.name, now(), `download failed: ${message}`).catch(() => {});
      return false;
    }
  }

  function schedule(ms: number): void {
    if (!started) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), ms);
    timer.unref();
  }

  let lastOk = false;
  async function tick(): Promise<void> {
    await source.refresh();
    schedule(lastOk ? IPSUM_REFRESH_MS : IPSUM_RETRY_MS);
  }

  const source: IpsumSource = {
    name: "ipsum",
    tier: 1,
    enabled: o.enabled,
    answer(ip) {
      if (!o.enabled) return null;
      return list ? list.lookup(ip) : ipsumNotLoaded();
    },
    state: () => ({
      enabled: o.enabled,
      entries: list?.size ?? null,
      loaded_at: loadedAt?.toISOString() ?? null,
      updated: list?.updated ?? null,
    }),
    refresh() {
      if (!o.enabled) return Promise.resolve();
      if (!running)
        running = download()
          .then((ok) => {
            lastOk = ok;
          })
          .finally(() => {
            running = null;
          });
      return running;
    },
    start() {
      if (!o.enabled || started) return;
      started = true;
      void tick();
    },
    async close() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = null;
      closing.abort();
      await running;
      closing = new AbortController();
    },
  };
  return source;
}
